from fastapi import FastAPI, Request

app = FastAPI()


@app.middleware("http")
async def no_framing(request: Request, call_next):
    response = await call_next(request)
    response.headers["X-Frame-Options"] = "DENY"
    return response
