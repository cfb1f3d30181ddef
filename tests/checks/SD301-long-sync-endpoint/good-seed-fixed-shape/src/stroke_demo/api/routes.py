import subprocess
import threading
import uuid

from fastapi import APIRouter, HTTPException

router = APIRouter()
JOBS: dict[str, dict[str, object]] = {}


def _run_segmentation(job_id: str, case_id: str, fast: bool) -> None:
    JOBS[job_id]["status"] = "running"
    cmd = ["deepisles", "--case", case_id, "--out", f"/tmp/stroke-results/{job_id}"]
    if fast:
        cmd.append("--fast")
    subprocess.run(cmd, check=True)
    JOBS[job_id]["status"] = "completed"


@router.post("/segment", status_code=202)
def segment(case_id: str, fast_mode: bool = True) -> dict[str, str]:
    job_id = uuid.uuid4().hex
    JOBS[job_id] = {"status": "pending"}
    threading.Thread(target=_run_segmentation, args=(job_id, case_id, fast_mode), daemon=True).start()
    return {"jobId": job_id, "status": "pending"}


@router.get("/jobs/{job_id}")
def job(job_id: str) -> dict[str, object]:
    if job_id not in JOBS:
        raise HTTPException(404, "no such job")
    return JOBS[job_id]
