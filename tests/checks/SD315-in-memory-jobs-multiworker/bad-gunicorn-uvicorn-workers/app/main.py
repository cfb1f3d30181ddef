import threading
import uuid

from fastapi import FastAPI, HTTPException, UploadFile

from . import store

app = FastAPI()


def transcribe(task_id: str, data: bytes) -> None:
    store.finish(task_id, f"{len(data)} bytes of speech")


@app.post("/transcribe")
async def submit(audio: UploadFile) -> dict:
    task_id = str(uuid.uuid4())
    store.create(task_id, audio.filename or "audio")
    threading.Thread(target=transcribe, args=(task_id, await audio.read())).start()
    return {"task_id": task_id}


@app.get("/transcribe/{task_id}")
def result(task_id: str) -> dict:
    if task_id not in store.TASKS:
        raise HTTPException(404, "no such task")
    return store.TASKS[task_id]
