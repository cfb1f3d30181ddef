import os
from pathlib import Path

os.environ['HF_HOME'] = '/app/.cache'  # expect: SD204
os.environ['TRANSFORMERS_CACHE'] = '/app/.cache'  # expect: SD204
os.environ['TORCH_HOME'] = '/app/.cache'  # expect: SD204
os.environ['HF_DATASETS_CACHE'] = '/app/.cache/datasets'  # expect: SD204
os.environ['HUGGINGFACE_HUB_CACHE'] = '/app/.cache/hub'  # expect: SD204

Path('/app/.cache').mkdir(parents=True, exist_ok=True)
os.chmod('/app/.cache', 0o777)  # expect: SD204

import io

import soundfile as sf
import torch
import uvicorn
from fastapi import FastAPI
from fastapi.responses import Response
from transformers import AutoTokenizer, VitsModel

app = FastAPI()
tokenizer = AutoTokenizer.from_pretrained("facebook/mms-tts-eng")
model = VitsModel.from_pretrained("facebook/mms-tts-eng")


@app.get("/health")
def health():
    return {"status": "healthy"}


@app.post("/tts")
def tts(text: str):
    inputs = tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        wav = model(**inputs).waveform[0].numpy()
    buf = io.BytesIO()
    sf.write(buf, wav, model.config.sampling_rate, format="WAV")
    return Response(buf.getvalue(), media_type="audio/wav")


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=7860)
