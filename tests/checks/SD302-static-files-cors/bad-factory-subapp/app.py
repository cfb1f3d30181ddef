from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles


def build_api() -> FastAPI:
    api = FastAPI()
    api.add_middleware(CORSMiddleware, allow_origin_regex=r"https://.*\.hf\.space")
    return api


def create_app() -> FastAPI:
    app = FastAPI()
    app.mount("/api", build_api())
    app.mount("/files", StaticFiles(directory="/tmp/out"), name="files")  # expect: SD302
    return app


app = create_app()
