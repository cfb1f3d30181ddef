from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

api = Starlette()
api = CORSMiddleware(api, allow_origins=["https://someone-viewer.hf.space"])

app = Starlette(routes=[Mount("/files", app=StaticFiles(directory="/tmp/out"))])
app.mount("/api", api)
# The whole app is wrapped, so /files/... gets the headers too.
app = CORSMiddleware(app, allow_origins=["https://someone-viewer.hf.space"])
