from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root():
    return {"ok": True}


def serve_locally():
    uvicorn.run(app)


import uvicorn

uvicorn.run(app, host="0.0.0.0", port=7860)
