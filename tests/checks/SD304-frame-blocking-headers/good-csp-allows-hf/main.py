from fastapi import FastAPI, Request

app = FastAPI()


@app.middleware("http")
async def security_headers(request: Request, call_next):
    response = await call_next(request)
    # frame-ancestors decides when present: the X-Frame-Options next to it is ignored.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = (
        "frame-ancestors 'self' https://huggingface.co https://*.hf.space"
    )
    return response
