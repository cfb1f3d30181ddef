import os
from pathlib import Path

os.environ['HF_HOME'] = '/app/.cache'
os.environ['TRANSFORMERS_CACHE'] = '/app/.cache'
os.environ['TORCH_HOME'] = '/app/.cache'
os.environ['HF_DATASETS_CACHE'] = '/app/.cache/datasets'
os.environ['HUGGINGFACE_HUB_CACHE'] = '/app/.cache/hub'

# Create cache directory with proper permissions
Path('/app/.cache').mkdir(parents=True, exist_ok=True)
os.chmod('/app/.cache', 0o777)  # expect: SD204

from fastapi import FastAPI
from transformers import pipeline

app = FastAPI()
asr = pipeline("automatic-speech-recognition", model="openai/whisper-tiny")


@app.get("/health")
def health():
    return {"status": "healthy"}


@app.post("/stt")
# expect: SD301
def stt(url: str):
    return asr(url)
