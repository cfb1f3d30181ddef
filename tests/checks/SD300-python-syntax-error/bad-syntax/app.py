from fastapi import FastAPI

app = FastAPI()


@app.get("/")
# expect: SD300
def index(:
    return {"ok": True}
