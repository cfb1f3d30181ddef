from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

app = FastAPI()
app.mount("/files", StaticFiles(directory="/tmp/results"), name="files")
api = FastAPI()
app.mount("/api", api)

# Added after the mounts: still wraps them (Starlette wraps the whole router when it builds
# the middleware stack at startup), and the sub-app under /api too.
app.add_middleware(CORSMiddleware, allow_origins=["https://someone-viewer.hf.space"])
