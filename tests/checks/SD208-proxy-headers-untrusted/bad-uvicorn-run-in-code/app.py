import uvicorn
from fastapi import FastAPI, Request

app = FastAPI()


@app.get("/config")
def config(request: Request):
    return {"api": str(request.base_url) + "api"}


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=7860, proxy_headers=True)  # expect: SD208
