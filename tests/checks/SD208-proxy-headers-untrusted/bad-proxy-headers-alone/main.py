from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

app = FastAPI()


@app.get("/", response_class=HTMLResponse)
def index(request: Request):
    css = request.url_for("static", path="style.css")
    return f'<link rel="stylesheet" href="{css}">'
