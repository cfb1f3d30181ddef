import uuid

from fastapi import FastAPI, HTTPException

app = FastAPI()
JOBS: dict[str, dict] = {}


@app.post("/jobs")
def create() -> dict:
    job_id = uuid.uuid4().hex
    JOBS[job_id] = {"status": "queued"}
    return {"job_id": job_id}


@app.get("/jobs/{job_id}")
def get(job_id: str) -> dict:
    if job_id not in JOBS:
        raise HTTPException(404)
    return JOBS[job_id]
