from collections import OrderedDict

from fastapi import FastAPI, HTTPException

from .jobs import start_job

app = FastAPI()
# expect: SD315
PENDING: "OrderedDict[str, dict]" = OrderedDict()


@app.post("/jobs")
async def create_job(text: str) -> dict:
    job_id = start_job(text, PENDING)
    return {"job_id": job_id}


@app.get("/jobs/{job_id}")
async def get_job(job_id: str) -> dict:
    try:
        return PENDING[job_id]
    except KeyError:
        raise HTTPException(404) from None
