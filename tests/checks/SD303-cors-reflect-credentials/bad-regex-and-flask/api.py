from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

ORIGINS_RE = ".*"

app = FastAPI(
    middleware=[
        Middleware(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True),  # expect: SD303
    ]
)
