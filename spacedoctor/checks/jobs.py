"""A job store in process memory while the server runs several worker processes (SD315)."""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.launch import Launch, target_modules
from spacedoctor.sources.pyapp import Module, import_sites, module_file
from spacedoctor.sources.space import SpaceContext
from spacedoctor.sources.webapp import Function, Route, WebApp, local_nodes, webapp_of

#: Constructors of in-memory containers -> the kind of store they make.
_CONTAINERS = {
    "dict": "dict",
    "collections.defaultdict": "dict",
    "collections.OrderedDict": "dict",
    "typing.DefaultDict": "dict",
    "list": "list",
    "collections.deque": "list",
    "set": "set",
}
#: Methods that put something into a container (or into one of its records).
_WRITES = frozenset(
    {"update", "setdefault", "append", "appendleft", "extend", "insert", "add", "__setitem__"}
)
#: Methods that look an entry up by key.
_KEY_READS = frozenset({"get", "pop", "setdefault", "__getitem__", "__contains__", "index"})
_MAX_DEPTH = 4


@dataclass(frozen=True, eq=False)
class Store:
    name: str
    kind: str  # dict, list, set
    module: Module
    line: int
    value: ast.expr  # the container expression the name is bound to


@dataclass
class _Use:
    writes: bool = False
    reads: bool = False


@dataclass
class _Handler:
    fn: Function
    routes: list[Route]
    uses: dict[int, _Use] = field(default_factory=dict)  # id(store.value) -> use
    modules: set[str] = field(default_factory=set)  # files whose code the handler runs


def module_stores(module: Module, web: WebApp) -> list[Store]:
    """Module-level names bound once, at the top of the module, to an in-memory container."""
    scope = web.module_scope(module.path)
    if scope is None:
        return []
    out: list[Store] = []
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        kind = _container_kind(module, value)
        # A name bound again anywhere (module level, or `global X; X = ...` in a function) is
        # not one store for the life of the process: left alone.
        if kind is None or len(scope.names.get(target.id, [])) != 1:
            continue
        out.append(Store(target.id, kind, module, stmt.lineno, value))
    return out


def _container_kind(module: Module, value: ast.expr) -> str | None:
    if isinstance(value, ast.Dict | ast.DictComp):
        return "dict"
    if isinstance(value, ast.List | ast.ListComp):
        return "list"
    if isinstance(value, ast.Set | ast.SetComp):
        return "set"
    if isinstance(value, ast.Call):
        return _CONTAINERS.get(module.qualname(value.func) or "")
    return None


class _Scanner:
    """Which stores a handler writes and reads, through the Space functions it calls or hands
    to a thread, task or BackgroundTasks (they run in the same worker process)."""

    def __init__(self, web: WebApp, stores: list[Store]) -> None:
        self.web = web
        self.by_name: dict[str, list[Store]] = {}
        for store in stores:
            self.by_name.setdefault(store.name, []).append(store)
        self.by_value = {id(s.value): s for s in stores}

    def scan(self, handler: _Handler) -> None:
        self._walk(handler, handler.fn, {}, 0, set())

    def _walk(
        self,
        handler: _Handler,
        fn: Function,
        passed: dict[str, Store],
        depth: int,
        seen: set[int],
    ) -> None:
        """`passed`: parameters of `fn` that the caller handed a store (`start(JOBS)`)."""
        if id(fn.node) in seen or depth > _MAX_DEPTH:
            return
        seen.add(id(fn.node))
        handler.modules.add(fn.module.path)
        params = {a.arg for a in ast.walk(fn.node.args) if isinstance(a, ast.arg)}
        parents: dict[int, ast.AST] = {}
        nodes = list(local_nodes(fn.node))
        for node in nodes:
            for child in ast.iter_child_nodes(node):
                parents[id(child)] = node
        for node in nodes:
            if isinstance(node, ast.Name | ast.Attribute) and isinstance(node.ctx, ast.Load):
                store = self._store_of(fn, node, params, passed)
                if store is not None:
                    use = handler.uses.setdefault(id(store.value), _Use())
                    self._classify(node, parents, store, use)
            if isinstance(node, ast.Call):
                callee = self._callee(fn, node.func)
                if callee is not None:
                    handed = self._handed(fn, node, callee, params, passed)
                    self._walk(handler, callee, handed, depth + 1, seen)
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    # A function handed to a thread, a task or BackgroundTasks.add_task
                    target = self._callee(fn, arg)
                    if target is not None:
                        self._walk(handler, target, {}, depth + 1, seen)

    def _callee(self, fn: Function, expr: ast.expr) -> Function | None:
        if not isinstance(expr, ast.Name | ast.Attribute):
            return None
        return self.web.resolve_function(fn.scope, expr)

    def _handed(
        self,
        fn: Function,
        call: ast.Call,
        callee: Function,
        params: set[str],
        passed: dict[str, Store],
    ) -> dict[str, Store]:
        """The callee's parameters bound to stores by this call's arguments."""
        args = callee.node.args
        names = [a.arg for a in [*args.posonlyargs, *args.args]]
        if names and names[0] in {"self", "cls"} and isinstance(call.func, ast.Attribute):
            names = names[1:]
        out: dict[str, Store] = {}
        pairs = [(n, a) for n, a in zip(names, call.args, strict=False)]
        pairs += [(k.arg, k.value) for k in call.keywords if k.arg is not None]
        for name, value in pairs:
            if isinstance(value, ast.Name | ast.Attribute):
                store = self._store_of(fn, value, params, passed)
                if store is not None:
                    out[name] = store
        return out

    def _store_of(
        self,
        fn: Function,
        node: ast.Name | ast.Attribute,
        params: set[str],
        passed: dict[str, Store],
    ) -> Store | None:
        if isinstance(node, ast.Name) and node.id in params:
            return passed.get(node.id)
        name = node.id if isinstance(node, ast.Name) else node.attr
        if name not in self.by_name:
            return None
        if isinstance(node, ast.Attribute) and not isinstance(node.value, ast.Name):
            return None
        hit = self.web.resolve_value(fn.scope, node)
        if hit is None:
            return None
        return self.by_value.get(id(hit[1]))

    def _classify(self, ref: ast.AST, parents: dict[int, ast.AST], store: Store, use: _Use) -> None:
        parent = parents.get(id(ref))
        # `store.method(...)`
        if isinstance(parent, ast.Attribute) and parent.value is ref:
            call = parents.get(id(parent))
            if isinstance(call, ast.Call) and call.func is parent:
                if parent.attr in _WRITES:
                    use.writes = True
                if parent.attr in _KEY_READS:
                    use.reads = True
            return
        # `x in store`, `x not in store`
        if isinstance(parent, ast.Compare) and any(c is ref for c in parent.comparators):
            if any(isinstance(op, ast.In | ast.NotIn) for op in parent.ops):
                use.reads = True
            return
        # A list searched for a record: `for job in JOBS`, `[j for j in JOBS if ...]`.
        if store.kind == "list" and isinstance(parent, ast.For | ast.comprehension):
            if parent.iter is ref:
                use.reads = True
            return
        if not (isinstance(parent, ast.Subscript) and parent.value is ref):
            return
        if isinstance(parent.slice, ast.Slice):
            return  # `LOG[-50:]`: a window of the container, not an entry looked up by key
        if isinstance(parent.ctx, ast.Store):
            use.writes = True  # `JOBS[job_id] = {...}`
            return
        if isinstance(parent.ctx, ast.Del):
            return
        use.reads = True  # `JOBS[job_id]`
        if _mutated(parent, parents):
            use.writes = True  # `JOBS[job_id]["status"] = "done"`, `JOBS[job_id].update(...)`


def _mutated(item: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """Is the record `item` (an entry of a store) changed where it is used?"""
    node = item
    while True:
        parent = parents.get(id(node))
        if isinstance(parent, ast.Subscript | ast.Attribute) and parent.value is node:
            if isinstance(parent.ctx, ast.Store):
                return True
            if isinstance(parent, ast.Attribute):
                call = parents.get(id(parent))
                if isinstance(call, ast.Call) and call.func is parent:
                    return parent.attr in _WRITES
            node = parent
            continue
        return False


# ---------------------------------------------------------------- which code a launch runs


def _imported(module: Module, known: Collection[str]) -> Iterator[str]:
    """The Space files a module imports (absolute imports tried from its folder and each
    folder above it: a Space may run from any of them)."""
    here = posixpath.dirname(module.path)
    for site in import_sites(module):
        if site.level:
            base = here
            for _ in range(site.level - 1):
                base = posixpath.dirname(base)
            bases = [base]
        else:
            bases, cur = [], here
            while True:
                bases.append(cur)
                if not cur:
                    break
                cur = posixpath.dirname(cur)
        found = module_file(known, bases, site.module) if site.module else None
        if found is not None:
            yield found
        for name in site.names:
            sub = f"{site.module}.{name}" if site.module else name
            found = module_file(known, bases, sub)
            if found is not None:
                yield found


def served_files(launch: Launch, modules: dict[str, Module]) -> set[str]:
    """The Space files the server of `launch` imports: its target and what that imports."""
    todo = target_modules(launch, modules.keys())
    out: set[str] = set()
    while todo:
        path = todo.pop()
        if path in out:
            continue
        out.add(path)
        todo.extend(p for p in _imported(modules[path], modules.keys()) if p not in out)
    return out


# ---------------------------------------------------------------- the check


def _label(web: WebApp, handler: _Handler) -> str:
    names: list[str] = []
    for route in handler.routes:
        name = f"{'/'.join(route.methods)} {web.full_path(route)}"
        if name not in names:
            names.append(name)
    return f"{', '.join(names)} ({handler.fn.where})"


def _single_worker(launch: Launch) -> str:
    if launch.workers_source == "env":
        return "unset WEB_CONCURRENCY (or set it to 1)"
    if launch.workers_source == "code":
        return "pass `workers=1`"
    if launch.server in {"gunicorn", "hypercorn"}:
        return "use `-w 1`"
    return "use `--workers 1`"


@check("SD315")
def in_memory_jobs_multiworker(ctx: SpaceContext) -> Iterator[Finding]:
    ctx.require_docker()
    launches = ctx.launches.launches
    if not launches:
        raise SkipCheck("no server found in the start command")
    many = [la for la in launches if la.workers is not None and la.workers > 1]
    if not many:
        return  # one worker process (or a count that cannot be known): nothing to share
    web = webapp_of(ctx)
    routes = [r for r in web.routes() if r.handler is not None]
    if not routes:
        raise SkipCheck("no HTTP route handlers")
    stores = [s for m in ctx.app.modules.values() for s in module_stores(m, web)]
    if not stores:
        return
    handlers: dict[int, _Handler] = {}
    for route in routes:
        assert route.handler is not None
        key = id(route.handler.node)
        if key not in handlers:
            handlers[key] = _Handler(route.handler, [])
        handlers[key].routes.append(route)
    scanner = _Scanner(web, stores)
    for handler in handlers.values():
        scanner.scan(handler)
    served = {id(la): served_files(la, ctx.app.modules) for la in many}
    for store in stores:
        key = id(store.value)
        writers = [h for h in handlers.values() if key in h.uses and h.uses[key].writes]
        # A reader that never writes: the poll endpoint. Handlers that all read and fill the
        # store are a cache, which works per process (a miss in another worker recomputes).
        readers = [
            h
            for h in handlers.values()
            if key in h.uses and h.uses[key].reads and not h.uses[key].writes
        ]
        pair = next(((w, r) for w in writers for r in readers if w is not r), None)
        if pair is None:
            continue
        writer, reader = pair
        files = {store.module.path, *writer.modules, *reader.modules}
        launch = next((la for la in many if files <= served[id(la)]), None)
        if launch is None:
            continue
        wpath, wline = launch.where_workers
        yield Finding(
            f"`{store.name}` is a module-level {store.kind} that {_label(web, writer)} writes "
            f"and {_label(web, reader)} reads by key, but {launch.server} runs "
            f"{launch.workers} worker processes ({wpath}:{wline}): each has its own "
            f"`{store.name}`, so a request that reaches another worker than the one that "
            "stored the entry finds nothing (404 / unknown job)",
            Location(store.module.path, store.line),
            fix=(
                f"Keep `{store.name}` where every worker sees it: a file or SQLite database "
                "under /tmp for one replica (`sqlite3.connect('/tmp/jobs.db')`), Redis for "
                f"several; or serve from one process: at {wpath}:{wline}, "
                f"{_single_worker(launch)}, and run CPU-bound work in a thread or process "
                "pool inside it."
            ),
        )
