"""Where a Space's Python code writes files at runtime: `open(..., "w")`, `os.makedirs`,
`Path.mkdir`/`write_text`, `df.to_csv`, `img.save`, `torch.save`, `sqlite3.connect`, log files,
`shutil.copy` destinations; with the path each one writes to, as far as the code states it.

Only the code the container runs is read: the scripts and server targets of the start command
(sources/launch.py) and the Space modules they import. A path is known when it is written in
the code (string literals, f-string prefixes, `Path(...)`, `/`, `os.path.join`, a name bound
once to such a value, `~` with the runtime HOME); anything else stays unknown and is skipped.
A write inside `try:` whose handler catches the error (OSError, PermissionError, Exception) is
marked `handled`: the app copes with a refusal there.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacedoctor.sources.pyapp import (
    Module,
    const_str,
    handler_catches,
    keyword,
    single_assignments,
)

if TYPE_CHECKING:
    from spacedoctor.sources.space import SpaceContext


@dataclass(frozen=True)
class PathValue:
    """A path the code computes. `complete` is False for an f-string or join whose tail is
    unknown: `text` is then the known part, and only its directory is certain."""

    text: str
    complete: bool
    pathlike: bool = False  # a pathlib.Path (has .mkdir/.write_text), not a str

    @property
    def directory(self) -> str:
        """The directory known to be written into: the path's parent when complete, else
        the known prefix up to its last slash ("" for the current directory)."""
        if self.complete:
            return posixpath.dirname(self.text.rstrip("/")) if "/" in self.text else ""
        return self.text[: self.text.rfind("/") + 1].rstrip("/") if "/" in self.text else ""


@dataclass(frozen=True)
class WriteSite:
    path: str  # file of the call, relative to the Space
    line: int
    op: str  # "mkdir" (creates the path itself) or "file" (creates/overwrites a file there)
    value: PathValue
    call: str  # what is called: "open", "os.makedirs", ".to_csv", ...
    handled: bool = False


@dataclass
class RuntimeCode:
    """The Python modules the running container executes, and the directory it runs in."""

    modules: list[Module]
    cwd: str | None  # image directory of the process; None when the code changes it
    chdir: tuple[str, int] | None = None  # an os.chdir call that makes relative paths unknown


_PATH_CTORS = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.PurePath", "Path"})
_OPEN = frozenset({"open", "io.open", "builtins.open", "codecs.open"})
_MKDIR = frozenset({"os.makedirs", "os.mkdir"})
_COPY_DEST = frozenset(
    {"shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.move", "shutil.copytree"}
)
_FIRST_ARG_FILE = frozenset(
    {
        "sqlite3.connect",
        "logging.FileHandler",
        "logging.handlers.RotatingFileHandler",
        "logging.handlers.TimedRotatingFileHandler",
        "numpy.save",
        "numpy.savez",
        "numpy.savez_compressed",
        "numpy.savetxt",
        "soundfile.write",
        "cv2.imwrite",
        "scipy.io.wavfile.write",
        "matplotlib.pyplot.savefig",
        "urllib.request.urlretrieve",
    }
)
#: Methods whose first argument is a file the call writes.
_WRITE_METHODS = frozenset(
    {
        "to_csv",
        "to_json",
        "to_parquet",
        "to_excel",
        "to_pickle",
        "to_feather",
        "savefig",
        "save",
        "write_videofile",
        "write_audiofile",
        "export",
    }
)
_PATH_METHODS_FILE = frozenset({"write_text", "write_bytes", "touch"})
_HANDLERS = frozenset(
    {"OSError", "IOError", "PermissionError", "Exception", "BaseException", "EnvironmentError"}
)
_FILENAME = re.compile(r"(^|/)[^/]*\.[A-Za-z0-9]{1,8}$")


# --------------------------------------------------------------------------- what runs


def runtime_code(ctx: SpaceContext) -> RuntimeCode | None:
    """The modules the start command runs (entry points and what they import from the
    Space), or None when the start command's Python code is not known."""
    image = ctx.dockerfile
    if image is None or image.error is not None:
        return None
    launches = ctx.launches
    entries: list[tuple[str, str | None]] = [(rel, None) for rel in launches.scripts]
    roots = {posixpath.dirname(rel) for rel in launches.scripts}
    cwd_of_first: str | None = None
    for launch in launches.launches:
        if launch.path.endswith(".py"):
            entries.append((launch.path, launch.cwd))  # a server call in Python code
            roots.add(posixpath.dirname(launch.path))
        elif launch.target:
            found = _target_path(ctx, launch.target, launch.cwd)
            if found is not None:
                entries.append((found, launch.cwd))
                roots.add(_import_root(found, launch.target))
    for launch in launches.launches:
        if launch.cwd is not None:
            cwd_of_first = launch.cwd
            break
    if not entries:
        return None
    seen: dict[str, Module] = {}
    queue = [rel for rel, _ in entries]
    for rel, _ in entries:
        queue.extend(_packages_of(rel, roots, ctx.app.modules))
    while queue:
        rel = queue.pop(0)
        if rel in seen or rel not in ctx.app.modules:
            continue
        module = ctx.app.modules[rel]
        seen[rel] = module
        queue.extend(d for d in _local_imports(module, roots, ctx.app.modules) if d not in seen)
    cwd = cwd_of_first or image.workdir
    chdir = None
    for module in seen.values():
        for call, name in module.calls():
            if name == "os.chdir":
                chdir = (module.path, call.lineno)
                break
    return RuntimeCode(list(seen.values()), cwd, chdir)


def _target_path(ctx: SpaceContext, target: str, cwd: str | None) -> str | None:
    """`main:app` / `pkg.api:app` / `app.py` as a repo file."""
    image = ctx.dockerfile
    if target.endswith(".py"):
        cands = [target]
    else:
        mod = target.split(":", 1)[0].replace(".", "/")
        cands = [f"{mod}.py", f"{mod}/__init__.py"]
    for cand in cands:
        if image is not None and cwd is not None and not cand.startswith("/"):
            rel = image.repo_path(posixpath.join(cwd, cand))
            if rel is not None and rel in ctx.app.modules:
                return rel
        norm = posixpath.normpath(cand.lstrip("/"))
        if norm in ctx.app.modules:
            return norm
    return None


def _import_root(rel: str, target: str) -> str:
    """The directory on sys.path for a server target: `pkg/api.py` for `pkg.api:app` -> ""."""
    if target.endswith(".py"):
        return posixpath.dirname(rel)
    depth = target.split(":", 1)[0].count(".") + 1
    if rel.endswith("/__init__.py"):
        depth += 1
    root = rel
    for _ in range(depth):
        root = posixpath.dirname(root)
    return root


def _packages_of(rel: str, roots: set[str], known: Mapping[str, Module]) -> Iterator[str]:
    """The `__init__.py` files of the packages `rel` sits in, below an import root."""
    parent = posixpath.dirname(rel)
    while parent and parent not in roots:
        init = f"{parent}/__init__.py"
        if init in known and init != rel:
            yield init
        parent = posixpath.dirname(parent)


def _local_imports(module: Module, roots: set[str], known: Mapping[str, Module]) -> Iterator[str]:
    here = posixpath.dirname(module.path)
    for node in module.of(ast.Import, ast.ImportFrom):
        names: list[tuple[str, int]] = []
        if isinstance(node, ast.Import):
            names = [(a.name, 0) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            names = [(base, node.level)]
            names += [(f"{base}.{a.name}" if base else a.name, node.level) for a in node.names]
        for name, level in names:
            parts = name.replace(".", "/")
            if level:
                start = here
                for _ in range(level - 1):
                    start = posixpath.dirname(start)
                bases = [start]
            else:
                bases = [*roots, here]
            for base in bases:
                for cand in (f"{parts}.py", f"{parts}/__init__.py"):
                    rel = posixpath.normpath(posixpath.join(base, cand)) if base else cand
                    if rel in known:
                        yield rel
                        yield from _packages_of(rel, {base}, known)


# --------------------------------------------------------------------------- the writes


def write_sites(module: Module, home: str, file: str | None = None) -> list[WriteSite]:
    """Every call in `module` that writes a file or creates a directory at a known path.
    `file` is the module's path in the image (what `__file__` holds), when known."""
    out: list[WriteSite] = []
    ev = _Evaluator(module, home, file)
    for call, handled in _calls_with_guard(module.tree):
        site = _site(module, ev, call, handled)
        if site is not None:
            out.append(site)
    return out


def _site(module: Module, ev: _Evaluator, call: ast.Call, handled: bool) -> WriteSite | None:
    name = module.qualname(call.func) or ""
    func = call.func
    attr = func.attr if isinstance(func, ast.Attribute) else None

    def make(op: str, node: ast.AST | None, what: str) -> WriteSite | None:
        value = ev.value(node) if node is not None else None
        if value is None:
            return None
        if op == "file" and value.complete and not _FILENAME.search(value.text):
            if what.startswith(".") and what not in (".write_text", ".write_bytes", ".touch"):
                return None  # `x.save("name")`: not clearly a file path
        return WriteSite(module.path, call.lineno, op, value, what, handled)

    if name in _OPEN:
        mode = keyword(call, "mode") or (call.args[1] if len(call.args) > 1 else None)
        mode_s = const_str(mode) if mode is not None else "r"
        if mode_s is None or not any(c in mode_s for c in "wax+"):
            return None
        return make("file", call.args[0] if call.args else keyword(call, "file"), "open")
    if name in _MKDIR:
        return make("mkdir", call.args[0] if call.args else None, name)
    if name in _COPY_DEST and len(call.args) >= 2:
        return make("file", call.args[1], name)
    if name == "torch.save" and len(call.args) >= 2:
        return make("file", call.args[1], name)
    if name == "logging.basicConfig":
        return make("file", keyword(call, "filename"), name)
    if name in _FIRST_ARG_FILE:
        node = call.args[0] if call.args else None
        if name == "sqlite3.connect" and const_str(node) == ":memory:":
            return None
        if name == "urllib.request.urlretrieve":
            node = call.args[1] if len(call.args) > 1 else keyword(call, "filename")
        return make("file", node, name)
    if attr is None or not isinstance(func, ast.Attribute):
        return None
    receiver = func.value
    if attr == "mkdir":
        value = ev.value(receiver)
        if value is not None and value.pathlike:
            return WriteSite(module.path, call.lineno, "mkdir", value, ".mkdir", handled)
        return None
    if attr in _PATH_METHODS_FILE or attr == "open":
        value = ev.value(receiver)
        if value is None or not value.pathlike:
            return None
        if attr == "open":
            mode = keyword(call, "mode") or (call.args[0] if call.args else None)
            mode_s = const_str(mode) if mode is not None else "r"
            if mode_s is None or not any(c in mode_s for c in "wax+"):
                return None
        return WriteSite(module.path, call.lineno, "file", value, f".{attr}", handled)
    if attr == "save_pretrained" and call.args:
        return make("mkdir", call.args[0], ".save_pretrained")
    if attr in _WRITE_METHODS and call.args:
        if name.startswith(("os.", "json.", "pickle.")):
            return None
        return make("file", call.args[0], f".{attr}")
    return None


def _calls_with_guard(tree: ast.AST) -> Iterator[tuple[ast.Call, bool]]:
    """Every call, and whether a surrounding `try:` handles an OSError it raises."""

    def visit(node: ast.AST, handled: bool) -> Iterator[tuple[ast.Call, bool]]:
        if isinstance(node, ast.Try | ast.TryStar):
            guarded = handled or _handles_oserror(node.handlers)
            for stmt in node.body:
                yield from visit(stmt, guarded)
            for other in [*node.handlers, *node.orelse, *node.finalbody]:
                yield from visit(other, handled)
            return
        if isinstance(node, ast.Call):
            yield node, handled
        for child in ast.iter_child_nodes(node):
            yield from visit(child, handled)

    yield from visit(tree, False)


def _handles_oserror(handlers: list[ast.ExceptHandler]) -> bool:
    return handler_catches(handlers, _HANDLERS)


class _Evaluator:
    """Path expressions to PathValues, through names bound once in the module."""

    def __init__(self, module: Module, home: str, file: str | None = None) -> None:
        self.module = module
        self.home = home
        self.file = file
        self.assigned = {k: v for k, (v, _) in single_assignments(module).items()}

    def value(self, node: ast.AST | None, depth: int = 0) -> PathValue | None:
        if node is None or depth > 8:
            return None
        module = self.module
        s = const_str(node)
        if s is not None:
            return self._tilde(PathValue(s, True))
        if isinstance(node, ast.JoinedStr):
            prefix = []
            for part in node.values:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    prefix.append(part.value)
                else:
                    break
            return self._tilde(PathValue("".join(prefix), False))
        if isinstance(node, ast.Name) and node.id == "__file__":
            return PathValue(self.file, True) if self.file else None
        if isinstance(node, ast.Name) and node.id in self.assigned:
            return self.value(self.assigned[node.id], depth + 1)
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            inner = self.value(node.value, depth + 1)
            if inner is None or not inner.pathlike or not inner.complete:
                return None
            return PathValue(posixpath.dirname(inner.text.rstrip("/")) or "/", True, True)
        if isinstance(node, ast.Call):
            callee = module.qualname(node.func) or ""
            if callee in _PATH_CTORS or callee == "os.path.join":
                if callee in _PATH_CTORS and not node.args:
                    return PathValue(".", True, True)
                parts = [self.value(a, depth + 1) for a in node.args]
                joined = _join(parts)
                if joined is None:
                    return None
                return PathValue(joined.text, joined.complete, callee in _PATH_CTORS)
            if callee in ("pathlib.Path.home", "Path.home"):
                return PathValue(self.home, True, True)
            if callee in ("str", "os.fspath", "os.path.abspath", "os.path.realpath") and (
                len(node.args) == 1
            ):
                inner = self.value(node.args[0], depth + 1)
                return PathValue(inner.text, inner.complete) if inner else None
            if callee == "os.path.dirname" and len(node.args) == 1:
                inner = self.value(node.args[0], depth + 1)
                if inner is None or not inner.complete:
                    return None
                return PathValue(posixpath.dirname(inner.text.rstrip("/")) or "/", True)
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr in ("resolve", "absolute")
                and not node.args
            ):
                inner = self.value(node.func.value, depth + 1)
                return inner if inner is not None and inner.pathlike else None
            if callee == "os.path.expanduser" and node.args:
                return self.value(node.args[0], depth + 1)
            if isinstance(node.func, ast.Attribute) and node.func.attr == "expanduser":
                inner = self.value(node.func.value, depth + 1)
                return self._tilde(inner) if inner else None
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left = self.value(node.left, depth + 1)
            if left is None or not left.pathlike:
                return None
            right = self.value(node.right, depth + 1)
            joined = _join([left, right if right is not None else PathValue("", False)])
            return PathValue(joined.text, joined.complete, True) if joined else None
        return None

    def _tilde(self, v: PathValue) -> PathValue:
        if v.text == "~" or v.text.startswith("~/"):
            return PathValue(self.home.rstrip("/") + v.text[1:], v.complete, v.pathlike)
        return v


def _join(parts: list[PathValue | None]) -> PathValue | None:
    if not parts or parts[0] is None:
        return None
    out = parts[0].text
    complete = parts[0].complete
    for p in parts[1:]:
        if not complete:
            return PathValue(out, False)
        if p is None:
            return PathValue(out.rstrip("/") + "/", False)
        out = posixpath.join(out, p.text) if out else p.text
        complete = p.complete
    return PathValue(out, complete)
