"""Hugging Face library settings assigned to os.environ after the library read them (SD305)."""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.pyapp import Module, PyApp, const_str
from spacedoctor.sources.space import SpaceContext

#: Libraries that import huggingface_hub (and so compute its constants) when they are imported.
HUB_IMPORTERS = frozenset(
    {
        "huggingface_hub",
        "transformers",
        "diffusers",
        "datasets",
        "sentence_transformers",
        "gradio",
        "gradio_client",
    }
)
#: Variables huggingface_hub reads once, in `huggingface_hub/constants.py`, when it is imported
#: (its docs: "All environment variables are read at import time"). HF_TOKEN is not here: the
#: token is looked up in os.environ on every call (`utils/_auth.py`), so setting it late works.
HUB_IMPORT_TIME_VARS = frozenset(
    {
        "HF_HOME",
        "XDG_CACHE_HOME",
        "HF_HUB_CACHE",
        "HUGGINGFACE_HUB_CACHE",
        "HF_ASSETS_CACHE",
        "HUGGINGFACE_ASSETS_CACHE",
        "HF_XET_CACHE",
        "HF_TOKEN_PATH",
        "HF_ENDPOINT",
        "HF_HUB_OFFLINE",
        "TRANSFORMERS_OFFLINE",
        "HF_HUB_DISABLE_TELEMETRY",
        "HF_HUB_DISABLE_PROGRESS_BARS",
        "HF_HUB_DISABLE_SYMLINKS_WARNING",
        "HF_HUB_DISABLE_IMPLICIT_TOKEN",
        "HF_HUB_ENABLE_HF_TRANSFER",
        "HF_XET_HIGH_PERFORMANCE",
        "HF_HUB_DISABLE_XET",
        "HF_HUB_ETAG_TIMEOUT",
        "HF_HUB_DOWNLOAD_TIMEOUT",
    }
)
#: Variables other libraries read at import, and which imports trigger that read:
#: transformers `utils/hub.py` (TRANSFORMERS_CACHE and its legacy names), datasets `config.py`.
_OWN_VARS = {
    "TRANSFORMERS_CACHE": frozenset({"transformers", "sentence_transformers"}),
    "PYTORCH_TRANSFORMERS_CACHE": frozenset({"transformers", "sentence_transformers"}),
    "PYTORCH_PRETRAINED_BERT_CACHE": frozenset({"transformers", "sentence_transformers"}),
    "HF_DATASETS_CACHE": frozenset({"datasets"}),
    "HF_DATASETS_OFFLINE": frozenset({"datasets"}),
}
#: Calls that start another process, which inherits os.environ as it is then.
_SPAWNERS = ("subprocess.", "os.system", "os.exec", "os.spawn", "os.popen", "multiprocessing.")
_MAX_DEPTH = 8


def readers(var: str) -> frozenset[str]:
    """The top-level packages whose import reads `var`; empty when none is known to."""
    if var in HUB_IMPORT_TIME_VARS:
        return HUB_IMPORTERS
    return _OWN_VARS.get(var, frozenset())


@dataclass(frozen=True)
class EnvWrite:
    var: str
    line: int
    col: int
    how: str  # "assign", "setdefault", "update", "putenv"
    value: str | None  # the literal value, when there is one


@dataclass(frozen=True)
class Reader:
    """The import that read a variable: `lib` imported at `path:line` (through `via`)."""

    lib: str
    path: str
    line: int
    via: str | None = None  # the Space module whose import brought `lib` in


def module_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Statements that run when the module is imported, in order: module level and the blocks
    under it (if/try/with/for), not function or class bodies."""

    def walk(stmts: list[ast.stmt]) -> Iterator[ast.stmt]:
        for stmt in stmts:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            yield stmt
            if isinstance(stmt, ast.If | ast.For | ast.While | ast.AsyncFor):
                yield from walk(stmt.body)
                yield from walk(stmt.orelse)
            elif isinstance(stmt, ast.With | ast.AsyncWith):
                yield from walk(stmt.body)
            elif isinstance(stmt, ast.Try | ast.TryStar):
                yield from walk(stmt.body)
                for h in stmt.handlers:
                    yield from walk(h.body)
                yield from walk(stmt.orelse)
                yield from walk(stmt.finalbody)

    yield from walk(tree.body)


def env_writes(module: Module) -> list[EnvWrite]:
    """`os.environ[...] = ...`, `os.environ.setdefault/update(...)` and `os.putenv(...)` that
    run at import of `module`."""
    out: list[EnvWrite] = []
    for stmt in module_statements(module.tree):
        if isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                if isinstance(t, ast.Subscript) and module.qualname(t.value) == "os.environ":
                    name = const_str(t.slice)
                    if name:
                        out.append(
                            EnvWrite(
                                name, stmt.lineno, stmt.col_offset, "assign", const_str(stmt.value)
                            )
                        )
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            callee = module.qualname(call.func)
            if callee in {"os.environ.setdefault", "os.putenv"} and call.args:
                name = const_str(call.args[0])
                value = const_str(call.args[1]) if len(call.args) > 1 else None
                if name:
                    how = "putenv" if callee == "os.putenv" else "setdefault"
                    out.append(EnvWrite(name, call.lineno, call.col_offset, how, value))
            elif callee == "os.environ.update":
                out.extend(
                    EnvWrite(kw.arg, call.lineno, call.col_offset, "update", const_str(kw.value))
                    for kw in call.keywords
                    if kw.arg
                )
                if call.args and isinstance(call.args[0], ast.Dict):
                    for k, v in zip(call.args[0].keys, call.args[0].values, strict=True):
                        name = const_str(k)
                        if name:
                            line = getattr(k, "lineno", call.lineno)
                            out.append(
                                EnvWrite(name, line, call.col_offset, "update", const_str(v))
                            )
    return out


class _ImportGraph:
    """Module-level imports of the Space's modules: which hub libraries each one pulls in."""

    def __init__(self, app: PyApp) -> None:
        self.app = app
        self._libs: dict[str, dict[str, Reader]] = {}
        #: Space module path -> [(importer path, line)] of module-level imports of it
        self.importers: dict[str, list[tuple[str, int]]] = {}
        self._imports: dict[str, list[tuple[int, int, str, str | None]]] = {}
        for path, module in app.modules.items():
            self._imports[path] = list(self._module_imports(module))
        for path, entries in self._imports.items():
            for line, _col, _top, local in entries:
                if local is not None:
                    self.importers.setdefault(local, []).append((path, line))

    def _module_imports(self, module: Module) -> Iterator[tuple[int, int, str, str | None]]:
        """(line, col, top-level package, Space module path or None) per import run at import."""
        for stmt in module_statements(module.tree):
            if isinstance(stmt, ast.Import):
                for a in stmt.names:
                    yield (
                        stmt.lineno,
                        stmt.col_offset,
                        a.name.split(".")[0],
                        self._local(module.path, a.name, 0),
                    )
            elif isinstance(stmt, ast.ImportFrom):
                base = stmt.module or ""
                local = self._local(module.path, base, stmt.level) if base else None
                if local is None:
                    for a in stmt.names:
                        dotted = f"{base}.{a.name}" if base else a.name
                        local = self._local(module.path, dotted, stmt.level)
                        if local is not None:
                            break
                top = base.split(".")[0] if stmt.level == 0 else ""
                yield stmt.lineno, stmt.col_offset, top, local

    def _local(self, here: str, dotted: str, level: int) -> str | None:
        rel = dotted.replace(".", "/")
        bases = []
        if level:
            base = posixpath.dirname(here)
            for _ in range(level - 1):
                base = posixpath.dirname(base)
            bases.append(base)
        else:
            bases.extend([posixpath.dirname(here), ""])
        for base in bases:
            for cand in (f"{rel}.py", f"{rel}/__init__.py"):
                path = posixpath.normpath(posixpath.join(base, cand)) if base else cand
                if path in self.app.modules and path != here:
                    return path
        return None

    def libs(
        self, path: str, depth: int = 0, seen: frozenset[str] = frozenset()
    ) -> dict[str, Reader]:
        """Hub libraries imported when `path` is imported, with the import that brings each."""
        if path in self._libs:
            return self._libs[path]
        found: dict[str, Reader] = {}
        if depth > _MAX_DEPTH or path in seen:
            return found
        for line, _col, top, local in self._imports.get(path, []):
            if top in HUB_IMPORTERS:
                found.setdefault(top, Reader(top, path, line))
            elif local is not None:
                for lib in self.libs(local, depth + 1, seen | {path}):
                    found.setdefault(lib, Reader(lib, path, line, via=local))
        if depth == 0:
            self._libs[path] = found
        return found

    def reader_before(
        self, path: str, line: int, col: int, wanted: frozenset[str]
    ) -> Reader | None:
        """The first import in `path`, before (line, col), that reads a variable `wanted`
        libraries read."""
        for iline, icol, top, local in self._imports.get(path, []):
            if (iline, icol) >= (line, col):
                break
            if top in wanted:
                return Reader(top, path, iline)
            if local is not None:
                got = [r for lib, r in self.libs(local).items() if lib in wanted]
                if got:
                    return Reader(got[0].lib, path, iline, via=local)
        return None


@check("SD305")
def env_set_after_import(ctx: SpaceContext) -> Iterator[Finding]:
    app = ctx.app
    writes = {path: env_writes(m) for path, m in app.modules.items()}
    if not any(w for ws in writes.values() for w in ws if readers(w.var)):
        raise SkipCheck("no Hugging Face cache or Hub setting assigned in code")
    graph = _ImportGraph(app)
    for path in sorted(writes):
        module = app.modules[path]
        spawn_lines = _spawn_lines(module)
        for w in writes[path]:
            wanted = readers(w.var)
            if not wanted:
                continue
            if w.how == "putenv":
                yield _putenv(path, w, ctx.sdk)
                continue
            if any(line > w.line for line in spawn_lines):
                continue  # maybe meant for a child process, which does see it
            reader = graph.reader_before(path, w.line, w.col, wanted)
            importer: tuple[str, int] | None = None
            if reader is None:
                importer, reader = _imported_late(graph, path, wanted)
            if reader is not None:
                yield _late(path, w, reader, importer, ctx.sdk)


def _imported_late(
    graph: _ImportGraph, path: str, wanted: frozenset[str]
) -> tuple[tuple[str, int] | None, Reader | None]:
    """When the only module importing `path` had already imported a reader: (importer, reader)."""
    sites = graph.importers.get(path, [])
    if len({p for p, _ in sites}) != 1:
        return None, None
    importer, line = min(sites, key=lambda s: s[1])
    reader = graph.reader_before(importer, line, 0, wanted)
    return ((importer, line), reader) if reader is not None else (None, None)


def _spawn_lines(module: Module) -> list[int]:
    return [
        call.lineno
        for call, name in module.calls()
        if name is not None and name.startswith(_SPAWNERS)
    ]


def _describe(reader: Reader) -> str:
    if reader.via is None:
        return f"`import {reader.lib}` ({reader.path} line {reader.line})"
    return (
        f"the import of {reader.via} ({reader.path} line {reader.line}), which imports {reader.lib}"
    )


def _late(
    path: str, w: EnvWrite, reader: Reader, importer: tuple[str, int] | None, sdk: str | None
) -> Finding:
    lib = "huggingface_hub" if w.var in HUB_IMPORT_TIME_VARS else reader.lib
    if importer is None:
        when = f"after {_describe(reader)}"
        move = f"move {path} line {w.line} above {reader.path} line {reader.line}"
    else:
        when = (
            f"when {importer[0]} imports this module (line {importer[1]}), after "
            f"{_describe(reader)}"
        )
        move = f"import {path} in {importer[0]} before line {reader.line}"
    message = (
        f"{w.var} is set in os.environ {when}: {lib} reads {w.var} once, when it is imported, so "
        "this process never uses the new value"
    )
    fix = f"Set {w.var} before anything imports {reader.lib}: {_outside(w, sdk)}; or {move}."
    return Finding(message, Location(path, w.line), fix=fix)


def _outside(w: EnvWrite, sdk: str | None) -> str:
    """Where to set the variable so it is in place before Python starts."""
    value = w.value if w.value is not None else "<value>"
    if sdk in (None, "docker"):
        return f"`ENV {w.var}={value}` in the Dockerfile"
    return f"a Space variable {w.var}={value} (Settings > Variables and secrets)"


def _putenv(path: str, w: EnvWrite, sdk: str | None) -> Finding:
    value = w.value if w.value is not None else "<value>"
    return Finding(
        f"os.putenv({w.var!r}, ...) does not change os.environ, which the Hugging Face "
        f"libraries read: this process never sees {w.var} (only child processes do)",
        Location(path, w.line),
        fix=(
            f'Write `os.environ["{w.var}"] = "{value}"` above the Hugging Face imports instead, '
            f"or set it before Python starts: {_outside(w, sdk)}."
        ),
    )
