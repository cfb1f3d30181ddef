import os

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles


async def health(request):
    return JSONResponse({"ok": True})


# CORS was configured on this object ...
api = Starlette(
    routes=[Route("/health", health)],
    middleware=[Middleware(CORSMiddleware, allow_origins=["https://someone-viewer.hf.space"])],
)

# ... but the server runs this one, which has no middleware at all.
app = Starlette(
    routes=[
        Route("/health", health),
        Mount("/files", app=StaticFiles(directory=os.environ.get("FILES", "/tmp")), name="files"),  # expect: SD302
    ]
)
