import asyncio
import subprocess

from fastapi import FastAPI
from huggingface_hub import hf_hub_download, snapshot_download

app = FastAPI()


@app.post("/render")
# expect: SD301
def render(scene: str) -> dict[str, str]:
    proc = subprocess.Popen(["blender", "-b", scene, "-a"], stdout=subprocess.PIPE)
    out, _ = proc.communicate()
    return {"log": out.decode()}


@app.get("/warmup")
# expect: SD301
async def warmup() -> dict[str, bool]:
    await asyncio.sleep(45)
    return {"ready": True}


@app.post("/models/{repo_id}")
# expect: SD301
def fetch_model(repo_id: str) -> dict[str, str]:
    return {"path": snapshot_download(repo_id)}


@app.get("/weights")
# expect: SD301
def weights() -> dict[str, str]:
    return {"path": hf_hub_download("org/big-model", "model-00001-of-00004.safetensors")}
