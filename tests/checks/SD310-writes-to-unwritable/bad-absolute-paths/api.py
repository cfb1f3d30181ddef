import os
from pathlib import Path

import torch
from fastapi import FastAPI

RESULTS = Path("/app/results")
app = FastAPI()


@app.post("/save")
def save(name: str):
    # expect: SD310
    (RESULTS / f"{name}.json").write_text("{}")
    # expect: SD310
    torch.save({"w": 1}, "/models/latest.pt")
    # expect: SD310
    os.makedirs("/data/uploads", exist_ok=True)
    return {"ok": True}
