from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

RESULTS = Path("/tmp/results")
RESULTS.mkdir(parents=True, exist_ok=True)

app = FastAPI(title="viewer backend")
api = FastAPI()
api.add_middleware(
    CORSMiddleware,
    allow_origins=["https://someone-viewer.hf.space"],
    allow_methods=["*"],
)


@api.get("/cases")
def cases() -> list[str]:
    return ["case-1"]


app.mount("/api", api)
# expect: SD302
app.mount("/files", StaticFiles(directory=RESULTS), name="files")
