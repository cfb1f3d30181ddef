"""Backend of a static frontend Space on another origin: jobs + NIfTI files under /files."""

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from .routes import router

RESULTS_DIR = Path("/tmp/stroke-results")
FRONTEND_ORIGINS = [
    "https://someone-stroke-viewer.hf.space",
    os.environ.get("FRONTEND_ORIGIN", "http://localhost:5173"),
]

app = FastAPI(title="stroke demo")
app.include_router(router, prefix="/api")

RESULTS_DIR.mkdir(parents=True, exist_ok=True)
app.mount("/files", StaticFiles(directory=str(RESULTS_DIR)), name="files")

# On the root app: wraps /api/* and the /files mount alike.
app.add_middleware(
    CORSMiddleware,
    allow_origins=FRONTEND_ORIGINS,
    allow_methods=["GET", "POST", "OPTIONS"],
    allow_headers=["*"],
)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
