# The frontend is served by this same app: same origin, no CORS needed anywhere.
from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

app = FastAPI()
app.mount("/assets", StaticFiles(directory="frontend/dist/assets"), name="assets")
app.mount("/files", StaticFiles(directory="/tmp/results"), name="files")


@app.get("/")
def index() -> FileResponse:
    return FileResponse("frontend/dist/index.html")
