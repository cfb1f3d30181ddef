import json
from threading import Thread

from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from sse_starlette.sse import EventSourceResponse
from transformers import AutoModelForCausalLM, AutoTokenizer, TextIteratorStreamer

tok = AutoTokenizer.from_pretrained("gpt2")
model = AutoModelForCausalLM.from_pretrained("gpt2")
app = FastAPI()


def tokens(prompt: str):
    ids = tok(prompt, return_tensors="pt").input_ids
    out = model.generate(ids, max_new_tokens=2048)
    yield tok.decode(out[0])


@app.post("/generate")
def generate(prompt: str) -> StreamingResponse:
    # A generator: its body runs while the response streams.
    return StreamingResponse(tokens(prompt), media_type="text/plain")


@app.post("/chat")
async def chat(prompt: str) -> EventSourceResponse:
    streamer = TextIteratorStreamer(tok)
    ids = tok(prompt, return_tensors="pt").input_ids
    Thread(target=model.generate, kwargs={"input_ids": ids, "streamer": streamer}).start()

    async def events():
        for text in streamer:
            yield {"data": json.dumps({"text": text})}

    return EventSourceResponse(events())
