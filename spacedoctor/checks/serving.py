"""Where the Space's server listens and whom it trusts: SD206 port-mismatch, SD207
bind-localhost, SD208 proxy-headers-untrusted. All read the launch model (sources/launch.py)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.launch import Launch, Launches
from spacedoctor.sources.pyapp import Module, const_str, keyword
from spacedoctor.sources.servers import is_loopback, trusts_proxy
from spacedoctor.sources.space import SpaceContext


def _launches(ctx: SpaceContext) -> Launches:
    ctx.require_docker()
    launches = ctx.launches
    if launches.front is not None:
        name, path, line = launches.front
        raise SkipCheck(f"{name} ({path}:{line}) decides which process serves app_port")
    if not launches.launches:
        raise SkipCheck("no server found in the start command")
    return launches


def _how(launch: Launch, what: str) -> str:
    source = launch.port_source if what == "port" else launch.host_source
    path, line = launch.where_port if what == "port" else launch.where_host
    if source == "default":
        return f"{launch.server}'s default"
    if source == "env":
        return f"set at {path}:{line}"
    if source == "config":
        return f"from its config file ({path}:{line})"
    return f"{path}:{line}"


_PORT_FIX = {
    "uvicorn": "--port {port}",
    "fastapi": "--port {port}",
    "gunicorn": "--bind 0.0.0.0:{port}",
    "hypercorn": "--bind 0.0.0.0:{port}",
    "streamlit": "--server.port {port}",
    "flask": "--port {port}",
    "http.server": "python -m http.server {port}",
    "gradio": "demo.launch(server_name='0.0.0.0', server_port={port})",
    "dash": "app.run(host='0.0.0.0', port={port})",
    "node": "ENV PORT={port}",
}


_PORT_FIX_CODE = {
    **_PORT_FIX,
    "uvicorn": "uvicorn.run(app, host='0.0.0.0', port={port})",
    "flask": "app.run(host='0.0.0.0', port={port})",
    "flask-socketio": "socketio.run(app, host='0.0.0.0', port={port})",
    "http.server": "HTTPServer(('0.0.0.0', {port}), Handler)",
}


@check("SD206")
def port_mismatch(ctx: SpaceContext) -> Iterator[Finding]:
    launches = _launches(ctx).launches
    want = ctx.card.app_port
    if not 0 < want < 65536:
        raise SkipCheck(f"app_port {want} is not a port (SD105)")
    if any(launch.port == want for launch in launches):
        return
    if any(launch.port is None for launch in launches):
        return  # one of them may well listen on app_port: never guess
    # Several servers and none on app_port: the last one started is the foreground one,
    # which is the Space's app in start scripts (helpers are started first, in the background).
    launch = launches[-1]
    path, line = launch.where_port
    declared = "app_port" in ctx.card.data
    port_is = (
        f"app_port is {want}" if declared else f"app_port is not set, so the platform uses {want}"
    )
    fixes = _PORT_FIX_CODE if not launch.argv else _PORT_FIX
    server_fix = fixes.get(launch.server, _PORT_FIX["uvicorn"]).format(port=want)
    yield Finding(
        f"{launch.server} listens on port {launch.port} ({_how(launch, 'port')}) but {port_is}: "
        f"the Spaces proxy sends traffic to {want}, nothing answers there, and the Space never "
        "becomes healthy",
        Location(path, line),
        fix=(
            f"Make the server listen on {want} ({server_fix}), or declare the server's port in "
            f"the README front matter: app_port: {launch.port}"
        ),
    )


_HOST_FIX = {
    "uvicorn": "--host 0.0.0.0",
    "fastapi": "--host 0.0.0.0",
    "gunicorn": "--bind 0.0.0.0:{port}",
    "hypercorn": "--bind 0.0.0.0:{port}",
    "streamlit": "--server.address 0.0.0.0",
    "flask": "flask run --host 0.0.0.0 (or app.run(host='0.0.0.0'))",
    "flask-socketio": "socketio.run(app, host='0.0.0.0', port={port})",
    "http.server": "--bind 0.0.0.0",
    "gradio": "demo.launch(server_name='0.0.0.0'), or ENV GRADIO_SERVER_NAME=0.0.0.0",
    "dash": "app.run(host='0.0.0.0', port={port})",
}


@check("SD207")
def bind_localhost(ctx: SpaceContext) -> Iterator[Finding]:
    launches = _launches(ctx).launches
    want = ctx.card.app_port
    public = [launch for launch in launches if launch.port == want]
    if not public and len(launches) == 1:
        public = launches  # the only server, whatever port it picked (SD206 reports that)
    for launch in public:
        if not is_loopback(launch.host):
            continue
        path, line = launch.where_host
        how = _how(launch, "host")
        if launch.server == "gradio" and launch.host_source == "default":
            how = "gradio's default when neither server_name nor GRADIO_SERVER_NAME is set"
        fix = _HOST_FIX.get(launch.server, "bind 0.0.0.0").format(port=want)
        if launch.server == "uvicorn" and not launch.argv:
            fix = f"uvicorn.run(app, host='0.0.0.0', port={want})"
        yield Finding(
            f"{launch.server} binds {launch.host} ({how}): only processes inside the container "
            "can connect, and the Spaces proxy connects from outside it, so the Space never "
            'becomes healthy ("Launch timed out, workload was not healthy after 30 min")',
            Location(path, line),
            fix=f"Listen on every interface: {fix}",
        )


# ---------------------------------------------------------------------------- SD208


@dataclass(frozen=True)
class _Builder:
    path: str
    line: int
    what: str  # "request.url_for(...)"
    kind: str  # "asgi", "wsgi" or "any": which servers' requests it reads


_ASGI_SERVERS = frozenset({"uvicorn", "fastapi", "hypercorn"})
_WSGI_SERVERS = frozenset({"flask", "flask-socketio"})
_REQUEST_NAMES = frozenset({"request", "req"})


def _request_like(module: Module, node: ast.expr) -> bool:
    if not isinstance(node, ast.Name):
        return False
    return node.id in _REQUEST_NAMES or module.qualname(node) in {"flask.request", "quart.request"}


def _builders(module: Module) -> Iterator[_Builder]:
    """Places that build an absolute URL from the incoming request (scheme included)."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = module.qualname(func)
            if isinstance(func, ast.Attribute) and func.attr == "url_for":
                recv = module.qualname(func.value) or ""
                if not recv.startswith("flask"):
                    # Starlette's Request.url_for returns an absolute URL.
                    yield _Builder(module.path, node.lineno, f"{recv or 'x'}.url_for(...)", "asgi")
            elif isinstance(func, ast.Attribute) and func.attr == "make_absolute_url":
                yield _Builder(module.path, node.lineno, "make_absolute_url(...)", "asgi")
            elif name in {"flask.url_for", "flask.helpers.url_for"}:
                ext = keyword(node, "_external")
                if isinstance(ext, ast.Constant) and ext.value is True:
                    yield _Builder(module.path, node.lineno, "url_for(..., _external=True)", "wsgi")
        elif isinstance(node, ast.Attribute) and _request_like(module, node.value):
            if node.attr == "base_url":
                yield _Builder(module.path, node.lineno, "request.base_url", "any")
            elif node.attr in {"host_url", "url_root"}:
                yield _Builder(module.path, node.lineno, f"request.{node.attr}", "wsgi")


def _proxy_fixed_in_code(module: Module) -> bool:
    """ProxyHeadersMiddleware trusting the proxy, werkzeug ProxyFix or hypercorn's
    ProxyFixMiddleware applied in code."""
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        parts = [module.qualname(node.func) or ""]
        parts += [module.qualname(a) or "" for a in node.args[:1]]
        for name in parts:
            tail = name.rsplit(".", 1)[-1]
            if tail == "ProxyHeadersMiddleware":
                hosts = keyword(node, "trusted_hosts")
                if hosts is None:
                    continue  # its default is 127.0.0.1: it does not trust the Spaces proxy
                value = const_str(hosts)
                if value is None or trusts_proxy(value):
                    return True
            elif tail in {"ProxyFix", "ProxyFixMiddleware"}:
                return True
    return False


def _matches(launch: Launch, builder: _Builder) -> bool:
    if builder.kind == "any" or launch.server == "gunicorn":
        return True
    if builder.kind == "asgi":
        return launch.server in _ASGI_SERVERS
    return launch.server in _WSGI_SERVERS


_TRUST_FIX = {
    "uvicorn": (
        'add --forwarded-allow-ips="*" to the uvicorn command (exec form: "--proxy-headers", '
        '"--forwarded-allow-ips", "*"), or set ENV FORWARDED_ALLOW_IPS="*" in the Dockerfile'
    ),
    "fastapi": (
        'add --forwarded-allow-ips "*" to `fastapi run` (fastapi-cli 0.0.10 or later), or set '
        'ENV FORWARDED_ALLOW_IPS="*" in the Dockerfile'
    ),
    "gunicorn": (
        'add --forwarded-allow-ips="*" to the gunicorn command, or set '
        'ENV FORWARDED_ALLOW_IPS="*" in the Dockerfile'
    ),
    "hypercorn": (
        "wrap the app: app = hypercorn.middleware.ProxyFixMiddleware(app, mode='legacy', "
        "trusted_hops=1)"
    ),
    "flask": (
        "wrap the WSGI app: from werkzeug.middleware.proxy_fix import ProxyFix; "
        "app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)"
    ),
}


@check("SD208")
def proxy_headers_untrusted(ctx: SpaceContext) -> Iterator[Finding]:
    launches = _launches(ctx).launches
    untrusted = [launch for launch in launches if launch.proxy_headers is False]
    if not untrusted:
        return
    modules = [m for p, m in sorted(ctx.app.modules.items()) if not _is_test(p)]
    if any(_proxy_fixed_in_code(m) for m in modules):
        return
    builders = sorted((b for m in modules for b in _builders(m)), key=lambda b: (b.path, b.line))
    for launch in untrusted:
        found = next((b for b in builders if _matches(launch, b)), None)
        if found is None:
            continue
        if launch.server in _WSGI_SERVERS or launch.server == "hypercorn":
            why = f"{launch.server} does not read X-Forwarded-Proto at all"
        else:
            why = f"forwarded-allow-ips is {launch.trust or '127.0.0.1'}"
            if launch.trust in (None, "127.0.0.1") and "--proxy-headers" in launch.argv:
                why += "; --proxy-headers alone changes nothing, it is on by default"
            elif launch.trust in (None, "127.0.0.1"):
                why += f", {launch.server}'s default"
        server_fix = _TRUST_FIX.get(launch.server, _TRUST_FIX["uvicorn"])
        if launch.server == "uvicorn" and not launch.argv:
            server_fix = 'pass forwarded_allow_ips="*" to uvicorn.run(...)'
        if launch.server == "flask-socketio":
            server_fix = _TRUST_FIX["flask"]
        yield Finding(
            f"{launch.server} does not trust the Spaces proxy's X-Forwarded-Proto ({why}), and "
            f"{found.path}:{found.line} builds absolute URLs with {found.what}: they come out "
            "http:// although the Space is served over https (mixed content, redirects that "
            "leave https)",
            Location(launch.path, launch.line),
            fix=f"Trust the proxy: {server_fix}.",
        )


def _is_test(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.startswith(("tests/", "test/")) or name.startswith("test_")
