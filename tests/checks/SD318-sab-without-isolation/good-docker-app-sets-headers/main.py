from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

app = FastAPI()


@app.middleware("http")
async def isolate(request: Request, call_next):
    response = await call_next(request)
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Cross-Origin-Embedder-Policy"] = "require-corp"
    return response


app.mount("/", StaticFiles(directory="static", html=True), name="static")
