"""Stroke DeepISLES API: cases, async segmentation jobs, result files."""

import threading

from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from stroke_api import jobs
from stroke_api.config import BACKEND_PUBLIC_URL, FRONTEND_ORIGINS, RESULTS_DIR
from stroke_api.inference import run_segmentation

CASES = ["sub-stroke0001", "sub-stroke0002", "sub-stroke0003"]

app = FastAPI(title="Stroke DeepISLES")

# The API lives in its own app, mounted at /api, with the CORS middleware
api = FastAPI(title="Stroke DeepISLES API")
api.add_middleware(
    CORSMiddleware,
    allow_origins=FRONTEND_ORIGINS,
    allow_methods=["*"],
    allow_headers=["*"],
)


class SegmentRequest(BaseModel):
    case_id: str
    fast_mode: bool = True


@api.get("/cases")
def list_cases() -> list[str]:
    return CASES


@api.post("/segment", status_code=202)
def segment(body: SegmentRequest, request: Request) -> dict[str, str]:
    if body.case_id not in CASES:
        raise HTTPException(404, f"unknown case {body.case_id}")
    job = jobs.create_job(body.case_id, body.fast_mode)
    base = BACKEND_PUBLIC_URL or str(request.base_url).rstrip("/")
    threading.Thread(target=run_segmentation, args=(job, base), daemon=True).start()
    return {"jobId": job.id, "status": job.status}


@api.get("/jobs/{job_id}")
def job_status(job_id: str) -> dict[str, object]:
    job = jobs.get_job(job_id)
    if job is None:
        raise HTTPException(404, "job not found")
    return {
        "jobId": job.id,
        "status": job.status,
        "progress": job.progress,
        "progressMessage": job.progress_message,
        "result": job.result,
        "error": job.error,
    }


@app.get("/")
def root() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/health")
def health() -> dict[str, object]:
    return {"status": "healthy", "jobs": jobs.count()}


app.mount("/api", api)

# Results are written to /tmp/stroke-results; mount after the directory exists
RESULTS_DIR.mkdir(parents=True, exist_ok=True)
# BUG-004: CORS/CORP middleware not applied to mounted StaticFiles
# expect: SD302
app.mount("/files", StaticFiles(directory=str(RESULTS_DIR)), name="files")
