from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from flask import Flask
from flask_cors import CORS

app = FastAPI()
# A public API: every origin, no cookies. Browsers never send credentials to "*".
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False)

flask_app = Flask(__name__)
CORS(flask_app)
CORS(flask_app, origins="*", supports_credentials=False)
