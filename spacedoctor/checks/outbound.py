"""Outbound connections to ports a Space cannot reach (SD311)."""

from __future__ import annotations

import ast
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.platform_data import OUTBOUND_PORTS
from spacedoctor.sources.pyapp import Module, const_int, const_str, keyword
from spacedoctor.sources.servers import is_loopback
from spacedoctor.sources.space import SpaceContext

ALLOWED_PORTS = OUTBOUND_PORTS
#: Default ports of URL schemes (IANA registrations and each client's documentation).
DEFAULT_PORTS = {
    "postgres": 5432,
    "postgresql": 5432,
    "mysql": 3306,
    "mariadb": 3306,
    "redis": 6379,
    "rediss": 6379,
    "mongodb": 27017,
    "mongodb+srv": 27017,  # the SRV records of MongoDB Atlas clusters point at 27017
    "amqp": 5672,
    "amqps": 5671,
    "mqtt": 1883,
    "mqtts": 8883,
    "smtp": 25,
    "smtps": 465,
    "ftp": 21,
    "sftp": 22,
    "ssh": 22,
    "nats": 4222,
    "http": 80,
    "https": 443,
    "ws": 80,
    "wss": 443,
}
_SERVICE = {
    "postgres": "PostgreSQL server",
    "postgresql": "PostgreSQL server",
    "mysql": "MySQL server",
    "mariadb": "MariaDB server",
    "redis": "Redis server",
    "rediss": "Redis server",
    "mongodb": "MongoDB server",
    "mongodb+srv": "MongoDB server",
    "amqp": "AMQP broker",
    "amqps": "AMQP broker",
    "mqtt": "MQTT broker",
    "mqtts": "MQTT broker",
    "smtp": "SMTP server",
    "smtps": "SMTP server",
    "ftp": "FTP server",
    "sftp": "SFTP server",
    "ssh": "SSH server",
    "nats": "NATS server",
}
_URL = re.compile(
    r"(?<![A-Za-z0-9+.-])(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>[^\s'\"<>`]+)"
)
_PLACEHOLDER_HOST = re.compile(r"[{}<>$%\[\]]|example|^your|^host(name)?$|^server$|^xxx", re.I)
_LOCAL_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".svc", ".cluster.local")

#: Client constructors that take host=/port= and the port they use when none is given.
_CLIENTS = {
    "psycopg2.connect": ("postgresql", 5432),
    "psycopg.connect": ("postgresql", 5432),
    "pymysql.connect": ("mysql", 3306),
    "MySQLdb.connect": ("mysql", 3306),
    "mysql.connector.connect": ("mysql", 3306),
    "redis.Redis": ("redis", 6379),
    "redis.StrictRedis": ("redis", 6379),
    "pymongo.MongoClient": ("mongodb", 27017),
}
_SMTP = {"smtplib.SMTP": 25, "smtplib.SMTP_SSL": 465}
_SOCKET_CALLS = frozenset({"socket.create_connection"})


@dataclass(frozen=True)
class Target:
    """A remote endpoint the code connects to."""

    scheme: str  # "postgresql", "smtp", "tcp", "https"
    host: str
    port: int
    explicit: bool  # the port is written out (else the scheme's default)


def remote_host(host: str | None) -> bool:
    """Whether `host` names a machine outside the container that DNS can resolve: not
    loopback, not a placeholder, not a single-label name (a compose service, `db`)."""
    if not host:
        return False
    h = host.strip().strip("[]").lower()
    if is_loopback(h) or h in {"0.0.0.0", "::"} or _PLACEHOLDER_HOST.search(h):  # noqa: S104
        return False
    try:
        ip = ipaddress.ip_address(h)
    except ValueError:
        return "." in h and not h.endswith(_LOCAL_SUFFIXES)
    return not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified)


def url_targets(text: str) -> list[Target]:
    """Endpoints of the URLs in `text` whose port (written or the scheme's default) is blocked."""
    out: list[Target] = []
    for m in _URL.finditer(text):
        scheme = m.group("scheme").lower()
        base = scheme if scheme == "mongodb+srv" else scheme.split("+", 1)[0]
        if base not in DEFAULT_PORTS:
            continue
        netloc = re.split(r"[/?#]", m.group("rest"), maxsplit=1)[0]
        netloc = netloc.rsplit("@", 1)[-1].split(",", 1)[0]
        host, port, explicit = _host_port(netloc, DEFAULT_PORTS[base])
        if port is None or port in ALLOWED_PORTS or not remote_host(host):
            continue
        out.append(Target(base, host, port, explicit))
    return out


def _host_port(netloc: str, default: int) -> tuple[str, int | None, bool]:
    if netloc.startswith("["):
        end = netloc.find("]")
        host, rest = netloc[1:end], netloc[end + 1 :]
    else:
        host, _, rest = netloc.partition(":")
        rest = ":" + rest if rest else ""
    if rest.startswith(":") and rest[1:]:
        return (host, int(rest[1:]), True) if rest[1:].isdigit() else (host, None, True)
    return host, default, False


def _docstrings(module: Module) -> set[int]:
    out: set[int] = set()
    scopes: list[ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]
    scopes = module.of(ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for node in scopes:
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            out.add(id(body[0].value))
    return out


def _fallbacks(module: Module) -> set[int]:
    """Defaults of os.getenv/os.environ.get: used only when the variable is unset (local runs)."""
    out: set[int] = set()
    for call, name in module.calls():
        if name in {"os.getenv", "os.environ.get"}:
            fallback = call.args[1] if len(call.args) > 1 else keyword(call, "default")
            if fallback is not None:
                out.update(id(n) for n in ast.walk(fallback))
    return out


def _render(node: ast.JoinedStr) -> str:
    return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)  # type: ignore[misc]


def code_targets(module: Module) -> Iterator[tuple[int, Target]]:
    """(line, endpoint) for string URLs and client calls of one module."""
    skip = _docstrings(module) | _fallbacks(module)
    for node in module.of(ast.JoinedStr, ast.Constant, ast.Call):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
            for t in url_targets(_render(node)):
                yield node.lineno, t
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for t in url_targets(node.value):
                yield node.lineno, t
        elif isinstance(node, ast.Call):
            found = _call_target(module, node)
            if found is not None:
                yield node.lineno, found


def _call_target(module: Module, call: ast.Call) -> Target | None:
    callee = module.qualname(call.func) or ""
    if callee in _CLIENTS:
        scheme, default = _CLIENTS[callee]
        host = const_str(keyword(call, "host"))
        port_node = keyword(call, "port")
        port = const_int(port_node) if port_node is not None else default
        if port is None or port in ALLOWED_PORTS or not remote_host(host) or host is None:
            return None
        return Target(scheme, host, port, port_node is not None)
    if callee in _SMTP:
        host_node = call.args[0] if call.args else keyword(call, "host")
        if host_node is None:
            return None  # no connection until .connect()
        host = const_str(host_node)
        port_node = call.args[1] if len(call.args) > 1 else keyword(call, "port")
        port = const_int(port_node) if port_node is not None else _SMTP[callee]
        if port == 0:
            port = _SMTP[callee]  # smtplib's "use the default"
        if port is None or port in ALLOWED_PORTS:
            return None
        if host is not None and not remote_host(host):
            return None
        return Target("smtp", host or "the SMTP host", port, port_node is not None)
    is_connect = isinstance(call.func, ast.Attribute) and call.func.attr == "connect"
    if (callee in _SOCKET_CALLS or is_connect) and call.args:
        addr = call.args[0]
        if isinstance(addr, ast.Tuple) and len(addr.elts) == 2:
            host = const_str(addr.elts[0])
            port = const_int(addr.elts[1])
            if port is not None and port not in ALLOWED_PORTS and remote_host(host) and host:
                return Target("tcp", host, port, True)
    return None


@check("SD311")
def blocked_outbound_port(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.dockerfile
    if not ctx.app.modules and (image is None or image.error is not None):
        raise SkipCheck("no Python code and no Dockerfile")
    seen: set[tuple[str, int, str, int]] = set()
    for path, module in sorted(ctx.app.modules.items()):
        for line, target in code_targets(module):
            key = (path, line, target.host, target.port)
            if key not in seen:
                seen.add(key)
                yield _finding(path, line, target)
    if image is not None and image.error is None:
        for name, value in sorted(image.env.items()):
            for target in url_targets(value):
                line = image.env_lines.get(name, 1)
                key = (image.path, line, target.host, target.port)
                if key not in seen:
                    seen.add(key)
                    yield _finding(image.path, line, target, env=name)


def _finding(path: str, line: int, t: Target, env: str | None = None) -> Finding:
    service = _SERVICE.get(t.scheme, "server")
    how = f"port {t.port}" if t.explicit else f"port {t.port}, the default for {t.scheme}://"
    where = f"ENV {env} points at" if env else "connects to"
    return Finding(
        f"{where} {t.host} on {how}: a Space can only open connections to ports 80, 443 and "
        f"8080, so the connection to this {service} is blocked and times out",
        Location(path, line),
        fix=_fix(t, service),
    )


def _fix(t: Target, service: str) -> str:
    if t.scheme in {"http", "https", "ws", "wss"}:
        return (
            f"Serve the API at {t.host} on port 443 (or 80/8080), e.g. behind a reverse proxy, "
            f"and call `{t.scheme}://{t.host}/...` without `:{t.port}`."
        )
    if t.scheme == "smtp":
        return (
            "Send mail through an email provider's HTTPS API (port 443) instead of SMTP on "
            f"port {t.port}."
        )
    return (
        f"Reach the {service} over port 443: use the provider's HTTPS or WebSocket API (e.g. "
        "a serverless/REST driver) or a proxy on 443 in front of it; or keep the data in the "
        "Space or in a Hub dataset."
    )
