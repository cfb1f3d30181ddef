from fastapi import FastAPI

from helpers import SIZE

app = FastAPI()


@app.get("/")
def index() -> dict[str, int]:
    return {"size": SIZE}
