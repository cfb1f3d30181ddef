"""VoiceForge API: TTS (facebook/mms-tts-eng), STT (openai/whisper-tiny), VAD.

Models are cached in the default ~/.cache/huggingface, which is /home/user/.cache/huggingface:
the Dockerfile creates that user with uid 1000, the uid the Space runs as.
"""

import io
import uuid

import numpy as np
import soundfile as sf
import torch
from fastapi import BackgroundTasks, FastAPI, File, HTTPException, UploadFile
from fastapi.responses import Response
from transformers import AutoProcessor, AutoTokenizer, VitsModel, WhisperForConditionalGeneration

app = FastAPI(title="VoiceForge")
device = "cuda" if torch.cuda.is_available() else "cpu"
models = {}
jobs = {}


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


def transcribe(job_id: str, data: bytes) -> None:
    jobs[job_id] = {"status": "running"}
    try:
        model, processor = get_stt()
        audio, rate = sf.read(io.BytesIO(data))
        features = processor(audio, sampling_rate=rate, return_tensors="pt").input_features
        ids = model.generate(features.to(device))
        text = processor.batch_decode(ids, skip_special_tokens=True)[0]
        jobs[job_id] = {"status": "completed", "text": text}
    except Exception as exc:
        jobs[job_id] = {"status": "failed", "error": str(exc)}


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


@app.post("/stt", status_code=202)
def stt(background_tasks: BackgroundTasks, file: UploadFile = File(...)):
    job_id = uuid.uuid4().hex
    jobs[job_id] = {"status": "pending"}
    background_tasks.add_task(transcribe, job_id, file.file.read())
    return {"job_id": job_id}


@app.get("/jobs/{job_id}")
def job(job_id: str):
    if job_id not in jobs:
        raise HTTPException(status_code=404, detail="no such job")
    return jobs[job_id]


@app.post("/vad")
def vad(file: UploadFile = File(...)):
    audio, rate = sf.read(io.BytesIO(file.file.read()))
    frames = np.array_split(audio, max(1, len(audio) // (rate // 50)))
    energy = [float(np.mean(f**2)) for f in frames]
    return {"speech": any(e > 1e-3 for e in energy), "frames": len(frames)}
