"""Plain-HTTP URLs of the Space itself (SD317): hard-coded http://<x>.hf.space, `"http://" +
SPACE_HOST`, `"ws://" + location.host`, which the https page cannot load."""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.pyapp import Module, const_str
from spacedoctor.sources.repo import Unreadable
from spacedoctor.sources.space import SpaceContext
from spacedoctor.sources.webcode import frontend_files, is_test_path, line_of

#: A hard-coded plain-HTTP (or ws://) URL of a Space.
_HF_SPACE_URL = re.compile(
    r"\b(?P<scheme>http|ws)://(?P<host>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?\.hf\.space)\b"
    r"(?P<rest>[^\s\"'`<>)]*)",
    re.IGNORECASE,
)
#: `"http://" + location.host`, `` `ws://${window.location.host}` `` in JavaScript.
_JS_SELF = re.compile(
    r"""(?P<quote>["'`])(?P<scheme>http|ws)://(?:(?P=quote)\s*\+\s*|\$\{\s*)"""
    r"""(?P<expr>(?:window\.|self\.|document\.|globalThis\.)?location\.(?:host|hostname))\b""",
    re.IGNORECASE,
)
#: A line that already chooses the scheme from the page (`location.protocol === "https:"`).
_SCHEME_AWARE = re.compile(r"location\.protocol|wss:|https:|isSecureContext", re.IGNORECASE)
_COMMENT = re.compile(r"^\s*(//|/?\*|<!--|#)")
_NEW_TAB = re.compile(r"""target\s*=\s*["']?_blank""", re.IGNORECASE)

#: Config files read for hard-coded URLs (package.json "homepage", frontend .env-like JSON).
_CONFIG_SUFFIXES = (".json", ".toml", ".yaml", ".yml")
_CONFIG_SKIP = ("package-lock.json", "pnpm-lock.yaml", "yarn.lock", "composer.lock")
_MAX_CONFIG_BYTES = 256 * 1024

#: String methods whose first argument is a pattern to look for, not a URL to load.
_PATTERN_METHODS = frozenset(
    {
        "replace",
        "startswith",
        "endswith",
        "removeprefix",
        "find",
        "rfind",
        "index",
        "count",
        "split",
        "partition",
        "strip",
        "lstrip",
        "rstrip",
    }
)
#: Server-side HTTP clients: a request they send is not a browser's mixed content.
_CLIENT_ROOTS = frozenset({"requests", "httpx", "aiohttp", "urllib", "urllib3", "gradio_client"})
_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get"})


@dataclass(frozen=True)
class _Hit:
    path: str
    line: int
    shown: str
    fixed: str
    kind: str  # "literal" | "js-self" | "py-self"


def _literal_fix(m: re.Match[str]) -> str:
    secure = "https" if m.group("scheme").lower() == "http" else "wss"
    return f"{secure}://{m.group('host')}{m.group('rest')}"


def _scan_text(path: str, text: str, start: int = 1, js: bool = True) -> Iterator[_Hit]:
    lines = text.splitlines()
    for m in _HF_SPACE_URL.finditer(text):
        line = line_of(text, m.start(), start)
        src = lines[line - start] if 0 <= line - start < len(lines) else ""
        if _COMMENT.match(src) or (m.group("scheme").lower() == "http" and _NEW_TAB.search(src)):
            continue
        yield _Hit(path, line, m.group(0), _literal_fix(m), "literal")
    if not js:
        return
    for m in _JS_SELF.finditer(text):
        line = line_of(text, m.start(), start)
        idx = line - start
        src = lines[idx] if 0 <= idx < len(lines) else ""
        context = "\n".join(lines[max(0, idx - 3) : idx + 1])
        if _COMMENT.match(src) or _SCHEME_AWARE.search(context):
            continue
        scheme = m.group("scheme").lower()
        expr = m.group("expr")
        secure = "wss" if scheme == "ws" else "https"
        fixed = (
            f'(location.protocol === "https:" ? "{secure}://" : "{scheme}://") + {expr}'
            if scheme == "ws"
            else "a relative URL (`/path`) or `location.origin`"
        )
        yield _Hit(path, line, f"{m.group('quote')}{scheme}://... + {expr}", fixed, "js-self")


# ---- Python ----------------------------------------------------------------------------------


def _is_space_host(module: Module, node: ast.AST, names: dict[str, list[ast.expr]]) -> bool:
    """`os.environ["SPACE_HOST"]`, `os.getenv("SPACE_HOST")`, or a name bound to one."""
    if isinstance(node, ast.FormattedValue):
        node = node.value
    if isinstance(node, ast.Subscript) and module.qualname(node.value) == "os.environ":
        return const_str(node.slice) == "SPACE_HOST"
    if isinstance(node, ast.Call) and module.qualname(node.func) in _ENV_GETTERS and node.args:
        return const_str(node.args[0]) == "SPACE_HOST"
    if isinstance(node, ast.Name):
        values = names.get(node.id, [])
        return bool(values) and all(
            _is_space_host(module, v, {}) for v in values if not isinstance(v, ast.Name)
        )
    return False


def _bindings(module: Module) -> dict[str, list[ast.expr]]:
    out: dict[str, list[ast.expr]] = {}
    for node in module.of(ast.Assign, ast.AnnAssign):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out.setdefault(t.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            out.setdefault(node.target.id, []).append(node.value)
    return out


def _pieces(node: ast.AST) -> list[ast.AST] | None:
    """The parts of an f-string or `+` chain, in order."""
    if isinstance(node, ast.JoinedStr):
        return list(node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        out: list[ast.AST] = []

        def flat(n: ast.AST) -> None:
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
                flat(n.left)
                flat(n.right)
            else:
                out.append(n)

        flat(node)
        return out
    return None


def _self_scheme(module: Module, node: ast.AST, names: dict[str, list[ast.expr]]) -> str | None:
    """`http` or `ws` when `node` builds `<scheme>://` + SPACE_HOST."""
    pieces = _pieces(node)
    if pieces is not None:
        for prev, cur in itertools.pairwise(pieces):
            text = const_str(prev) if not isinstance(prev, ast.FormattedValue) else None
            if text is None:
                continue
            m = re.search(r"\b(http|ws)://$", text, re.IGNORECASE)
            if m and _is_space_host(module, cur, names):
                return m.group(1).lower()
        return None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        template = const_str(node.func.value) or ""
        m = re.search(r"\b(http|ws)://\{(\w*)\}", template, re.IGNORECASE)
        if m is None:
            return None
        field = m.group(2)
        arg: ast.AST | None = None
        if field.isdigit() or field == "":
            index = int(field) if field else 0
            arg = node.args[index] if index < len(node.args) else None
        else:
            arg = next((k.value for k in node.keywords if k.arg == field), None)
        if arg is not None and _is_space_host(module, arg, names):
            return m.group(1).lower()
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        m = re.search(r"\b(http|ws)://%s", const_str(node.left) or "", re.IGNORECASE)
        right = node.right.elts[0] if isinstance(node.right, ast.Tuple) else node.right
        if m and _is_space_host(module, right, names):
            return m.group(1).lower()
    return None


def _not_a_load(module: Module, node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """The string is a pattern (compared, searched for, replaced), a docstring, or the URL of a
    server-side HTTP client call: no browser loads it."""
    child: ast.AST = node
    cur = parents.get(id(node))
    while cur is not None and isinstance(cur, ast.JoinedStr | ast.FormattedValue | ast.BinOp):
        child, cur = cur, parents.get(id(cur))
    if cur is None:
        return False
    if isinstance(cur, ast.Compare | ast.Assert):
        return True
    if isinstance(cur, ast.Expr) and isinstance(child, ast.Constant):
        return True  # a docstring
    if isinstance(cur, ast.Call):
        if (
            isinstance(cur.func, ast.Attribute)
            and cur.func.attr in _PATTERN_METHODS
            and cur.args
            and cur.args[0] is child
        ):
            return True
        callee = module.qualname(cur.func) or ""
        root = callee.split(".", 1)[0]
        if root in _CLIENT_ROOTS or callee in ("re.sub", "re.match", "re.search"):
            return True
    return False


def _python_hits(path: str, module: Module) -> Iterator[_Hit]:
    names = _bindings(module)
    parents = module.parents
    seen: set[int] = set()
    for node in module.of(ast.Constant, ast.JoinedStr, ast.BinOp, ast.Call):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if "hf.space" not in node.value.lower() and "location.host" not in node.value:
                continue
            if _not_a_load(module, node, parents):
                continue
            for hit in _scan_text(path, node.value, node.lineno):
                if hit.line not in seen:
                    seen.add(hit.line)
                    yield hit
        elif isinstance(node, ast.JoinedStr | ast.BinOp | ast.Call):
            scheme = _self_scheme(module, node, names)
            if scheme is None or node.lineno in seen or _not_a_load(module, node, parents):
                continue
            seen.add(node.lineno)
            secure = "https" if scheme == "http" else "wss"
            yield _Hit(
                path,
                node.lineno,
                _short(ast.unparse(node)),
                f"f\"{secure}://{{os.environ['SPACE_HOST']}}\"",
                "py-self",
            )


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


# ---- the check -------------------------------------------------------------------------------


def _config_files(ctx: SpaceContext) -> Iterator[tuple[str, str]]:
    for rel in ctx.repo.with_suffix(*_CONFIG_SUFFIXES):
        info = ctx.repo.get(rel)
        name = rel.rsplit("/", 1)[-1]
        if (
            info is None
            or info.size > _MAX_CONFIG_BYTES
            or name in _CONFIG_SKIP
            or rel.startswith(".github/")
            or rel == "README.md"
        ):
            continue
        try:
            text = ctx.repo.read_text(rel)
        except Unreadable:  # binary or undecodable: no URL to read
            continue
        yield rel, text


@check("SD317")
def http_self_links(ctx: SpaceContext) -> Iterator[Finding]:
    hits: list[_Hit] = []
    for path, module in sorted(ctx.app.modules.items()):
        if not is_test_path(path):
            hits.extend(_python_hits(path, module))
    files = frontend_files(ctx.repo)
    for f in files:
        hits.extend(_scan_text(f.path, f.text))
    for rel, text in _config_files(ctx):
        hits.extend(_scan_text(rel, text, js=False))
    if not (ctx.app.modules or files):
        raise SkipCheck("no Python or front-end files")
    for hit in hits:
        if hit.kind == "literal":
            what = f"`{hit.shown}` is an insecure (not https/wss) URL of a Space"
            fix = f"Use `{hit.fixed}`, or a relative URL when it is this Space's own page."
        elif hit.kind == "js-self":
            what = f"`{hit.shown}` builds an insecure URL of the page's own host"
            fix = f"Use {hit.fixed}." if not hit.fixed.startswith("(") else f"Use `{hit.fixed}`."
        else:
            what = f"`{hit.shown}` builds an insecure URL of this Space from SPACE_HOST"
            fix = f"Use `{hit.fixed}`, or a relative URL."
        yield Finding(
            f"{what}: Spaces are served over https (https://<subdomain>.hf.space, inside the "
            "https://huggingface.co page), and the browser blocks an https page from loading "
            "http:// or ws:// resources, scripts, frames, fetches and WebSockets as mixed "
            "content",
            Location(hit.path, hit.line),
            fix=fix,
        )
