from fastapi import FastAPI
from pydantic import BaseModel

from inference import run_inference

app = FastAPI()


class SegmentRequest(BaseModel):
    case_id: str
    fast_mode: bool = True


@app.post("/api/segment")
# expect: SD301
def segment(req: SegmentRequest) -> dict[str, str]:
    out = run_inference(req.case_id, req.fast_mode)
    return {"result": out}


@app.get("/api/cases")
def cases() -> list[str]:
    return ["sub-stroke0001"]
