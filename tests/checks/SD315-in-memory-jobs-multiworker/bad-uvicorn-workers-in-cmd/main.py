"""Segmentation API: POST creates a job, the page polls GET /api/jobs/{job_id}."""

import time
import uuid

from fastapi import BackgroundTasks, FastAPI, HTTPException

app = FastAPI()

# expect: SD315
JOBS: dict[str, dict] = {}


def run_segmentation(job_id: str, case_id: str) -> None:
    JOBS[job_id]["status"] = "running"
    time.sleep(1)  # stands for the model
    JOBS[job_id].update(status="completed", result=f"/files/{job_id}/{case_id}/mask.nii.gz")


@app.post("/api/segment", status_code=202)
def segment(case_id: str, background_tasks: BackgroundTasks) -> dict:
    job_id = uuid.uuid4().hex
    JOBS[job_id] = {"status": "pending", "case_id": case_id}
    background_tasks.add_task(run_segmentation, job_id, case_id)
    return {"jobId": job_id, "status": "pending"}


@app.get("/api/jobs/{job_id}")
def job_status(job_id: str) -> dict:
    job = JOBS.get(job_id)
    if job is None:
        raise HTTPException(404, "unknown job")
    return job


@app.get("/health")
def health() -> dict:
    return {"ok": True, "jobs": len(JOBS)}
