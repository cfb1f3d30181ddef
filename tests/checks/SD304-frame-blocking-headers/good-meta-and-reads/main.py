from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

app = FastAPI()
app.mount("/", StaticFiles(directory="static", html=True), name="static")


@app.get("/debug")
def debug(request: Request) -> dict[str, str]:
    # Reading a header, or a default for a missing one, sets nothing.
    return {"xfo": request.headers.get("X-Frame-Options", "DENY")}
