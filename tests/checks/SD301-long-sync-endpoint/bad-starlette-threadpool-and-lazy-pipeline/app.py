import io

import whisper
from diffusers import StableDiffusionPipeline
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

model = whisper.load_model("large-v3")
pipe = None


def load():
    global pipe
    pipe = StableDiffusionPipeline.from_pretrained("sd-legacy/stable-diffusion-v1-5")


def transcribe_file(path: str) -> str:
    return model.transcribe(path)["text"]


# expect: SD301
async def transcribe(request):
    form = await request.form()
    # Still waits for the result: the thread frees the event loop, not the client.
    text = await run_in_threadpool(transcribe_file, form["path"])
    return JSONResponse({"text": text})


# expect: SD301
def draw(request):
    image = pipe(request.query_params["prompt"]).images[0]
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    buf.seek(0)
    # Streaming the finished PNG does not help: the work above ran before the response started.
    return StreamingResponse(buf, media_type="image/png")


app = Starlette(
    routes=[
        Route("/transcribe", transcribe, methods=["POST"]),
        Route("/draw", draw),
    ],
    on_startup=[load],
)
