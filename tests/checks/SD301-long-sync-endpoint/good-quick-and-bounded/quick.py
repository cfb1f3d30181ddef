import asyncio

from fastapi import APIRouter
from huggingface_hub import hf_hub_download
from transformers import pipeline

router = APIRouter()
classifier = pipeline("sentiment-analysis")


@router.post("/sentiment")
def sentiment(text: str) -> dict[str, object]:
    # A classification pipeline answers in milliseconds.
    return {"label": classifier(text)[0]["label"]}


@router.get("/config")
async def config() -> dict[str, str]:
    await asyncio.sleep(0.5)
    return {"path": hf_hub_download("org/model", "config.json")}
