"""Runs DeepISLES on one case and writes the NIfTI results under RESULTS_DIR/<job>/<case>/."""

import subprocess

from stroke_api.config import RESULTS_DIR
from stroke_api.jobs import Job


def run_segmentation(job: Job, base_url: str) -> None:
    job.status, job.progress, job.progress_message = "running", 10, "Loading case"
    out = RESULTS_DIR / job.id / job.case_id
    out.mkdir(parents=True, exist_ok=True)
    try:
        job.progress, job.progress_message = 30, "Running DeepISLES"
        cmd = ["python", "-m", "deepisles.run", "--case", job.case_id, "--out", str(out)]
        if job.fast_mode:
            cmd.append("--fast")
        subprocess.run(cmd, check=True)
        job.progress, job.progress_message = 95, "Writing results"
        prefix = f"{base_url}/files/{job.id}/{job.case_id}"
        job.result = {
            "dwi": f"{prefix}/dwi.nii.gz",
            "prediction": f"{prefix}/prediction.nii.gz",
        }
        job.status, job.progress, job.progress_message = "completed", 100, "Done"
    except subprocess.CalledProcessError as exc:
        job.status, job.error = "failed", f"DeepISLES exited with {exc.returncode}"
