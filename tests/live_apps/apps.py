"""One tiny Starlette app per problem the live probe must see (and a healthy one it must not).

Each factory takes the folder for its static files (a pytest tmp_path) and returns the ASGI app.
Apps that record requests append (path, headers) to the `seen` list they are given."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

FRONTEND = "https://frontend.example"
LFS_POINTER = (
    b"version https://git-lfs.github.com/spec/v1\n"
    b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    b"size 52428800\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _static(folder: Path, files: dict[str, bytes]) -> StaticFiles:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return StaticFiles(directory=folder)


def _openapi(paths: dict[str, list[str]], servers: list[str] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {p: {m.lower(): {"responses": {}} for m in ms} for p, ms in paths.items()},
    }
    if servers is not None:
        doc["servers"] = [{"url": s} for s in servers]
    return doc


async def _predict(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"label": "cat"})


def healthy(folder: Path) -> ASGIApp:
    """Everything right, including things a naive probe would flag: an X-Frame-Options DENY
    overridden by a CSP frame-ancestors that allows huggingface.co, a SharedArrayBuffer feature
    test, StaticFiles mounted under the root app's CORS middleware (which does wrap mounts), a
    slash redirect built from X-Forwarded-Proto, a cookie fit for an iframe, a 404 route."""

    async def root(request: Request) -> HTMLResponse:
        docs = request.url_for("docs")
        page = f"""<!doctype html><html><head>
<link rel="stylesheet" href="/static/style.css"><link rel="icon" href="static/icon.png">
<script type="module" src="/static/app.js"></script></head>
<body><a href="https://example.org/">elsewhere</a><a href="{docs}">docs</a>
<img src="/static/icon.png"><script>if (typeof SharedArrayBuffer === "undefined") {{}}</script>
</body></html>"""
        resp = HTMLResponse(page)
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Content-Security-Policy"] = (
            "default-src 'self'; frame-ancestors 'self' https://huggingface.co"
        )
        resp.set_cookie("sid", "1", samesite="none", secure=True)
        return resp

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "self": str(request.url_for("health"))})

    async def docs(request: Request) -> HTMLResponse:
        return HTMLResponse("<!doctype html><title>docs</title>")

    async def openapi(request: Request) -> JSONResponse:
        base = str(request.base_url).rstrip("/")
        return JSONResponse(
            _openapi(
                {
                    "/api/health": ["GET"],
                    "/api/predict": ["POST"],
                    "/api/items/{item_id}": ["GET"],
                    "/api/missing": ["GET"],
                    "/docs": ["GET"],
                },
                servers=[base],
            )
        )

    async def config(request: Request) -> JSONResponse:
        return JSONResponse({"version": "4.44.0", "mode": "blocks", "components": []})

    static = _static(
        folder,
        {
            "style.css": b"body{color:#333}",
            "app.js": b"export const ok = typeof SharedArrayBuffer !== 'undefined';",
            "icon.png": PNG,
            "data.bin": bytes(range(256)) * 1024,
        },
    )
    return Starlette(
        routes=[
            Route("/", root),
            Route("/api/health", health, name="health"),
            Route("/api/predict", _predict, methods=["POST"]),
            Route("/docs/", docs, name="docs"),
            Route("/openapi.json", openapi),
            Route("/config", config),
            Mount("/static", static),
        ],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=[FRONTEND],
                allow_methods=["*"],
                allow_headers=["*"],
            )
        ],
    )


def cors_on_subapp_only(folder: Path) -> ASGIApp:
    """CORS middleware on the /api sub-app; StaticFiles mounted beside it, outside its reach."""

    async def ok(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    api = Starlette(
        routes=[Route("/ok", ok), Route("/predict", _predict, methods=["POST"])],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=[FRONTEND],
                allow_methods=["*"],
                allow_headers=["*"],
            )
        ],
    )

    async def root(request: Request) -> HTMLResponse:
        return HTMLResponse("<!doctype html><p>viewer</p>")

    files = _static(folder, {"x.nii.gz": b"\x1f\x8b\x08\x00" + b"\x00" * 200})
    return Starlette(routes=[Route("/", root), Mount("/api", api), Mount("/files", files)])


def no_cors(folder: Path) -> ASGIApp:
    """No CORS at all: a JSON POST from another origin fails at the preflight (OPTIONS 405)."""

    async def root(request: Request) -> HTMLResponse:
        return HTMLResponse("<!doctype html><p>api</p>")

    return Starlette(routes=[Route("/", root), Route("/predict", _predict, methods=["POST"])])


def cors_without_put(folder: Path) -> ASGIApp:
    """CORS that allows the origin but only GET and POST; the frontend PUTs."""

    async def root(request: Request) -> HTMLResponse:
        return HTMLResponse("<!doctype html><p>api</p>")

    return Starlette(
        routes=[Route("/", root), Route("/items", _predict, methods=["POST", "PUT"])],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=[FRONTEND],
                allow_methods=["GET", "POST"],
                allow_headers=["content-type"],
            )
        ],
    )


def frame_denied(folder: Path) -> ASGIApp:
    async def root(request: Request) -> HTMLResponse:
        return HTMLResponse("<!doctype html><p>secure</p>", headers={"X-Frame-Options": "DENY"})

    return Starlette(routes=[Route("/", root)])


def frame_ancestors_self(folder: Path) -> ASGIApp:
    async def root(request: Request) -> HTMLResponse:
        return HTMLResponse(
            "<!doctype html><p>secure</p>",
            headers={"Content-Security-Policy": "frame-ancestors 'self'"},
        )

    return Starlette(routes=[Route("/", root)])


def lfs_pointer(folder: Path) -> ASGIApp:
    """The root page shows an image whose file is a Git LFS pointer; another file is real."""

    async def root(request: Request) -> HTMLResponse:
        return HTMLResponse(
            '<!doctype html><img src="/static/banner.png"><img src="/static/logo.png">'
        )

    static = _static(
        folder, {"banner.png": LFS_POINTER, "logo.png": PNG, "model.onnx": LFS_POINTER}
    )
    return Starlette(routes=[Route("/", root), Mount("/static", static)])


def shared_array_buffer(folder: Path, isolated: bool = False) -> ASGIApp:
    """A page whose worker script allocates a SharedArrayBuffer; isolation headers optional."""

    async def root(request: Request) -> HTMLResponse:
        headers = {}
        if isolated:
            headers = {
                "Cross-Origin-Opener-Policy": "same-origin",
                "Cross-Origin-Embedder-Policy": "require-corp",
            }
        return HTMLResponse(
            '<!doctype html><script src="/static/worker.js"></script>', headers=headers
        )

    static = _static(folder, {"worker.js": b"const shared = new SharedArrayBuffer(1 << 20);\n"})
    return Starlette(routes=[Route("/", root), Mount("/static", static)])


def self_links(folder: Path) -> ASGIApp:
    """Builds absolute URLs from the request, as FastAPI/Starlette apps do. Run it with
    proxy_headers=False (the Spaces situation: the proxy is not a trusted forwarder) and the
    URLs come out http://; with uvicorn's default trust of 127.0.0.1 they come out https://."""

    async def root(request: Request) -> HTMLResponse:
        link = request.url_for("page")
        return HTMLResponse(f'<!doctype html><a href="{link}">page</a>')

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse("<!doctype html><p>page</p>")

    async def openapi(request: Request) -> JSONResponse:
        base = str(request.base_url).rstrip("/")
        return JSONResponse(_openapi({"/page/": ["GET"], "/page": ["GET"]}, servers=[base]))

    async def slash(request: Request) -> RedirectResponse:
        return RedirectResponse(str(request.url_for("page")), status_code=307)

    return Starlette(
        routes=[
            Route("/", root),
            Route("/page/", page, name="page"),
            Route("/page", slash),
            Route("/openapi.json", openapi),
        ]
    )


def slow(folder: Path, predict_delay: float = 1.2, root_delay: float = 0.0) -> ASGIApp:
    async def root(request: Request) -> HTMLResponse:
        await asyncio.sleep(root_delay)
        return HTMLResponse("<!doctype html><p>slow</p>")

    async def predict(request: Request) -> JSONResponse:
        await request.body()
        await asyncio.sleep(predict_delay)
        return JSONResponse({"label": "cat"})

    async def upstream(request: Request) -> Response:
        return Response("<html><body><h1>504 Gateway Time-out</h1></body></html>", 504)

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(_openapi({"/report": ["GET"], "/predict": ["POST"]}))

    return Starlette(
        routes=[
            Route("/", root),
            Route("/predict", predict, methods=["POST"]),
            Route("/report", upstream),
            Route("/openapi.json", openapi),
        ]
    )


def gradio_like(folder: Path, version: str = "4.44.0") -> ASGIApp:
    async def root(request: Request) -> HTMLResponse:
        return HTMLResponse("<!doctype html><gradio-app></gradio-app>")

    async def config(request: Request) -> JSONResponse:
        return JSONResponse({"version": version, "mode": "blocks", "components": []})

    return Starlette(routes=[Route("/", root), Route("/config", config)])


def unavailable(folder: Path) -> ASGIApp:
    async def root(request: Request) -> HTMLResponse:
        return HTMLResponse("<!doctype html><h1>Space is paused</h1>", status_code=503)

    return Starlette(routes=[Route("/", root)])


def cookie_lax(folder: Path) -> ASGIApp:
    async def root(request: Request) -> HTMLResponse:
        resp = HTMLResponse("<!doctype html><p>upload</p>")
        resp.headers.append("Set-Cookie", "_streamlit_xsrf=2|abc; Path=/")
        resp.headers.append("Set-Cookie", "theme=dark; Path=/; SameSite=None; Secure")
        resp.headers.append("Set-Cookie", "old=; Max-Age=0; Path=/")
        return resp

    return Starlette(routes=[Route("/", root)])


class Recorder:
    """ASGI wrapper that records (path, headers) of every request into `seen`."""

    def __init__(self, app: ASGIApp, seen: list[tuple[str, dict[str, str]]]) -> None:
        self.app = app
        self.seen = seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            self.seen.append((scope["path"], headers))
        await self.app(scope, receive, send)


def private_space(folder: Path, elsewhere: str) -> ASGIApp:
    """A private Space's app linking and redirecting to another host (which must never get
    the token)."""

    async def root(request: Request) -> HTMLResponse:
        return HTMLResponse(
            f'<!doctype html><script src="/static/app.js"></script>'
            f'<script src="{elsewhere}/cdn.js"></script><a href="/away">away</a>'
        )

    async def away(request: Request) -> RedirectResponse:
        return RedirectResponse(f"{elsewhere}/landing", status_code=302)

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(_openapi({"/away": ["GET"]}))

    static = _static(folder, {"app.js": b"console.log(1)"})
    return Starlette(
        routes=[
            Route("/", root),
            Route("/away", away),
            Route("/openapi.json", openapi),
            Mount("/static", static),
        ]
    )
