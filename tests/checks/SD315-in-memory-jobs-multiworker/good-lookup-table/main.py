"""Label names by id: the same table in every worker, because every worker builds it."""

import json
from pathlib import Path

from fastapi import FastAPI, HTTPException

app = FastAPI()

LABELS: dict[int, str] = {}
for i, name in enumerate(json.loads(Path("labels.json").read_text())):
    LABELS[i] = name
ALIASES = {"kitty": "cat", "puppy": "dog"}
SEEN_FORMATS = {"png", "jpeg"}
scores: dict[str, float] = {"cat": 0.6, "dog": 0.4}


@app.get("/labels/{label_id}")
def label(label_id: int) -> dict:
    if label_id not in LABELS:
        raise HTTPException(404)
    return {"id": label_id, "name": LABELS[label_id]}


@app.get("/alias/{word}")
def alias(word: str) -> dict:
    return {"label": ALIASES.get(word, word)}


@app.get("/prior/{label_name}")
def prior(label_name: str) -> dict:
    return {"prior": scores.get(label_name, 0.0)}


@app.post("/classify")
def classify(fmt: str) -> dict:
    # A local dict of the same name as the module-level table: this request's own.
    scores = {}
    scores["format_known"] = float(fmt in SEEN_FORMATS)
    return scores
