"""The bundled example (README Quickstart, line 1): every problem it was built to show, at its
line, with a fix, through the real command; exit code 1 because some are critical."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "broken-space"

EXPECTED = {
    ("SD104", "README.md", 8),  # short_description over the Hub's 60 characters
    ("SD204", "Dockerfile", 6),  # HF_HOME under root-owned /app
    ("SD206", "start.sh", 6),  # uvicorn on 8000, app_port 7860
    ("SD207", "start.sh", 6),  # uvicorn on 127.0.0.1
    ("SD208", "start.sh", 6),  # --proxy-headers alone; url_for builds http:// URLs
    ("SD216", "start.sh", 4),  # cp -n of the code onto the /data volume
    ("SD216", "start.sh", 5),  # ... and running it from there
    ("SD301", "main.py", 25),  # subprocess.run in a request handler
    ("SD302", "main.py", 37),  # StaticFiles outside the sub-app's CORS middleware
}


def test_bundled_example_reports_each_problem_at_its_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "spacedoctor", "audit", str(EXAMPLE), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["errors"] == []
    got = {(f["id"], f["location"]["path"], f["location"]["line"]) for f in doc["findings"]}
    assert got == EXPECTED
    assert all(f["fix"].strip() for f in doc["findings"])
