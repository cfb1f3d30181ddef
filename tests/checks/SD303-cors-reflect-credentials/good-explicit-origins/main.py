from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from flask import Flask
from flask_cors import CORS

app = FastAPI()
# Credentials for named origins only: Starlette echoes just these.
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://huggingface.co", "https://me-frontend.hf.space"],
    allow_credentials=True,
)
# A regex limited to Spaces: not "every site".
app.add_middleware(
    CORSMiddleware,
    allow_origin_regex=r"https://me-[a-z0-9-]+\.hf\.space",
    allow_credentials=True,
)

flask_app = Flask(__name__)
CORS(flask_app, origins=["https://me-frontend.hf.space"], supports_credentials=True)
CORS(flask_app, resources={r"/api/*": {"origins": "https://me-frontend.hf.space"}}, supports_credentials=True)
