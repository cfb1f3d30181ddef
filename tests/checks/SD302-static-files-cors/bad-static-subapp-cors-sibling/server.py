from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

ORIGINS = ["https://someone-viewer.hf.space", "https://huggingface.co"]

app = FastAPI()

api = FastAPI()
api.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_methods=["GET", "POST"])

media = FastAPI()
static = StaticFiles(directory="/tmp/media")
media.mount("/", static, name="media")  # expect: SD302

app.mount("/api", api)
app.mount("/media", media)
