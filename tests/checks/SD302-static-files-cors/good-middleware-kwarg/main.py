from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware

middleware = [
    Middleware(GZipMiddleware),
    Middleware(CORSMiddleware, allow_origins=["https://someone-viewer.hf.space"]),
]

app = FastAPI(middleware=middleware)
api = FastAPI()
api.add_middleware(CORSMiddleware, allow_origins=["https://someone-viewer.hf.space"])
app.mount("/api", api)
app.mount("/files", StaticFiles(directory="/tmp/results"), name="files")
