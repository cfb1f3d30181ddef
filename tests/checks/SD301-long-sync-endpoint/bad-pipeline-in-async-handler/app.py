from fastapi import APIRouter, FastAPI
from transformers import pipeline

pipe = pipeline("text-generation", model="Qwen/Qwen2.5-0.5B-Instruct")
router = APIRouter(prefix="/v1")


@router.post("/chat")
# expect: SD301
async def chat(prompt: str) -> dict[str, str]:
    out = pipe(prompt, max_new_tokens=512)
    return {"text": out[0]["generated_text"]}


app = FastAPI()
app.include_router(router, prefix="/api")
