from starlette.applications import Starlette
from starlette.responses import HTMLResponse


async def home(request):
    return HTMLResponse(
        "<h1>hi</h1>",
        headers={
            "Content-Security-Policy": "default-src 'self'; frame-ancestors 'self'",  # expect: SD304
        },
    )


app = Starlette()
