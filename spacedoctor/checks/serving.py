"""Where the Space's server listens and whom it trusts: SD206 port-mismatch and SD207
bind-localhost (decided by the Dockerfile, a start script or a server's command line), SD308
server-bind-in-code and SD309 port-in-code-mismatch (decided by Python code), SD208
proxy-headers-untrusted. All read the launch model (sources/launch.py, sources/sdk_launch.py)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.launch import Launch, Launches
from spacedoctor.sources.pyapp import Module, const_str, keyword
from spacedoctor.sources.sdk_launch import app_file, gradio_sdk_launches
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


def _served(ctx: SpaceContext) -> list[Launch]:
    """The servers a Space starts, for the checks on Python code: a gradio-SDK Space's app file
    as the platform runs it, or what a Docker Space's start command leads to."""
    if ctx.sdk == "gradio":
        launches = gradio_sdk_launches(ctx)
        if not launches:
            raise SkipCheck(f"no server call runs in {app_file(ctx)}")
        return launches
    return _launches(ctx).launches


def _port(ctx: SpaceContext) -> int:
    want = ctx.card.app_port
    if not 0 < want < 65536:
        raise SkipCheck(f"app_port {want} is not a port (SD105)")
    return want


def _in_code(launch: Launch, what: str) -> bool:
    """Is the port (or host) decided by Python code: a server call's argument, its default, or
    an `os.environ[...] = ...` in the file? Then the fix goes in that file (SD308/SD309);
    otherwise in the Dockerfile, a start script or a server's command line (SD206/SD207)."""
    if launch.argv:
        return False
    path, _ = launch.where_port if what == "port" else launch.where_host
    return path.endswith(".py")


def _off_port(launches: list[Launch], want: int) -> Launch | None:
    """The server that should answer on `want` and listens elsewhere, if that is certain."""
    if any(launch.port == want for launch in launches):
        return None
    if any(launch.port is None for launch in launches):
        return None  # one of them may well listen on app_port: never guess
    # Several servers and none on app_port: the last one started is the foreground one,
    # which is the Space's app in start scripts (helpers are started first, in the background).
    return launches[-1]


def _on_loopback(launches: list[Launch], want: int) -> list[Launch]:
    """The servers that should answer the proxy and bind loopback."""
    public = [launch for launch in launches if launch.port == want]
    if not public and len(launches) == 1:
        public = launches  # the only server, whatever port it picked (SD206 reports that)
    if any(not is_loopback(launch.host) for launch in public):
        # Two servers cannot both own one port: a loopback call beside one binding every
        # interface is an alternative (`if SPACE_ID: ... else: ...`), not the one that runs.
        return []
    return [launch for launch in public if is_loopback(launch.host)]


def _how(launch: Launch, what: str) -> str:
    source = launch.port_source if what == "port" else launch.host_source
    path, line = launch.where_port if what == "port" else launch.where_host
    if source == "default":
        if launch.server == "gradio" and what == "host":
            return "gradio's default when neither server_name nor GRADIO_SERVER_NAME is set"
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
    "node": "ENV PORT={port}",
}


def _port_is(ctx: SpaceContext, want: int) -> str:
    if ctx.sdk == "gradio":
        return f"a gradio-SDK Space is served on {want}"
    if "app_port" in ctx.card.data:
        return f"app_port is {want}"
    return f"app_port is not set, so the platform uses {want}"


@check("SD206")
def port_mismatch(ctx: SpaceContext) -> Iterator[Finding]:
    launches = _launches(ctx).launches
    want = _port(ctx)
    launch = _off_port(launches, want)
    if launch is None or _in_code(launch, "port"):
        return  # decided in Python code: SD309
    path, line = launch.where_port
    if launch.port_source == "env":
        server_fix = f"set it to {want} at {path}:{line}"
    else:
        server_fix = _PORT_FIX.get(launch.server, _PORT_FIX["uvicorn"]).format(port=want)
    yield Finding(
        f"{launch.server} listens on port {launch.port} ({_how(launch, 'port')}) but "
        f"{_port_is(ctx, want)}: the Spaces proxy sends traffic to {want}, nothing answers "
        "there, and the Space never becomes healthy",
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
    "flask": "flask run --host 0.0.0.0",
    "http.server": "--bind 0.0.0.0",
}


@check("SD207")
def bind_localhost(ctx: SpaceContext) -> Iterator[Finding]:
    launches = _launches(ctx).launches
    want = _port(ctx)
    for launch in _on_loopback(launches, want):
        if _in_code(launch, "host"):
            continue  # decided in Python code: SD308
        path, line = launch.where_host
        if launch.host_source == "env":
            fix = f"set it to 0.0.0.0 at {path}:{line}"
        else:
            fix = _HOST_FIX.get(launch.server, "bind 0.0.0.0").format(port=want)
        yield Finding(
            f"{launch.server} binds {launch.host} ({_how(launch, 'host')}): only processes "
            "inside the container can connect, and the Spaces proxy connects from outside it, "
            'so the Space never becomes healthy ("Launch timed out, workload was not healthy '
            'after 30 min")',
            Location(path, line),
            fix=f"Listen on every interface: {fix}",
        )


# ---------------------------------------------------------------------------- SD308, SD309


def _call_at(ctx: SpaceContext, launch: Launch) -> ast.Call | None:
    """The server call a code launch was found at."""
    module = ctx.app.modules.get(launch.path)
    if module is None:
        return None
    best: ast.Call | None = None
    for node in module.of(ast.Call):
        if node.lineno != launch.line:
            continue
        func = node.func
        name = module.qualname(func) or ""
        attr = func.attr if isinstance(func, ast.Attribute) else ""
        if launch.server == "gradio" and attr == "launch":
            return node
        if launch.server == "uvicorn" and name.startswith("uvicorn."):
            return node
        if launch.server in {"flask", "flask-socketio", "dash"} and attr in {"run", "run_server"}:
            return node
        if launch.server == "http.server" and name.endswith("Server"):
            return node
        best = best or node
    return best


def _code_fix(ctx: SpaceContext, launch: Launch, port: int) -> str:
    """The call as it should read: `demo.launch(server_name="0.0.0.0", server_port=7860)`."""
    call = _call_at(ctx, launch)
    func = ast.unparse(call.func) if call is not None else None
    first = ast.unparse(call.args[0]) if call is not None and call.args else None
    if launch.server == "gradio":
        return f'{func or "demo.launch"}(server_name="0.0.0.0", server_port={port})'
    if launch.server == "uvicorn":
        return f'{func or "uvicorn.run"}({first or "app"}, host="0.0.0.0", port={port})'
    if launch.server == "flask-socketio":
        return f'{func or "socketio.run"}({first or "app"}, host="0.0.0.0", port={port})'
    if launch.server == "http.server":
        handler = ast.unparse(call.args[1]) if call is not None and len(call.args) > 1 else "H"
        return f'{func or "HTTPServer"}(("0.0.0.0", {port}), {handler})'
    return f'{func or "app.run"}(host="0.0.0.0", port={port})'


def _code_fixes(ctx: SpaceContext, launch: Launch, what: str, want: int) -> str:
    """What to change, where the value is decided: the call itself, the line a variable it
    reads is assigned on, or an `os.environ[...] = ...` in the code."""
    path, line = launch.where_port if what == "port" else launch.where_host
    source = launch.port_source if what == "port" else launch.host_source
    value = str(want) if what == "port" else '"0.0.0.0"'
    arg = {"gradio": "server_port", "http.server": "the port"}.get(launch.server, "port")
    if what == "host":
        arg = {"gradio": "server_name", "http.server": "the host"}.get(launch.server, "host")
    gradio_sdk = ctx.sdk == "gradio" and launch.server == "gradio"
    platform = "GRADIO_SERVER_PORT" if what == "port" else "GRADIO_SERVER_NAME"
    if source == "env":
        # `os.environ["GRADIO_SERVER_PORT"] = "8080"` in the code, read by the server call.
        if gradio_sdk:
            return f"Remove the assignment at {path}:{line}: the platform sets {platform} itself"
        return f"Set it to {value} at {path}:{line}"
    call = _code_fix(ctx, launch, want)
    if (path, line) != (launch.path, launch.line):
        first = (
            f"Set {value} at {path}:{line}, where the {launch.server} call at "
            f"{launch.path}:{launch.line} takes its {what} from"
        )
    elif gradio_sdk:
        first = f"Drop {arg} so the {platform} the platform sets applies, or pass it: {call}"
    else:
        first = f"Listen on {want}: {call}" if what == "port" else f"Bind 0.0.0.0: {call}"
    if what == "host" and launch.server == "gradio" and not gradio_sdk and source == "default":
        first += ", or set ENV GRADIO_SERVER_NAME=0.0.0.0 in the Dockerfile"
    return first


@check("SD308")
def server_bind_in_code(ctx: SpaceContext) -> Iterator[Finding]:
    if ctx.sdk not in (None, "docker", "gradio"):
        raise SkipCheck(f"sdk is {ctx.sdk}: the platform starts no Python server")
    launches = _served(ctx)
    want = _port(ctx)
    for launch in _on_loopback(launches, want):
        if not _in_code(launch, "host"):
            continue  # decided by the Dockerfile, a script or a command line: SD207
        path, line = launch.where_host
        yield Finding(
            f"{launch.server} binds {launch.host} ({_how(launch, 'host')}): only processes "
            "inside the container can connect, and the Spaces proxy connects from outside it, "
            'so the Space never becomes healthy ("Launch timed out, workload was not healthy '
            'after 30 min")',
            Location(path, line),
            fix=_code_fixes(ctx, launch, "host", want),
        )


@check("SD309")
def port_in_code_mismatch(ctx: SpaceContext) -> Iterator[Finding]:
    if ctx.sdk not in (None, "docker", "gradio"):
        raise SkipCheck(f"sdk is {ctx.sdk}: the platform starts no Python server")
    launches = _served(ctx)
    want = _port(ctx)
    launch = _off_port(launches, want)
    if launch is None or not _in_code(launch, "port"):
        return  # on app_port, unknown, or decided outside Python code (SD206)
    path, line = launch.where_port
    why = _port_is(ctx, want)
    if ctx.sdk == "gradio" and launch.server == "gradio":
        why += f" (a port set in code overrides the GRADIO_SERVER_PORT={want} the platform sets)"
    fix = _code_fixes(ctx, launch, "port", want)
    if ctx.sdk != "gradio":
        fix += f"; or declare the port in the README front matter: app_port: {launch.port}"
    yield Finding(
        f"{launch.server} listens on port {launch.port} ({_how(launch, 'port')}) but {why}: "
        f"the Spaces proxy sends traffic to {want}, nothing answers there, and the Space never "
        "becomes healthy",
        Location(path, line),
        fix=fix,
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
    for node in module.of(ast.Call, ast.Attribute):
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
    for node in module.of(ast.Call):
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
