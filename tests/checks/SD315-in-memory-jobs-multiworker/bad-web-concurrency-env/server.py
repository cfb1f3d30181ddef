import uuid

from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()
# expect: SD315
RENDERS = []


@app.post("/render")
def render(prompt: str) -> dict:
    render_id = uuid.uuid4().hex
    RENDERS.append({"id": render_id, "prompt": prompt, "state": "queued"})
    return {"id": render_id}


@app.get("/render/{render_id}")
def render_state(render_id: str):
    found = next((r for r in RENDERS if r["id"] == render_id), None)
    if found is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    return found
