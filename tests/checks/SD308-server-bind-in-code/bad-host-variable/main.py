import uvicorn
from fastapi import FastAPI

HOST = "localhost"  # expect: SD308
PORT = 7860

app = FastAPI()

uvicorn.run(app, host=HOST, port=PORT)
