from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from openai import OpenAI

app = FastAPI()
client = OpenAI()


@app.get("/old")
def old():
    # relative redirect; a trailing-slash redirect alone is not reported
    return RedirectResponse(app.url_path_for("new"))


@app.get("/new")
def new():
    return {"upstream": str(client.base_url)}
