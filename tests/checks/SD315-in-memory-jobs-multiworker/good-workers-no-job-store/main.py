"""Stateless API: each worker loads its own models and caches its own embeddings."""

from fastapi import FastAPI

app = FastAPI()
MODELS: dict[str, object] = {}
CACHE: dict[str, list[float]] = {}


@app.on_event("startup")
def load_models() -> None:
    MODELS["embedder"] = object()


def embed_one(text: str) -> list[float]:
    if text not in CACHE:
        CACHE[text] = [float(len(text))]
    return CACHE[text]


@app.post("/embed")
def embed(text: str) -> dict:
    return {"vector": embed_one(text), "model": str(MODELS["embedder"])}


@app.post("/embed_batch")
def embed_batch(texts: list[str]) -> dict:
    vectors = []
    for text in texts:
        if text in CACHE:
            vectors.append(CACHE[text])
        else:
            CACHE[text] = [float(len(text))]
            vectors.append(CACHE[text])
    return {"vectors": vectors}


@app.get("/stats")
def stats() -> dict:
    return {"cached": len(CACHE), "models": sorted(MODELS)}
