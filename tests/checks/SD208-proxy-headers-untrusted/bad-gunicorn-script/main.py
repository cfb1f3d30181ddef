from fastapi import FastAPI, Request

app = FastAPI()


@app.get("/share")
def share(request: Request):
    return {"link": app.url_path_for("share").make_absolute_url(request.base_url)}
