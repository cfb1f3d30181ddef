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
