"""What the Space's code tells the browser: response headers it sets (literal header writes in
Python, flask-talisman and secure defaults, nginx `add_header`), CORS configurations of flask-cors,
and the front-end files (HTML, JS, TS) a browser runs, read as text within a size bound.

Everything is read from the ast or the text, never imported or run. A value that is not a literal
is left out rather than guessed: the checks built on this report only what they can name."""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacedoctor.sources.pyapp import Module, PyApp, const_str, keyword
from spacedoctor.sources.repo import RepoFiles, Unreadable

#: Files a browser runs or renders, read for SD317/SD318.
FRONTEND_SUFFIXES = (
    ".html",
    ".htm",
    ".js",
    ".mjs",
    ".cjs",
    ".jsx",
    ".ts",
    ".tsx",
    ".vue",
    ".svelte",
)
#: Front-end files larger than this are bundles or vendored libraries, not the Space's own code:
#: they are not read (their source, when it is in the repo, is).
MAX_FRONTEND_BYTES = 1024 * 1024
#: A file whose lines average more than this many characters is minified.
_MINIFIED_LINE = 500

HEADER_XFO = "x-frame-options"
HEADER_CSP = "content-security-policy"
HEADER_COOP = "cross-origin-opener-policy"
HEADER_COEP = "cross-origin-embedder-policy"
HEADER_CORP = "cross-origin-resource-policy"
_WATCHED = frozenset({HEADER_XFO, HEADER_CSP, HEADER_COOP, HEADER_COEP, HEADER_CORP})

#: Methods that store a header (name, value) pair: Starlette MutableHeaders, werkzeug Headers,
#: aiohttp/tornado handlers, Django's HttpResponse.headers.
_SETTERS = frozenset(
    {"setdefault", "append", "add", "set", "add_header", "set_header", "header", "__setitem__"}
)


def is_test_path(path: str) -> bool:
    """Test code: it asserts headers and URLs, it does not serve them."""
    name = posixpath.basename(path)
    parts = path.split("/")[:-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(p in ("tests", "test") for p in parts)
    )


@dataclass(frozen=True)
class HeaderSet:
    """A response header the Space's code (or a library it configures) sends."""

    name: str  # lower-case
    value: str
    path: str
    line: int
    source: str  # what sets it, for messages: "`response.headers[...]`", "Talisman(app)", ...
    implicit: bool = False  # a library default, not written in the Space's code


# ---- literal header writes in Python -----------------------------------------------------------


def _text(node: ast.AST | None) -> str | None:
    """A str or bytes literal as text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        try:
            return node.value.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            return None
    return const_str(node)


def _in_check(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """Inside an `assert` or a comparison: a test of a header, not a write."""
    cur: ast.AST | None = node
    while cur is not None:
        if isinstance(cur, ast.Assert | ast.Compare):
            return True
        if isinstance(cur, ast.stmt):
            return False
        cur = parents.get(id(cur))
    return False


def literal_headers(module: Module) -> Iterator[HeaderSet]:
    """`resp.headers["X-Frame-Options"] = "DENY"`, `headers.setdefault(name, value)`,
    `{"X-Frame-Options": "DENY"}`, `(b"x-frame-options", b"DENY")` with literal name and value,
    for the headers spacedoctor checks (framing, CSP, COOP/COEP/CORP)."""
    parents = module.parents
    for node in module.of(ast.Assign, ast.Dict, ast.Call, ast.Tuple):
        pairs: list[tuple[ast.AST, ast.AST | None, str]] = []
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript):
                    base = ast.unparse(target.value)
                    pairs.append((target.slice, node.value, f"`{base}[...] = ...`"))
        elif isinstance(node, ast.Dict):
            pairs.extend(
                (k, v, "a headers mapping")
                for k, v in zip(node.keys, node.values, strict=False)
                if k is not None
            )
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in _SETTERS and len(node.args) >= 2:
                base = ast.unparse(node.func)
                pairs.append((node.args[0], node.args[1], f"`{base}(...)`"))
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            pairs.append((node.elts[0], node.elts[1], "a header pair"))
        for key, value, source in pairs:
            name = _text(key)
            if name is None or name.strip().lower() not in _WATCHED:
                continue
            text = _text(value)
            if text is None or value is None or _in_check(node, parents):
                continue
            yield HeaderSet(
                name.strip().lower(),
                text.strip(),
                module.path,
                getattr(value, "lineno", getattr(node, "lineno", 1)),
                source,
            )


# ---- flask-talisman --------------------------------------------------------------------------

_TALISMAN = frozenset({"flask_talisman.Talisman", "flask_talisman.talisman.Talisman"})
#: flask-talisman 1.1 defaults (talisman.py): frame_options=SAMEORIGIN; the default CSP
#: `default-src 'self'; object-src 'none'` has no frame-ancestors (which never falls back to
#: default-src), so X-Frame-Options decides.
TALISMAN_DEFAULT_XFO = "SAMEORIGIN"
_TALISMAN_NAMES = {"DENY": "DENY", "SAMEORIGIN": "SAMEORIGIN", "ALLOW_FROM": "ALLOW-FROM"}


class _Unknown(Exception):
    """A value that is not a literal: the header it decides cannot be named."""


def _talisman_calls(module: Module) -> Iterator[tuple[ast.Call, str]]:
    """Talisman(app, ...) calls, and `t.init_app(app, ...)` on a name bound to Talisman()."""
    bound: set[str] = set()
    for assign in module.of(ast.Assign):
        if isinstance(assign.value, ast.Call):
            if module.qualname(assign.value.func) in _TALISMAN:
                bound.update(t.id for t in assign.targets if isinstance(t, ast.Name))
    for node in module.of(ast.Call):
        callee = module.qualname(node.func)
        if callee in _TALISMAN and (node.args or keyword(node, "app") is not None):
            yield node, "Talisman(app)"
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "init_app"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in bound
        ):
            yield node, f"{node.func.value.id}.init_app(app)"


def _talisman_xfo(module: Module, node: ast.expr | None) -> str | None:
    if node is None:
        return TALISMAN_DEFAULT_XFO
    if isinstance(node, ast.Constant) and node.value in (None, False, ""):
        return None
    text = const_str(node)
    if text is not None:
        return text
    name = module.qualname(node) or ""
    if name.startswith("flask_talisman.") and name.rsplit(".", 1)[-1] in _TALISMAN_NAMES:
        return _TALISMAN_NAMES[name.rsplit(".", 1)[-1]]
    raise _Unknown


def _csp_text(module: Module, node: ast.expr | None) -> str | None:
    """A flask-talisman content_security_policy as a header value (dict or string literal)."""
    if node is None:
        return "default-src 'self'; object-src 'none'"
    if isinstance(node, ast.Name):
        node = _module_value(module, node.id)
    if isinstance(node, ast.Constant) and node.value in (None, False, ""):
        return None
    text = const_str(node)
    if text is not None:
        return text
    if isinstance(node, ast.Dict):
        parts = []
        for k, v in zip(node.keys, node.values, strict=False):
            key = const_str(k)
            if key is None:
                raise _Unknown
            if isinstance(v, ast.List | ast.Tuple):
                items = [const_str(e) for e in v.elts]
                if any(i is None for i in items):
                    if key.lower() == "frame-ancestors":
                        raise _Unknown
                    continue
                value = " ".join(i for i in items if i is not None)
            else:
                one = const_str(v)
                if one is None:
                    if key.lower() == "frame-ancestors":
                        raise _Unknown
                    continue
                value = one
            parts.append(f"{key} {value}")
        return "; ".join(parts)
    raise _Unknown


def _module_value(module: Module, name: str) -> ast.expr | None:
    found = None
    for node in module.tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found = node.value
    return found


def talisman_headers(module: Module) -> Iterator[HeaderSet]:
    """The framing headers flask-talisman sends for each Talisman(app) in the module."""
    for call, label in _talisman_calls(module):
        try:
            xfo_node = keyword(call, "frame_options")
            xfo = _talisman_xfo(module, xfo_node)
            csp = _csp_text(module, keyword(call, "content_security_policy"))
        except _Unknown:
            continue
        report_only = keyword(call, "content_security_policy_report_only")
        if isinstance(report_only, ast.Constant) and report_only.value is True:
            csp = None  # Content-Security-Policy-Report-Only enforces nothing
        if xfo is not None:
            where = xfo_node.lineno if xfo_node is not None else call.lineno
            yield HeaderSet(HEADER_XFO, xfo, module.path, where, label, implicit=xfo_node is None)
        if csp is not None:
            yield HeaderSet(HEADER_CSP, csp, module.path, call.lineno, label, implicit=True)


# ---- secure (the `secure` package) -------------------------------------------------------------

#: secure 2.x presets (secure/_internal/presets.py): BASIC and BALANCED send X-Frame-Options
#: SAMEORIGIN and a CSP with frame-ancestors 'self'; STRICT sends DENY and frame-ancestors
#: 'none' plus COEP require-corp. Every preset sends COOP same-origin. Secure.with_default_headers()
#: and the ASGI/WSGI middleware without `secure=` use BALANCED.
_SECURE_PRESETS: dict[str, tuple[tuple[str, str], ...]] = {
    "BALANCED": (
        (HEADER_XFO, "SAMEORIGIN"),
        (HEADER_CSP, "frame-ancestors 'self'"),
        (HEADER_COOP, "same-origin"),
    ),
    "BASIC": (
        (HEADER_XFO, "SAMEORIGIN"),
        (HEADER_CSP, "frame-ancestors 'self'"),
        (HEADER_COOP, "same-origin"),
    ),
    "STRICT": (
        (HEADER_XFO, "DENY"),
        (HEADER_CSP, "frame-ancestors 'none'"),
        (HEADER_COOP, "same-origin"),
        (HEADER_COEP, "require-corp"),
    ),
}
_SECURE_MIDDLEWARE = ("SecureASGIMiddleware", "SecureWSGIMiddleware")


def secure_headers(module: Module) -> Iterator[HeaderSet]:
    """Headers of `secure` presets: Secure.with_default_headers(), Secure.from_preset(Preset.X),
    and SecureASGIMiddleware/SecureWSGIMiddleware without `secure=`."""
    for node in module.of(ast.Call):
        callee = module.qualname(node.func) or ""
        if not callee.startswith("secure."):
            cls = node.args[0] if node.args else None
            is_add = isinstance(node.func, ast.Attribute) and node.func.attr == "add_middleware"
            mw = module.qualname(cls) if is_add and cls is not None else None
            if not (mw and mw.startswith("secure.") and mw.endswith(_SECURE_MIDDLEWARE)):
                continue
            callee = mw
        preset = None
        label = ""
        if callee.endswith(".with_default_headers"):
            preset, label = "BALANCED", "Secure.with_default_headers()"
        elif callee.endswith(".from_preset"):
            arg = node.args[0] if node.args else keyword(node, "preset")
            name = ast.unparse(arg).rsplit(".", 1)[-1] if arg is not None else ""
            if name in _SECURE_PRESETS:
                preset, label = name, f"Secure.from_preset(Preset.{name})"
        elif callee.endswith(_SECURE_MIDDLEWARE) and keyword(node, "secure") is None:
            preset = "BALANCED"
            label = f"{callee.rsplit('.', 1)[-1]} without secure= (Secure.with_default_headers())"
        if preset is None:
            continue
        for name, value in _SECURE_PRESETS[preset]:
            yield HeaderSet(name, value, module.path, node.lineno, label, implicit=True)


# ---- nginx ---------------------------------------------------------------------------------

_ADD_HEADER = re.compile(
    r"""^\s*add_header\s+(?P<name>[A-Za-z0-9-]+)\s+(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s;]+))"""
)


def nginx_headers(repo: RepoFiles) -> Iterator[HeaderSet]:
    """`add_header` lines of nginx configuration files in the repo (a Docker Space's proxy)."""
    for rel in repo.with_suffix(".conf", ".conf.template"):
        base = posixpath.basename(rel)
        if "nginx" not in rel.lower() and base not in ("default.conf",):
            continue
        try:
            text = repo.read_text(rel)
        except Unreadable:
            continue
        for i, line in enumerate(text.splitlines(), 1):
            m = _ADD_HEADER.match(line)
            if m is None or m.group("name").lower() not in _WATCHED:
                continue
            value = m.group("dq") if m.group("dq") is not None else m.group("sq")
            if value is None:
                value = m.group("bare")
            yield HeaderSet(m.group("name").lower(), value, rel, i, "nginx add_header")


def header_settings(pyapp: PyApp, repo: RepoFiles) -> list[HeaderSet]:
    """Every header setting found in the Space's server code and configuration."""
    out: list[HeaderSet] = []
    for path, module in sorted(pyapp.modules.items()):
        if is_test_path(path):
            continue
        out.extend(literal_headers(module))
        out.extend(talisman_headers(module))
        out.extend(secure_headers(module))
    out.extend(nginx_headers(repo))
    return out


# ---- flask-cors ----------------------------------------------------------------------------

_FLASK_CORS = frozenset(
    {
        "flask_cors.CORS",
        "flask_cors.extension.CORS",
        "flask_cors.cross_origin",
        "flask_cors.decorator.cross_origin",
    }
)
#: An origin no Space lists: a configuration that accepts it accepts every site.
PROBE_ORIGIN = "https://attacker.example"


@dataclass(frozen=True)
class FlaskCors:
    """A flask-cors configuration that sends credentials to origins matching `origins`."""

    path: str
    line: int
    call: str  # "CORS(app)", "@cross_origin(...)"
    origins: str  # how the origins are written, e.g. `"*"` or "the default origins='*'"
    resource: str | None = None


def _config_flags(module: Module) -> dict[str, ast.expr]:
    """`app.config["CORS_..."] = value` in the module."""
    out: dict[str, ast.expr] = {}
    for node in module.of(ast.Assign):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if (
                    isinstance(t, ast.Subscript)
                    and isinstance(t.value, ast.Attribute)
                    and t.value.attr == "config"
                ):
                    key = const_str(t.slice)
                    if key and key.startswith("CORS_"):
                        out[key] = node.value
    return out


def origin_matches_any(pattern: str, origin: str = PROBE_ORIGIN) -> bool:
    """Whether a flask-cors origin (a literal or a regular expression) accepts `origin`."""
    if pattern in ("*", ".*", r".*"):
        return True
    if pattern.lower() == origin:
        return True
    if not any(c in pattern for c in "*\\]?$^[()"):
        return False
    try:
        return re.match(pattern, origin, re.IGNORECASE) is not None
    except re.error:
        return False


def _wild_origins(node: ast.expr | None, default: str = "*") -> str | None:
    """How wildcard origins are written, or None when they are explicit (or not literal)."""
    if node is None:
        return f"origins={default!r} (the default)" if origin_matches_any(default) else None
    items: list[ast.expr] = list(node.elts) if isinstance(node, ast.List | ast.Tuple) else [node]
    for item in items:
        text = const_str(item)
        if text is not None and origin_matches_any(text):
            return f"origins={ast.unparse(node)}"
    return None


def _true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def flask_cors_credentials(module: Module) -> Iterator[FlaskCors]:
    """flask-cors CORS()/cross_origin() configurations with supports_credentials=True and
    origins that accept any site (flask-cors then echoes the request's Origin)."""
    flags = _config_flags(module)
    for node in module.of(ast.Call):
        callee = module.qualname(node.func)
        if callee is None or callee not in _FLASK_CORS:
            continue
        name = "cross_origin" if callee.endswith("cross_origin") else "CORS"
        if name == "CORS" and not node.args and keyword(node, "app") is None:
            continue  # CORS() then init_app: options come later; not followed
        if _true(keyword(node, "send_wildcard")):
            continue  # flask-cors refuses this combination with a ValueError at startup
        creds = keyword(node, "supports_credentials") or flags.get("CORS_SUPPORTS_CREDENTIALS")
        origins = keyword(node, "origins") or flags.get("CORS_ORIGINS")
        label = f"{name}({'app' if name == 'CORS' else '...'})"
        resources = keyword(node, "resources")
        if isinstance(resources, ast.Dict) and name == "CORS":
            for key, opts in zip(resources.keys, resources.values, strict=False):
                if not isinstance(opts, ast.Dict):
                    continue
                sub = {const_str(k): v for k, v in zip(opts.keys, opts.values, strict=False)}
                r_creds = sub.get("supports_credentials", creds)
                wild = _wild_origins(sub.get("origins", origins))
                if _true(r_creds) and wild is not None:
                    yield FlaskCors(
                        module.path,
                        getattr(sub.get("origins"), "lineno", node.lineno),
                        label,
                        wild,
                        const_str(key),
                    )
            continue
        wild = _wild_origins(origins)
        if _true(creds) and wild is not None:
            yield FlaskCors(module.path, node.lineno, label, wild)


# ---- front-end files -------------------------------------------------------------------------


@dataclass(frozen=True)
class TextFile:
    path: str
    text: str


def frontend_files(
    repo: RepoFiles, suffixes: tuple[str, ...] = FRONTEND_SUFFIXES
) -> list[TextFile]:
    """The Space's own front-end files: bounded in size, minified bundles left out
    (node_modules is never walked)."""
    out: list[TextFile] = []
    for rel in repo.with_suffix(*suffixes):
        info = repo.get(rel)
        if info is None or info.size > MAX_FRONTEND_BYTES or ".min." in posixpath.basename(rel):
            continue
        try:
            text = repo.read_text(rel, limit=MAX_FRONTEND_BYTES)
        except Unreadable:
            continue
        lines = text.count("\n") + 1
        if len(text) / lines > _MINIFIED_LINE:
            continue
        out.append(TextFile(rel, text))
    return out


def string_constants(module: Module) -> Iterator[tuple[str, int]]:
    """Every string literal of a module (docstrings and f-string pieces included) with the line
    it starts on."""
    for node in module.of(ast.Constant):
        if isinstance(node.value, str):
            yield node.value, node.lineno


def line_of(text: str, offset: int, start: int = 1) -> int:
    return start + text.count("\n", 0, offset)
