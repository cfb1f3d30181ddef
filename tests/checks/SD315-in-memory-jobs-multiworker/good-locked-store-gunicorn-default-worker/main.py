"""One gunicorn worker (the default): the lock keeps this worker's threads apart."""

import threading
import uuid

from fastapi import FastAPI, HTTPException

app = FastAPI()
LOCK = threading.Lock()
JOBS: dict[str, dict] = {}


@app.post("/jobs")
def create() -> dict:
    job_id = uuid.uuid4().hex
    with LOCK:
        JOBS[job_id] = {"status": "queued"}
    return {"job_id": job_id}


@app.get("/jobs/{job_id}")
def get(job_id: str) -> dict:
    with LOCK:
        job = JOBS.get(job_id)
    if job is None:
        raise HTTPException(404)
    return job
