from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root():
    return {"ok": True}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=7860)  # expect: SD308
