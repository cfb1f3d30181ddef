import asyncio
import uuid

from fastapi import FastAPI

app = FastAPI()
JOBS: dict[str, str] = {}


async def process(job_id: str, video: str) -> None:
    proc = await asyncio.create_subprocess_exec("ffmpeg", "-i", video, f"/tmp/{job_id}.mp4")
    await proc.wait()
    JOBS[job_id] = "done"


@app.post("/render", status_code=202)
async def render(video: str) -> dict[str, str]:
    job_id = uuid.uuid4().hex
    JOBS[job_id] = "running"
    asyncio.create_task(process(job_id, video))
    return {"job_id": job_id}


@app.get("/render/{job_id}")
async def status(job_id: str) -> dict[str, str]:
    return {"status": JOBS.get(job_id, "unknown")}
