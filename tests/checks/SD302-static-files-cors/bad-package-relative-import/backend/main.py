from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .routers import files


def create_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["*"])
    app.include_router(files.router)
    return app


app = create_app()
