from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from routes import router

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://someone-viewer.hf.space"])
app.include_router(router, prefix="/api")
