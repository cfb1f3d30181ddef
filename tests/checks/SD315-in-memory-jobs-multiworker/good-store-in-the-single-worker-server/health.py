from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
def ping() -> dict:
    return {"ok": True}
