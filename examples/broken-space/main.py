"""A small API: segments a case with a model and serves the result files."""

import subprocess
import uuid
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

RESULTS = Path("/tmp/results")
RESULTS.mkdir(parents=True, exist_ok=True)

app = FastAPI()
api = FastAPI()
api.add_middleware(
    CORSMiddleware,
    allow_origins=["https://acme-viewer.hf.space"],
    allow_methods=["*"],
)


@api.post("/segment")
def segment(case_id: str) -> dict[str, str]:
    job = uuid.uuid4().hex
    subprocess.run(["python", "segment.py", case_id, str(RESULTS / job)], check=True)
    return {"job": job, "files": f"/files/{job}/"}


@app.get("/")
def home(request: Request) -> RedirectResponse:
    return RedirectResponse(str(request.url_for("files", path="index.html")))


app.mount("/api", api)
app.mount("/files", StaticFiles(directory=RESULTS), name="files")
