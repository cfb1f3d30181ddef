"""The servers a Space starts, and how: from the Dockerfile's CMD/ENTRYPOINT, the shell scripts
they run, and server calls in Python code (uvicorn.run, demo.launch, app.run, ...).

INTERFACE SKELETON: the dataclasses and signatures below are the contract checks code against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacedoctor.sources.space import SpaceContext


@dataclass(frozen=True)
class Launch:
    server: str  # uvicorn, gunicorn, streamlit, flask, gradio, http.server, node, ...
    path: str  # file where the port/host is decided (Dockerfile, start.sh, app.py)
    line: int
    host: str | None  # resolved host, None when it cannot be known
    host_line: int | None
    port: int | None  # resolved port, None when it cannot be known
    port_line: int | None
    argv: tuple[str, ...] = ()
    proxy_headers: bool | None = None  # uvicorn/gunicorn: are X-Forwarded-* trusted from the proxy?


@dataclass
class Launches:
    launches: list[Launch] = field(default_factory=list)


def find_launches(ctx: SpaceContext) -> Launches:
    raise NotImplementedError
