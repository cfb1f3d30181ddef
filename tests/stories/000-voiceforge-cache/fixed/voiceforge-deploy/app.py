import uuid

from fastapi import BackgroundTasks, FastAPI, HTTPException
from transformers import pipeline

app = FastAPI()
asr = pipeline("automatic-speech-recognition", model="openai/whisper-tiny")
jobs = {}


def run_asr(job_id: str, url: str) -> None:
    jobs[job_id] = {"status": "running"}
    jobs[job_id] = {"status": "completed", "result": asr(url)}


@app.get("/health")
def health():
    return {"status": "healthy"}


@app.post("/stt", status_code=202)
def stt(url: str, background_tasks: BackgroundTasks):
    job_id = uuid.uuid4().hex
    jobs[job_id] = {"status": "pending"}
    background_tasks.add_task(run_asr, job_id, url)
    return {"job_id": job_id}


@app.get("/jobs/{job_id}")
def job(job_id: str):
    if job_id not in jobs:
        raise HTTPException(status_code=404, detail="no such job")
    return jobs[job_id]
