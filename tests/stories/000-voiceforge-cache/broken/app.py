"""VoiceForge API: TTS (facebook/mms-tts-eng), STT (openai/whisper-tiny), VAD."""

import io
import os
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
from fastapi import FastAPI, File, UploadFile
from fastapi.responses import Response
from transformers import AutoProcessor, AutoTokenizer, VitsModel, WhisperForConditionalGeneration

# HF Spaces cache fix
os.environ['HF_HOME'] = '/app/.cache'  # expect: SD204, SD305
os.environ['TRANSFORMERS_CACHE'] = '/app/.cache'  # expect: SD204, SD305
os.environ['TORCH_HOME'] = '/app/.cache'  # expect: SD204
os.environ['HF_DATASETS_CACHE'] = '/app/.cache/datasets'  # expect: SD204
os.environ['HUGGINGFACE_HUB_CACHE'] = '/app/.cache/hub'  # expect: SD204, SD305

# Create cache directory with proper permissions
Path('/app/.cache').mkdir(parents=True, exist_ok=True)  # expect: SD204
os.chmod('/app/.cache', 0o777)  # expect: SD204

app = FastAPI(title="VoiceForge")
device = "cuda" if torch.cuda.is_available() else "cpu"
models = {}


def get_tts():
    if "tts" not in models:
        models["tts"] = (
            VitsModel.from_pretrained("facebook/mms-tts-eng").to(device),
            AutoTokenizer.from_pretrained("facebook/mms-tts-eng"),
        )
    return models["tts"]


def get_stt():
    if "stt" not in models:
        models["stt"] = (
            WhisperForConditionalGeneration.from_pretrained("openai/whisper-tiny").to(device),
            AutoProcessor.from_pretrained("openai/whisper-tiny"),
        )
    return models["stt"]


@app.get("/health")
def health():
    return {"status": "healthy", "device": device}


@app.get("/models")
def list_models():
    return {"models": ["facebook/mms-tts-eng", "openai/whisper-tiny", "energy-vad", "vllm"]}


@app.post("/tts")
def tts(text: str):
    model, tokenizer = get_tts()
    inputs = tokenizer(text, return_tensors="pt").to(device)
    with torch.no_grad():
        wav = model(**inputs).waveform[0].cpu().numpy()
    buf = io.BytesIO()
    sf.write(buf, wav, model.config.sampling_rate, format="WAV")
    return Response(buf.getvalue(), media_type="audio/wav")


@app.post("/stt")
# expect: SD301
def stt(file: UploadFile = File(...)):
    model, processor = get_stt()
    audio, rate = sf.read(io.BytesIO(file.file.read()))
    features = processor(audio, sampling_rate=rate, return_tensors="pt").input_features.to(device)
    ids = model.generate(features)
    return {"text": processor.batch_decode(ids, skip_special_tokens=True)[0]}


@app.post("/vad")
def vad(file: UploadFile = File(...)):
    audio, rate = sf.read(io.BytesIO(file.file.read()))
    frames = np.array_split(audio, max(1, len(audio) // (rate // 50)))
    energy = [float(np.mean(f**2)) for f in frames]
    return {"speech": any(e > 1e-3 for e in energy), "frames": len(frames)}
