import subprocess
from pathlib import Path

RESULTS = Path("/tmp/stroke-results")


def _deepisles(case_id: str, fast: bool) -> None:
    cmd = ["python", "-m", "deepisles", "--case", case_id, "--out", str(RESULTS / case_id)]
    if fast:
        cmd.append("--fast")
    subprocess.run(cmd, check=True)


def run_inference(case_id: str, fast: bool) -> str:
    _deepisles(case_id, fast)
    return str(RESULTS / case_id / "lesion.nii.gz")
