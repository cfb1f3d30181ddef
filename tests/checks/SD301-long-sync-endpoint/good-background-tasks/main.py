import subprocess
import uuid

from fastapi import BackgroundTasks, FastAPI, HTTPException

app = FastAPI()
JOBS: dict[str, str] = {}


def run_inference(job_id: str, case_id: str) -> None:
    JOBS[job_id] = "running"
    subprocess.run(["deepisles", "--case", case_id], check=True)
    JOBS[job_id] = "done"


@app.post("/api/segment", status_code=202)
def segment(case_id: str, background_tasks: BackgroundTasks) -> dict[str, str]:
    job_id = uuid.uuid4().hex
    JOBS[job_id] = "pending"
    background_tasks.add_task(run_inference, job_id, case_id)
    return {"job_id": job_id}


@app.get("/api/jobs/{job_id}")
def job(job_id: str) -> dict[str, str]:
    if job_id not in JOBS:
        raise HTTPException(404)
    return {"status": JOBS[job_id]}
