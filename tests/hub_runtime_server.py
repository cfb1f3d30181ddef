"""A loopback stand-in for the Hub endpoints `spacedoctor diagnose` uses, reached by
huggingface_hub through HF_ENDPOINT:

- GET /api/spaces/{owner}/{name}            space_info: {"id", "sdk", "cardData", ...}
- GET /api/spaces/{owner}/{name}/runtime    the runtime JSON (PLATFORM.md §1.6 shape)
- GET /api/spaces/{owner}/{name}/logs/build and /logs/run: SSE, one
  `data: {"data": "<line>", "timestamp": "<iso>"}` event per line, the way huggingface_hub's
  `_stream_sse_events` reads it (lines not starting with `data: {` are keep-alives).

An unknown Space answers 404 with X-Error-Code: RepoNotFound. Per Space, any route can be
given a status to answer instead, a redirect, or (logs and runtime) to hang: a hanging log
sends its lines, then a keep-alive every 0.1 s until the server closes; a hanging runtime never
answers. Every request's path and headers are recorded."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: Older than any test run, so huggingface_hub's no-follow replay (which stops at events
#: logged after the response's Date) keeps every line.
TIMESTAMP = "2026-01-02T03:04:05.000Z"


@dataclass
class Space:
    runtime: dict[str, Any]
    info: dict[str, Any] = field(default_factory=dict)
    build: list[str] = field(default_factory=list)
    run: list[str] = field(default_factory=list)
    #: route ("info", "runtime", "logs/build", "logs/run") -> HTTP status to answer with.
    status: dict[str, int] = field(default_factory=dict)
    #: route -> absolute URL to redirect to (307).
    redirect: dict[str, str] = field(default_factory=dict)
    #: routes that never finish ("runtime", "logs/build", "logs/run").
    hang: set[str] = field(default_factory=set)


class RuntimeHub:
    def __init__(self) -> None:
        self.spaces: dict[str, Space] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.closing = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                outer._serve(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, repo_id: str, space: Space) -> Space:
        self.spaces[repo_id] = space
        return space

    def hub_requests(self) -> list[tuple[str, dict[str, str]]]:
        """The requests for Spaces (huggingface_hub may also ask for its agent registry)."""
        return [(p, h) for p, h in self.requests if p.startswith("/api/spaces/")]

    # --- routing -------------------------------------------------------------------------

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        prefix = "/api/spaces/"
        if not path.startswith(prefix):
            return self._json(h, 404, {"error": "not found"})
        parts = path[len(prefix) :].split("/")
        repo_id = "/".join(parts[:2])
        route = "/".join(parts[2:]) or "info"
        space = self.spaces.get(repo_id)
        if space is None:
            return self._json(
                h, 404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"}
            )
        if route in space.redirect:
            h.send_response(307)
            h.send_header("Location", space.redirect[route])
            h.send_header("Content-Length", "0")
            h.end_headers()
            return None
        if route in space.status:
            code = space.status[route]
            extra = {"X-Error-Message": "Invalid credentials in Authorization header"}
            return self._json(h, code, {"error": f"HTTP {code}"}, extra if code == 401 else {})
        if route == "info":
            return self._json(h, 200, {"id": repo_id, **space.info})
        if route == "runtime":
            if "runtime" in space.hang:
                self.closing.wait(60)
                return None
            return self._json(h, 200, space.runtime)
        if route in ("logs/build", "logs/run"):
            lines = space.build if route == "logs/build" else space.run
            return self._sse(h, lines, route in space.hang)
        return self._json(h, 404, {"error": "no such route"})

    def _json(
        self,
        h: BaseHTTPRequestHandler,
        code: int,
        doc: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> None:
        body = json.dumps(doc).encode()
        h.send_response(code)
        h.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _sse(self, h: BaseHTTPRequestHandler, lines: list[str], hang: bool) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Cache-Control", "no-cache")
        h.end_headers()  # HTTP/1.0: the body ends when the connection closes
        try:
            h.wfile.write(b"data: \n\n")  # a keep-alive first, as the Hub sends
            for line in lines:
                event = json.dumps({"data": line + "\n", "timestamp": TIMESTAMP})
                h.wfile.write(f"data: {event}\n\n".encode())
            h.wfile.flush()
            while hang and not self.closing.wait(0.1):
                h.wfile.write(b"data: \n\n")
                h.wfile.flush()
        except OSError:
            pass  # the client went away

    def __enter__(self) -> RuntimeHub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def runtime(stage: str = "RUNNING", **extra: Any) -> dict[str, Any]:
    """A runtime answer shaped like the Hub's (huggingface_hub's test cassettes)."""
    doc: dict[str, Any] = {
        "stage": stage,
        "hardware": {"current": "cpu-basic", "requested": "cpu-basic"},
        "storage": None,
        "gcTimeout": 172800,
        "replicas": {"current": 1, "requested": 1},
        "devMode": False,
        "domains": [{"domain": "owner-demo.hf.space", "stage": "READY"}],
    }
    doc.update(extra)
    return doc


def info(sdk: str = "docker", **card: Any) -> dict[str, Any]:
    return {
        "sdk": sdk,
        "private": False,
        "host": "https://owner-demo.hf.space",
        "subdomain": "owner-demo",
        "cardData": {"sdk": sdk, **card},
    }
