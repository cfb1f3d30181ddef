from fastapi import FastAPI, Request

app = FastAPI()


@app.middleware("http")
async def security_headers(request: Request, call_next):
    response = await call_next(request)
    response.headers["X-Frame-Options"] = "DENY"  # expect: SD304
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


RAW = [(b"x-frame-options", b"SAMEORIGIN")]  # expect: SD304
