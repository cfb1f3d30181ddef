import os

import uvicorn
from fastapi import FastAPI

app = FastAPI()

uvicorn.run(app, host=os.environ["HOST"], port=7860)
