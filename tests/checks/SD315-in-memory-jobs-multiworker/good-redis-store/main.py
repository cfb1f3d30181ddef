import json
import os
import uuid

import redis
from fastapi import BackgroundTasks, FastAPI, HTTPException

app = FastAPI()
r = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
JOB_FIELDS = ["status", "result"]
DEFAULTS = {"status": "pending", "result": None}


def run(job_id: str) -> None:
    r.hset(f"job:{job_id}", mapping={"status": "done", "result": json.dumps([1, 2])})


@app.post("/jobs", status_code=202)
def create(background_tasks: BackgroundTasks) -> dict:
    job_id = uuid.uuid4().hex
    r.hset(f"job:{job_id}", mapping={k: json.dumps(v) for k, v in DEFAULTS.items()})
    background_tasks.add_task(run, job_id)
    return {"job_id": job_id}


@app.get("/jobs/{job_id}")
def status(job_id: str) -> dict:
    raw = r.hgetall(f"job:{job_id}")
    if not raw:
        raise HTTPException(404)
    return {k: raw.get(k.encode()) for k in JOB_FIELDS}
