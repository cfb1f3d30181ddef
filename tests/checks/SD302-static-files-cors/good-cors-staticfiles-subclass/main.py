from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

api = FastAPI()
api.add_middleware(CORSMiddleware, allow_origins=["*"])


class PublicFiles(StaticFiles):
    def file_response(self, *args, **kwargs):
        response = super().file_response(*args, **kwargs)
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response


app = FastAPI()
app.mount("/api", api)
app.mount("/files", PublicFiles(directory="/tmp/files"), name="files")
