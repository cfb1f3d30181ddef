"""The Space's Python code, parsed with ast (never imported or run), with small helpers shared
by the Python checks: dotted names resolved through imports, constant strings, calls."""

from __future__ import annotations

import ast
import posixpath
import re
import sys
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar, cast

from spacedoctor.sources.repo import RepoFiles, Unreadable

MAX_PY_FILES = 5000

_N = TypeVar("_N", bound=ast.AST)


@dataclass(frozen=True)
class SyntaxProblem:
    path: str
    line: int
    message: str


@dataclass
class Module:
    """One parsed file: its tree and the names its imports bind (alias -> dotted origin)."""

    path: str
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)
    _nodes: list[ast.AST] | None = field(default=None, init=False, repr=False, compare=False)
    _index: dict[type, list[int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _of: dict[tuple[type, ...], list[ast.AST]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _parents: dict[int, ast.AST] | None = field(default=None, init=False, repr=False, compare=False)
    _sites: list[ImportSite] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def nodes(self) -> list[ast.AST]:
        """Every node of the tree in `ast.walk` order (breadth first), computed once: the
        checks look at the same 2,000 modules of a big repo many times over."""
        if self._nodes is None:
            nodes: list[ast.AST] = [self.tree]
            index: dict[type, list[int]] = {}
            parents: dict[int, ast.AST] = {}
            node_class = ast.AST
            append = nodes.append
            i = 0
            # ast.iter_child_nodes inlined (2.6x faster over 2,000 modules, measured); the list
            # grows while it is read, which makes the order breadth first, as ast.walk's.
            while i < len(nodes):
                node = nodes[i]
                same = index.get(type(node))
                if same is None:
                    index[type(node)] = [i]
                else:
                    same.append(i)
                i += 1
                for name in node._fields:
                    try:
                        value = getattr(node, name)
                    except AttributeError:
                        continue
                    if isinstance(value, node_class):
                        parents[id(value)] = node
                        append(value)
                    elif isinstance(value, list):
                        for item in value:
                            if isinstance(item, node_class):
                                parents[id(item)] = node
                                append(item)
            self._nodes, self._index, self._parents = nodes, index, parents
        return self._nodes

    def of(self, *types: type[_N]) -> list[_N]:
        """The nodes that are instances of any of `types`, in `ast.walk` order (abstract
        classes such as `ast.expr` work too). The result is shared: do not modify it."""
        found = self._of.get(types)
        if found is None:
            nodes = self.nodes
            keys = [t for t in self._index if issubclass(t, types)]
            if len(keys) == 1:
                found = [nodes[i] for i in self._index[keys[0]]]
            else:
                found = [nodes[i] for i in sorted(i for k in keys for i in self._index[k])]
            self._of[types] = found
        return cast("list[_N]", found)

    @property
    def parents(self) -> dict[int, ast.AST]:
        """id(node) -> its parent node, for every node but the module itself."""
        if self._parents is None:
            self.nodes  # noqa: B018 - computes the parents in the same pass
        assert self._parents is not None
        return self._parents

    def qualname(self, node: ast.AST) -> str | None:
        """`uvicorn.run`, `fastapi.staticfiles.StaticFiles`, ... for a Name/Attribute, resolved
        through this module's imports; None for anything else."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        head = self.imports.get(node.id, node.id)
        return ".".join([head, *reversed(parts)])

    def calls(self) -> Iterator[tuple[ast.Call, str | None]]:
        """Every call in the module with its resolved callee name."""
        for node in self.of(ast.Call):
            yield node, self.qualname(node.func)


@dataclass
class PyApp:
    modules: dict[str, Module] = field(default_factory=dict)
    problems: list[SyntaxProblem] = field(default_factory=list)


def _imports(module: Module) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in module.of(ast.Import, ast.ImportFrom):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    out[a.asname] = a.name
                else:
                    head = a.name.split(".")[0]
                    out.setdefault(head, head)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                if a.name != "*":
                    out[a.asname or a.name] = f"{node.module}.{a.name}"
    return out


def parse_module(path: str, source: bytes) -> Module | SyntaxProblem:
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        return SyntaxProblem(path, exc.lineno or 1, f"{exc.msg}")
    except (ValueError, RecursionError, MemoryError) as exc:
        # ValueError: null bytes / bad coding cookie; RecursionError: absurd nesting.
        return SyntaxProblem(path, 1, str(exc) or type(exc).__name__)
    module = Module(path, tree)
    module.imports = _imports(module)
    return module


def parse_app(repo: RepoFiles) -> PyApp:
    app = PyApp()
    for rel in repo.with_suffix(".py")[:MAX_PY_FILES]:
        try:
            data = repo.read_bytes(rel)
        except Unreadable as exc:
            app.problems.append(SyntaxProblem(rel, 1, f"cannot be read: {exc}"))
            continue
        result = parse_module(rel, data)
        if isinstance(result, SyntaxProblem):
            app.problems.append(result)
        else:
            app.modules[rel] = result
    return app


def const_str(node: ast.AST | None) -> str | None:
    """The value of a string literal (or an f-string with no placeholders)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    return None


def const_int(node: ast.AST | None) -> int | None:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return node.value
    return None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


_PEP695 = re.compile(
    r"^\s*(type\s+[A-Za-z_]\w*\s*(\[.*\])?\s*=|(async\s+)?def\s+\w+\s*\[|class\s+\w+\s*\[)"
)


def newer_grammar(repo: RepoFiles, problem: SyntaxProblem) -> str | None:
    """The Python version whose grammar may accept what the running interpreter rejected at
    `problem` (PEP 701 f-strings and PEP 695 type parameters in 3.12, PEP 758 unparenthesized
    `except A, B` in 3.14), or None: a Space running that newer Python imports the file fine."""
    msg = problem.message
    if sys.version_info < (3, 12):
        if msg.startswith("f-string"):
            return "3.12"
        try:
            lines = repo.read_text(problem.path).splitlines()
        except Unreadable:
            lines = []
        if 0 < problem.line <= len(lines) and _PEP695.match(lines[problem.line - 1]):
            return "3.12"
    if sys.version_info < (3, 14) and "multiple exception types must be parenthesized" in msg:
        return "3.14"
    return None


@dataclass(frozen=True)
class ImportSite:
    """One `import x.y` / `from x.y import z` statement and the context it runs in.

    `module` is the dotted module named (`x.y`; for `from . import z` the empty string),
    `level` the number of leading dots, `names` the names a `from` import takes, and
    `optional` is True when a failure is expected and handled: inside `try:` with an
    `except ImportError`/`ModuleNotFoundError`/`Exception`/bare handler, under
    `if TYPE_CHECKING:`, or under a `sys.version_info`/`sys.platform` test."""

    module: str
    line: int
    level: int = 0
    names: tuple[str, ...] = ()
    optional: bool = False

    @property
    def top(self) -> str:
        return self.module.split(".", 1)[0]


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _catches_import_error(handlers: list[ast.ExceptHandler]) -> bool:
    return handler_catches(handlers, _IMPORT_ERRORS)


_CONDITIONAL_ATTRS = frozenset({"TYPE_CHECKING", "version_info", "platform"})


def _conditional_test(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:` (also `typing.TYPE_CHECKING`), `if sys.version_info ...`,
    `if sys.platform ...`: code that runs only in some environments."""
    for node in ast.walk(test):
        if isinstance(node, ast.Name) and node.id == "TYPE_CHECKING":
            return True
        if isinstance(node, ast.Attribute) and node.attr in _CONDITIONAL_ATTRS:
            return True
    return False


def import_sites(module: Module) -> list[ImportSite]:
    """Every import statement of a module, in source order, with whether it is optional."""
    if module._sites is not None:
        return list(module._sites)
    out: list[ImportSite] = []

    def visit(node: ast.AST, optional: bool) -> None:
        if isinstance(node, ast.Import):
            out.extend(ImportSite(a.name, node.lineno, 0, (), optional) for a in node.names)
            return
        if isinstance(node, ast.ImportFrom):
            names = tuple(a.name for a in node.names)
            out.append(ImportSite(node.module or "", node.lineno, node.level, names, optional))
            return
        if isinstance(node, ast.Try | ast.TryStar):
            guarded = optional or _catches_import_error(node.handlers)
            for stmt in node.body:
                visit(stmt, guarded)
            for other in [*node.handlers, *node.orelse, *node.finalbody]:
                visit(other, optional)
            return
        if isinstance(node, ast.If) and _conditional_test(node.test):
            for stmt in [*node.body, *node.orelse]:
                visit(stmt, True)
            return
        for child in ast.iter_child_nodes(node):
            # Imports are statements, and no expression holds a statement: skip expressions.
            if isinstance(child, ast.stmt | ast.excepthandler | ast.match_case):
                visit(child, optional)

    visit(module.tree, False)
    out.sort(key=lambda s: s.line)
    module._sites = out
    return list(out)


def single_assignments(module: Module) -> dict[str, tuple[ast.expr, int]]:
    """Names bound exactly once in the module (anywhere), by a plain assignment: the value and
    its line. A name also bound any other way (a loop, `with ... as`, a parameter, `:=`, `+=`,
    unpacking) is left out: its value is not known."""
    counts: dict[str, int] = {}
    values: dict[str, tuple[ast.expr, int]] = {}
    for node in module.of(
        ast.Assign,
        ast.AnnAssign,
        ast.AugAssign,
        ast.For,
        ast.AsyncFor,
        ast.NamedExpr,
        ast.arg,
        ast.With,
        ast.AsyncWith,
    ):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    counts[t.id] = counts.get(t.id, 0) + 1
                    values[t.id] = (node.value, node.lineno)
                else:
                    for sub in ast.walk(t):
                        if isinstance(sub, ast.Name):
                            counts[sub.id] = counts.get(sub.id, 0) + 2
        elif isinstance(
            node, ast.AugAssign | ast.For | ast.AsyncFor | ast.NamedExpr | ast.arg
        ) or isinstance(node, ast.With | ast.AsyncWith):
            targets2: list[ast.AST] = []
            if isinstance(node, ast.AugAssign | ast.For | ast.AsyncFor | ast.NamedExpr):
                targets2 = [node.target]
            elif isinstance(node, ast.arg):
                counts[node.arg] = counts.get(node.arg, 0) + 2
            else:
                targets2 = [i.optional_vars for i in node.items if i.optional_vars is not None]
            for bound in targets2:
                for sub in ast.walk(bound):
                    if isinstance(sub, ast.Name):
                        counts[sub.id] = counts.get(sub.id, 0) + 2
    return {k: v for k, v in values.items() if counts.get(k) == 1}


def handler_catches(handlers: list[ast.ExceptHandler], names: Collection[str]) -> bool:
    """Whether one of these `except` clauses catches an exception named in `names` (a bare
    `except:` catches everything)."""
    for h in handlers:
        if h.type is None:
            return True
        types = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
        for t in types:
            name = t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", None)
            if name in names:
                return True
    return False


def module_file(known: Collection[str], bases: Iterable[str], dotted: str) -> str | None:
    """The file of module `dotted` (`pkg.mod` -> `pkg/mod.py` or `pkg/mod/__init__.py`) under
    the first of `bases` (folders of the Space, "" for its root) where `known` has it."""
    rel = dotted.replace(".", "/")
    for base in bases:
        stem = posixpath.join(base, rel) if rel else base
        for cand in (f"{stem}.py", posixpath.join(stem, "__init__.py")):
            cand = cand.lstrip("/")
            if cand in known:
                return cand
    return None
