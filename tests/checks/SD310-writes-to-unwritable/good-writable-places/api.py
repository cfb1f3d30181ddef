import os
from pathlib import Path

from fastapi import FastAPI

app = FastAPI()


@app.post("/save")
def save(name: str):
    Path("/app/results", f"{name}.json").write_text("{}")
    Path("~/notes.txt").expanduser().write_text(name)
    with open("/tmp/scratch.bin", "wb") as fh:
        fh.write(b"")
    with open("/srv/shared/log.txt", "a") as fh:
        fh.write(name)
    os.makedirs("/data/uploads", exist_ok=True)
    # cache directories are SD204's
    os.makedirs("/opt/hf/extra", exist_ok=True)
    with open("/etc/hostname") as fh:
        return {"host": fh.read()}
