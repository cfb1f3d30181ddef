from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

app = FastAPI()
admin = FastAPI()
admin.add_middleware(CORSMiddleware, allow_origins=["https://someone-admin.hf.space"])
app.mount("/admin", admin)
app.mount("/files", StaticFiles(directory="/tmp/files"), name="files")


@app.middleware("http")
async def allow_any_origin(request: Request, call_next):
    response = await call_next(request)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
