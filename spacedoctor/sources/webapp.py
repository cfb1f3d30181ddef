"""The web apps a Space's Python code builds, read from the ast (never imported or run):
FastAPI/Starlette/Flask/Gradio app objects, routers and blueprints, their routes, mounts,
middleware and includes, Gradio event listeners, and name resolution across the Space's modules
so checks can follow a handler into the helpers it calls."""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacedoctor.sources.pyapp import Module, PyApp, const_str, keyword, module_file

if TYPE_CHECKING:
    from spacedoctor.sources.space import SpaceContext

FASTAPI = "fastapi"
STARLETTE = "starlette"
APIROUTER = "apirouter"
ROUTER = "router"
FLASK = "flask"
BLUEPRINT = "blueprint"
GRADIO = "gradio"

#: Constructors of app-like objects -> kind.
CONSTRUCTORS = {
    "fastapi.FastAPI": FASTAPI,
    "fastapi.applications.FastAPI": FASTAPI,
    "fastapi.APIRouter": APIROUTER,
    "fastapi.routing.APIRouter": APIROUTER,
    "starlette.applications.Starlette": STARLETTE,
    "starlette.routing.Router": ROUTER,
    "flask.Flask": FLASK,
    "flask.app.Flask": FLASK,
    "flask.Blueprint": BLUEPRINT,
    "flask.blueprints.Blueprint": BLUEPRINT,
    "gradio.Blocks": GRADIO,
    "gradio.Interface": GRADIO,
    "gradio.ChatInterface": GRADIO,
    "gradio.TabbedInterface": GRADIO,
}
STATIC_FILES = frozenset({"starlette.staticfiles.StaticFiles", "fastapi.staticfiles.StaticFiles"})
CORS_MIDDLEWARE = frozenset(
    {"starlette.middleware.cors.CORSMiddleware", "fastapi.middleware.cors.CORSMiddleware"}
)
_MIDDLEWARE_SPEC = frozenset({"starlette.middleware.Middleware", "fastapi.middleware.Middleware"})
_ROUTE_CLASSES = frozenset(
    {"starlette.routing.Route", "fastapi.routing.APIRoute", "starlette.routing.Host"}
)
_MOUNT_CLASSES = frozenset({"starlette.routing.Mount"})
_HTTP_METHODS = ("get", "post", "put", "delete", "patch", "options", "head", "trace")
_ROUTE_DECORATORS = frozenset({*_HTTP_METHODS, "api_route", "route"})
#: Gradio event listeners (Blocks components and gr.on).
GRADIO_LISTENERS = frozenset(
    {
        "click",
        "submit",
        "change",
        "input",
        "upload",
        "select",
        "release",
        "then",
        "success",
        "load",
        "blur",
        "focus",
        "stream",
        "play",
        "pause",
        "stop",
        "clear",
        "like",
        "edit",
        "retry",
        "undo",
        "on",
    }
)
_MAX_DEPTH = 6

_Def = ast.FunctionDef | ast.AsyncFunctionDef
_ScopeNode = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda


@dataclass(frozen=True)
class Where:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(eq=False)
class Scope:
    """A module, function or class body: the names it binds (to value expressions or defs)."""

    module: Module
    node: _ScopeNode
    parent: Scope | None
    names: dict[str, list[ast.AST]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    children: dict[int, Scope] = field(default_factory=dict)  # id(def node) -> scope

    def bind(self, name: str, value: ast.AST) -> None:
        self.names.setdefault(name, []).append(value)

    @property
    def is_class(self) -> bool:
        return isinstance(self.node, ast.ClassDef)

    def enclosing_class(self) -> Scope | None:
        """The class whose method this scope is (for `self.x` lookups)."""
        if isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef) and self.parent:
            return self.parent if self.parent.is_class else None
        return None


@dataclass(frozen=True, eq=False)
class Function:
    """A def in the Space, with the scope of its body."""

    scope: Scope
    node: _Def

    @property
    def module(self) -> Module:
        return self.scope.module

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def where(self) -> Where:
        return Where(self.scope.module.path, self.node.lineno)

    @property
    def is_async(self) -> bool:
        return isinstance(self.node, ast.AsyncFunctionDef)

    @property
    def is_generator(self) -> bool:
        return any(isinstance(n, ast.Yield | ast.YieldFrom) for n in local_nodes(self.node))


@dataclass(eq=False)
class Middleware:
    owner: AppObject
    cls: str  # dotted name, resolved through imports
    where: Where
    via: str  # "add_middleware", "middleware=", "wrap", "decorator"
    options: dict[str, ast.expr] = field(default_factory=dict)
    body: ast.AST | None = None  # the Space's own def/class implementing it, when known

    @property
    def is_cors(self) -> bool:
        return self.cls in CORS_MIDDLEWARE

    def origins(self) -> tuple[str, ...] | None:
        """The literal `allow_origins` strings; None when absent or not literal."""
        node = self.options.get("allow_origins")
        if not isinstance(node, ast.List | ast.Tuple | ast.Set):
            return None
        out = [const_str(e) for e in node.elts]
        return None if any(o is None for o in out) else tuple(o for o in out if o is not None)

    def origin_regex(self) -> str | None:
        return const_str(self.options.get("allow_origin_regex"))


@dataclass(eq=False)
class Mount:
    owner: AppObject
    path: str | None
    where: Where
    target: ast.expr | None
    static_class: str | None = None  # StaticFiles (or a Space subclass of it) when static
    custom_static: bool = False  # a Space-defined subclass of StaticFiles
    app: AppObject | None = None  # the mounted app object, when it is one

    @property
    def is_static(self) -> bool:
        return self.static_class is not None


@dataclass(eq=False)
class Route:
    owner: AppObject
    methods: tuple[str, ...]
    path: str | None
    where: Where
    handler: Function | None


@dataclass(eq=False)
class Include:
    owner: AppObject
    router: AppObject
    prefix: str
    where: Where


@dataclass(eq=False)
class GradioEvent:
    listener: str
    fn: Function | None
    queue: bool | None  # the literal `queue=` value, None when not given or not literal
    where: Where


@dataclass(eq=False)
class AppObject:
    name: str
    kind: str
    where: Where
    call: ast.Call | None
    prefix: str = ""
    middleware: list[Middleware] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    mounted_in: list[Mount] = field(default_factory=list)
    included_in: list[Include] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"`{self.name}` ({self.where})"


class WebApp:
    """Every web app object of a Space and how they are wired together."""

    def __init__(self, pyapp: PyApp) -> None:
        self.pyapp = pyapp
        self.apps: list[AppObject] = []
        self.events: list[GradioEvent] = []
        self._by_call: dict[int, AppObject] = {}
        self._scopes: dict[str, Scope] = {}
        self._imports: dict[str, dict[str, tuple[str, str | None]]] = {}
        # Scopes are built lazily: only modules that use a web framework, or import one that
        # does, are read for app objects; others only when a lookup leads into them.
        relevant = [p for p, m in pyapp.modules.items() if _uses_framework(m)]
        direct = set(relevant)
        known = pyapp.modules.keys()
        for path, module in pyapp.modules.items():
            if path not in direct and any(t in direct for t in _top_imports(module, known)):
                relevant.append(path)
        scopes = [s for p in relevant if (s := self.module_scope(p)) is not None]
        for scope in scopes:
            for sub in _walk_scopes(scope):
                self._collect_objects(sub)
        for scope in scopes:
            for sub in _walk_scopes(scope):
                self._collect_usage(sub)
        for app in self.apps:
            for m in app.mounts:
                if m.app is not None:
                    m.app.mounted_in.append(m)
            for inc in app.includes:
                inc.router.included_in.append(inc)

    # ---- queries -------------------------------------------------------------------------------

    def module_scope(self, path: str) -> Scope | None:
        """The scope of one module of the Space, built on first use."""
        scope = self._scopes.get(path)
        if scope is None:
            module = self.pyapp.modules.get(path)
            if module is None:
                return None
            scope = _build_scopes(module)
            self._scopes[path] = scope
            self._imports[path] = _import_table(module, self.pyapp.modules.keys())
        return scope

    def routes(self) -> list[Route]:
        return [r for app in self.apps for r in app.routes]

    def static_mounts(self) -> list[Mount]:
        return [m for app in self.apps for m in app.mounts if m.is_static]

    def middleware(self) -> list[Middleware]:
        return [mw for app in self.apps for mw in app.middleware]

    def wrappers(self, app: AppObject) -> list[AppObject]:
        """`app` and every app it is mounted under, innermost first: the apps whose middleware
        sees a request routed to `app` (Starlette wraps its whole router, mounts included)."""
        out: list[AppObject] = []
        todo = [app]
        while todo:
            cur = todo.pop(0)
            if cur in out:
                continue
            out.append(cur)
            todo.extend(m.owner for m in cur.mounted_in)
            # Routes of an included router are copied into the includer.
            todo.extend(inc.owner for inc in cur.included_in)
        return out

    def connected(self, app: AppObject) -> list[AppObject]:
        """Every app object linked to `app` by mounts or includes, in either direction."""
        out: list[AppObject] = []
        todo = [app]
        while todo:
            cur = todo.pop()
            if cur in out:
                continue
            out.append(cur)
            todo.extend(m.owner for m in cur.mounted_in)
            todo.extend(m.app for m in cur.mounts if m.app is not None)
            todo.extend(i.owner for i in cur.included_in)
            todo.extend(i.router for i in cur.includes)
        return out

    def full_path(self, route: Route) -> str:
        """The route's URL path with router prefixes, include prefixes and mount paths."""
        path = route.owner.prefix + (route.path or "")
        owner: AppObject | None = route.owner
        seen: list[AppObject] = []
        while owner is not None and owner not in seen:
            seen.append(owner)
            if owner.included_in:
                inc = owner.included_in[0]
                path = inc.prefix + path
                owner = inc.owner
                path = owner.prefix + path if owner.kind in (APIROUTER, BLUEPRINT) else path
            elif owner.mounted_in:
                mount = owner.mounted_in[0]
                path = (mount.path or "").rstrip("/") + path
                owner = mount.owner
            else:
                owner = None
        return path or "/"

    # ---- name resolution -----------------------------------------------------------------------

    def lookup(
        self, scope: Scope, name: str, at: ast.AST | None = None, depth: int = 0
    ) -> tuple[Scope, ast.AST] | None:
        """The binding of `name` visible from `scope` (LEGB without builtins), following imports
        of the Space's own modules; returns the binding scope and the value/def node. In the
        scope of the use `at`, the last binding completed before it wins (`app = FastAPI()` ...
        `app.mount(...)` ... `app = CORSMiddleware(app)`); elsewhere the last binding."""
        if depth > _MAX_DEPTH:
            return None
        cur: Scope | None = scope
        first = True
        while cur is not None:
            if (first or not cur.is_class) and name in cur.names and name not in cur.globals:
                values = cur.names[name]
                if first and at is not None and hasattr(at, "lineno"):
                    pos = (getattr(at, "lineno", 0), getattr(at, "col_offset", 0))
                    before = [v for v in values if _ends_before(v, pos)]
                    if before:
                        return cur, before[-1]
                return cur, values[-1]
            first = False
            cur = cur.parent
        module_scope = self.module_scope(scope.module.path)
        entry = self._imports.get(scope.module.path, {}).get(name)
        if entry is None or module_scope is None:
            return None
        target_path, attr = entry
        target = self.module_scope(target_path)
        if target is None:
            return None
        if attr is None:
            return target, target.node  # the module itself
        return self.lookup(target, attr, None, depth + 1)

    def resolve_value(
        self, scope: Scope, expr: ast.AST, depth: int = 0
    ) -> tuple[Scope, ast.AST] | None:
        """Follow a Name/Attribute to the expression (or def, or module) it was bound to:
        `pipe` -> `pipeline("asr")`; `self.model` -> the value of `self.model = ...`;
        `helpers.run` -> the def of run in helpers.py."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, ast.Name):
            hit = self.lookup(scope, expr.id, expr)
            if hit is None:
                return None
            bscope, value = hit
            if isinstance(value, ast.Name | ast.Attribute):
                return self.resolve_value(bscope, value, depth + 1) or hit
            return hit
        if isinstance(expr, ast.Attribute):
            if isinstance(expr.value, ast.Name) and expr.value.id == "self":
                cls = _class_of(scope)
                if cls is not None:
                    return self._self_attr(cls, expr.attr)
                return None
            base = self.resolve_value(scope, expr.value, depth + 1)
            if base is None:
                return None
            bscope, bnode = base
            if isinstance(bnode, ast.Module):
                return self.lookup(bscope, expr.attr, None, depth + 1)
            if isinstance(bnode, ast.ClassDef):
                cscope = bscope.children.get(id(bnode))
                if cscope and expr.attr in cscope.names:
                    return cscope, cscope.names[expr.attr][-1]
                return None
            if isinstance(bnode, ast.Call):
                # An instance of a Space class: `service.run` -> the method.
                cls_hit = self.resolve_value(bscope, bnode.func, depth + 1)
                if cls_hit and isinstance(cls_hit[1], ast.ClassDef):
                    cscope = cls_hit[0].children.get(id(cls_hit[1]))
                    if cscope is not None:
                        if expr.attr in cscope.names:
                            return cscope, cscope.names[expr.attr][-1]
                        return self._self_attr(cscope, expr.attr)
            return None
        return None

    def candidates(self, scope: Scope, expr: ast.AST) -> list[tuple[Scope, ast.AST]]:
        """Every value a Name or `self.attr` may be bound to (all assignments in the binding
        scope, `global` ones from functions included), else the one `resolve_value` finds."""
        if isinstance(expr, ast.Name):
            hit = self.lookup(scope, expr.id)
            if hit is not None and expr.id in hit[0].names:
                return [(hit[0], v) for v in hit[0].names[expr.id]]
        if (
            isinstance(expr, ast.Attribute)
            and isinstance(expr.value, ast.Name)
            and expr.value.id == "self"
        ):
            cls = _class_of(scope)
            if cls is not None:
                return self._self_attrs(cls, expr.attr)
        one = self.resolve_value(scope, expr)
        return [one] if one is not None else []

    def _self_attr(self, cls: Scope, attr: str) -> tuple[Scope, ast.AST] | None:
        found = self._self_attrs(cls, attr)
        return found[0] if found else None

    def _self_attrs(self, cls: Scope, attr: str) -> list[tuple[Scope, ast.AST]]:
        out: list[tuple[Scope, ast.AST]] = [(cls, v) for v in cls.names.get(attr, [])]
        for method in cls.children.values():
            for node in local_nodes(method.node):
                if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    if any(_is_self_attr(t, attr) for t in targets):
                        out.append((method, node.value))
        return out

    def resolve_function(self, scope: Scope, expr: ast.AST) -> Function | None:
        """The Space def that `expr` (a callee or a function reference) names, if any."""
        if isinstance(expr, ast.Call):
            name = scope.module.qualname(expr.func)
            if name == "functools.partial" and expr.args:
                return self.resolve_function(scope, expr.args[0])
            return None
        hit = self.resolve_value(scope, expr)
        if hit is None:
            return None
        bscope, node = hit
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            fscope = bscope.children.get(id(node))
            if fscope is not None:
                return Function(fscope, node)
        return None

    def qualname(self, scope: Scope, expr: ast.AST) -> str | None:
        """A dotted name for `expr` resolved through imports (`subprocess.run`), or through a
        local alias (`run = subprocess.run`); None for anything else."""
        name = scope.module.qualname(expr)
        if isinstance(expr, ast.Name) and name == expr.id:
            hit = self.lookup(scope, expr.id, expr)
            if hit and isinstance(hit[1], ast.Attribute):
                return hit[0].module.qualname(hit[1])
        return name

    def app_of(self, scope: Scope, expr: ast.AST | None, depth: int = 0) -> AppObject | None:
        """The app object `expr` evaluates to: a constructor call, a name bound to one, a factory
        function's return value, `app.router`, or `module.app`."""
        if expr is None or depth > _MAX_DEPTH:
            return None
        if isinstance(expr, ast.Call):
            known = self._by_call.get(id(expr))
            if known is not None:
                return known
            kind = CONSTRUCTORS.get(self.qualname(scope, expr.func) or "")
            if kind is not None:
                return self._new_app(scope, expr, kind, "<anonymous>")
            fn = self.resolve_function(scope, expr.func)
            if fn is not None:
                for node in local_nodes(fn.node):
                    if isinstance(node, ast.Return) and node.value is not None:
                        found = self.app_of(fn.scope, node.value, depth + 1)
                        if found is not None:
                            return found
            return None
        if isinstance(expr, ast.Attribute) and expr.attr == "router":
            owner = self.app_of(scope, expr.value, depth + 1)
            if owner is not None:
                return owner
        if isinstance(expr, ast.Name | ast.Attribute):
            hit = self.resolve_value(scope, expr)
            if hit is not None and isinstance(hit[1], ast.expr) and hit[1] is not expr:
                return self.app_of(hit[0], hit[1], depth + 1)
        return None

    # ---- building ------------------------------------------------------------------------------

    def _new_app(self, scope: Scope, call: ast.Call, kind: str, name: str) -> AppObject:
        prefix = ""
        if kind == APIROUTER:
            prefix = const_str(keyword(call, "prefix")) or ""
        elif kind == BLUEPRINT:
            prefix = const_str(keyword(call, "url_prefix")) or ""
        app = AppObject(name, kind, Where(scope.module.path, call.lineno), call, prefix.rstrip("/"))
        self._by_call[id(call)] = app
        self.apps.append(app)
        self._constructor_args(scope, app, call)
        return app

    def _collect_objects(self, scope: Scope) -> None:
        for name, values in scope.names.items():
            for value in values:
                if isinstance(value, ast.Call) and id(value) not in self._by_call:
                    kind = CONSTRUCTORS.get(self.qualname(scope, value.func) or "")
                    if kind is not None:
                        self._new_app(scope, value, kind, name)

    def _constructor_args(self, scope: Scope, app: AppObject, call: ast.Call) -> None:
        for spec in self._list_items(scope, keyword(call, "middleware")):
            if isinstance(spec, ast.Call) and self.qualname(scope, spec.func) in _MIDDLEWARE_SPEC:
                if spec.args:
                    self._add_middleware(scope, app, spec.args[0], spec, "middleware=")
        if app.kind in (FASTAPI, STARLETTE, ROUTER, APIROUTER):
            routes = keyword(call, "routes")
            if routes is None and app.kind == ROUTER and call.args:
                routes = call.args[0]
            self._route_list(scope, app, routes, "")

    def _list_items(self, scope: Scope, node: ast.AST | None) -> list[ast.expr]:
        if isinstance(node, ast.Name):
            hit = self.lookup(scope, node.id, node)
            node = hit[1] if hit else None
        if isinstance(node, ast.List | ast.Tuple):
            return list(node.elts)
        return []

    def _route_list(self, scope: Scope, app: AppObject, node: ast.AST | None, prefix: str) -> None:
        for item in self._list_items(scope, node):
            if not isinstance(item, ast.Call):
                continue
            cls = self.qualname(scope, item.func)
            where = Where(scope.module.path, item.lineno)
            path = const_str(item.args[0] if item.args else keyword(item, "path"))
            if cls in _ROUTE_CLASSES:
                endpoint = item.args[1] if len(item.args) > 1 else keyword(item, "endpoint")
                handler = self.resolve_function(scope, endpoint) if endpoint else None
                methods = _methods(keyword(item, "methods")) or ("GET",)
                app.routes.append(Route(app, methods, prefix + (path or ""), where, handler))
            elif cls in _MOUNT_CLASSES:
                sub = keyword(item, "routes")
                if sub is not None:
                    self._route_list(scope, app, sub, prefix + (path or "").rstrip("/"))
                else:
                    target = item.args[1] if len(item.args) > 1 else keyword(item, "app")
                    self._add_mount(scope, app, prefix + (path or ""), target, where)

    def _add_mount(
        self, scope: Scope, app: AppObject, path: str | None, target: ast.expr | None, where: Where
    ) -> None:
        mount = Mount(app, path, where, target)
        value: ast.AST | None = target
        vscope = scope
        if isinstance(target, ast.Name | ast.Attribute):
            hit = self.resolve_value(scope, target)
            if hit is not None:
                vscope, value = hit
        if isinstance(value, ast.Call):
            cls = self.qualname(vscope, value.func)
            if cls in STATIC_FILES:
                mount.static_class = cls
            else:
                base = self.resolve_value(vscope, value.func)
                if base and isinstance(base[1], ast.ClassDef) and self._is_static_subclass(base):
                    mount.static_class = base[1].name
                    mount.custom_static = True
        if not mount.is_static:
            mount.app = self.app_of(scope, target)
        app.mounts.append(mount)

    def _is_static_subclass(self, hit: tuple[Scope, ast.AST], depth: int = 0) -> bool:
        scope, node = hit
        if not isinstance(node, ast.ClassDef) or depth > _MAX_DEPTH:
            return False
        for base in node.bases:
            if self.qualname(scope, base) in STATIC_FILES:
                return True
            parent = self.resolve_value(scope, base)
            if parent is not None and self._is_static_subclass(parent, depth + 1):
                return True
        return False

    def _add_middleware(
        self, scope: Scope, app: AppObject, cls_expr: ast.expr, call: ast.Call, via: str
    ) -> None:
        cls = self.qualname(scope, cls_expr) or ast.unparse(cls_expr)
        body = self.resolve_value(scope, cls_expr)
        options: dict[str, ast.expr] = {}
        for kw in call.keywords:
            if kw.arg is None:
                continue
            value = kw.value
            if isinstance(value, ast.Name):  # ORIGINS = [...] defined elsewhere
                hit = self.resolve_value(scope, value)
                if hit is not None and isinstance(hit[1], ast.expr):
                    value = hit[1]
            options[kw.arg] = value
        app.middleware.append(
            Middleware(
                app,
                cls,
                Where(scope.module.path, call.lineno),
                via,
                options,
                body[1] if body and isinstance(body[1], ast.ClassDef | _Def) else None,
            )
        )

    def _collect_usage(self, scope: Scope) -> None:
        gradio = any(
            o == "gradio" or o.startswith("gradio.") for o in scope.module.imports.values()
        )
        for node in local_nodes(scope.node):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                fn_scope = scope.children.get(id(node))
                if fn_scope is not None:
                    for deco in node.decorator_list:
                        self._decorator(scope, Function(fn_scope, node), deco, gradio)
            elif isinstance(node, ast.Call):
                self._call(scope, node, gradio)

    def _decorator(self, scope: Scope, fn: Function, deco: ast.expr, gradio: bool) -> None:
        if not isinstance(deco, ast.Call) or not isinstance(deco.func, ast.Attribute):
            return
        attr = deco.func.attr
        if gradio and attr in GRADIO_LISTENERS:
            self.events.append(GradioEvent(attr, fn, _bool(keyword(deco, "queue")), fn.where))
            return
        app = self.app_of(scope, deco.func.value)
        if app is None:
            return
        where = Where(scope.module.path, deco.lineno)
        if attr in _ROUTE_DECORATORS:
            path = const_str(deco.args[0] if deco.args else keyword(deco, "path"))
            if path is None:
                path = const_str(keyword(deco, "rule"))
            if attr in _HTTP_METHODS:
                methods: tuple[str, ...] = (attr.upper(),)
            else:
                methods = _methods(keyword(deco, "methods")) or ("GET",)
            app.routes.append(Route(app, methods, path, where, fn))
        elif attr == "middleware":
            app.middleware.append(Middleware(app, "<function>", where, "decorator", body=fn.node))

    def _call(self, scope: Scope, call: ast.Call, gradio: bool) -> None:
        func = call.func
        cls = self.qualname(scope, func)
        if cls in CORS_MIDDLEWARE:
            wrapped = call.args[0] if call.args else keyword(call, "app")
            wrapped_app = self.app_of(scope, wrapped)
            if wrapped_app is not None:
                self._add_middleware(scope, wrapped_app, func, call, "wrap")
            return
        if not isinstance(func, ast.Attribute):
            return
        attr = func.attr
        if gradio and attr in GRADIO_LISTENERS:
            fn_expr = keyword(call, "fn") or (call.args[0] if call.args else None)
            fn = self.resolve_function(scope, fn_expr) if fn_expr is not None else None
            if fn is not None:  # `json.load(fh)` in a Gradio module is no event
                self.events.append(
                    GradioEvent(
                        attr,
                        fn,
                        _bool(keyword(call, "queue")),
                        Where(scope.module.path, call.lineno),
                    )
                )
        if attr not in {
            "add_middleware",
            "mount",
            "include_router",
            "register_blueprint",
            "add_api_route",
            "add_route",
            "add_url_rule",
        }:
            return
        app = self.app_of(scope, func.value)
        if app is None:
            return
        where = Where(scope.module.path, call.lineno)
        args = call.args
        if attr == "add_middleware":
            cls_expr = args[0] if args else keyword(call, "middleware_class")
            if cls_expr is not None:
                self._add_middleware(scope, app, cls_expr, call, "add_middleware")
        elif attr == "mount":
            path = const_str(args[0] if args else keyword(call, "path"))
            target = args[1] if len(args) > 1 else keyword(call, "app")
            self._add_mount(scope, app, path, target, where)
        elif attr in ("include_router", "register_blueprint"):
            router = self.app_of(scope, args[0] if args else keyword(call, "router"))
            if router is not None:
                prefix = const_str(keyword(call, "prefix") or keyword(call, "url_prefix")) or ""
                app.includes.append(Include(app, router, prefix.rstrip("/"), where))
        else:
            path = const_str(args[0] if args else keyword(call, "path") or keyword(call, "rule"))
            if attr == "add_url_rule":
                endpoint = keyword(call, "view_func") or (args[2] if len(args) > 2 else None)
            else:
                endpoint = args[1] if len(args) > 1 else keyword(call, "endpoint")
                endpoint = endpoint or keyword(call, "route")
            handler = self.resolve_function(scope, endpoint) if endpoint is not None else None
            methods = _methods(keyword(call, "methods")) or ("GET",)
            app.routes.append(Route(app, methods, path, where, handler))


# ---- module-level helpers ----------------------------------------------------------------------


def local_nodes(root: ast.AST) -> Iterator[ast.AST]:
    """Every node of a module or def body, without entering nested defs, classes or lambdas
    (their bodies run only when called); nested defs themselves are yielded, and so are their
    decorators and default values, which run where they are defined."""
    if isinstance(root, ast.Module | ast.ClassDef):
        todo: list[ast.AST] = list(reversed(root.body))
    elif isinstance(root, ast.FunctionDef | ast.AsyncFunctionDef):
        todo = list(reversed(root.body))
    elif isinstance(root, ast.Lambda):
        todo = [root.body]
    else:
        todo = [root]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            todo.extend(reversed([*node.decorator_list, *node.args.defaults]))
        elif isinstance(node, ast.ClassDef):
            todo.extend(reversed([*node.decorator_list, *node.bases]))
        elif isinstance(node, ast.Lambda):
            continue
        else:
            todo.extend(reversed(list(ast.iter_child_nodes(node))))


_FRAMEWORKS = frozenset({"fastapi", "starlette", "flask", "gradio", "sse_starlette"})


def _uses_framework(module: Module) -> bool:
    return any(origin.split(".")[0] in _FRAMEWORKS for origin in module.imports.values())


def _top_imports(module: Module, known: Collection[str]) -> Iterator[str]:
    """The Space modules a module imports at its top level."""
    here = posixpath.dirname(module.path)
    for node in module.tree.body:
        if isinstance(node, ast.Import):
            for a in node.names:
                found = _find_module(known, here, a.name, 0)
                if found:
                    yield found
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            found = _find_module(known, here, base, node.level)
            if found:
                yield found
            for a in node.names:
                sub = f"{base}.{a.name}" if base else a.name
                found = _find_module(known, here, sub, node.level)
                if found:
                    yield found


def _walk_scopes(scope: Scope) -> Iterator[Scope]:
    stack = [scope]
    while stack:
        cur = stack.pop()
        yield cur
        stack.extend(cur.children.values())


def _build_scopes(module: Module) -> Scope:
    root = Scope(module, module.tree, None)
    _fill_scope(root)
    return root


def _fill_scope(scope: Scope) -> None:
    module_scope = scope
    while module_scope.parent is not None:
        module_scope = module_scope.parent
    for node in local_nodes(scope.node):
        if isinstance(node, ast.Global):
            scope.globals.update(node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            scope.bind(node.name, node)
            child = Scope(scope.module, node, scope)
            scope.children[id(node)] = child
            _fill_scope(child)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                _bind_target(scope, target, node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            _bind_target(scope, node.target, node.value)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if item.optional_vars is not None:
                    _bind_target(scope, item.optional_vars, item.context_expr)
    for name in scope.globals:
        for value in scope.names.get(name, []):
            module_scope.bind(name, value)


def _bind_target(scope: Scope, target: ast.expr, value: ast.expr) -> None:
    if isinstance(target, ast.Name):
        scope.bind(target.id, value)
    elif isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List):
        for t, v in zip(target.elts, value.elts, strict=False):
            _bind_target(scope, t, v)


def _is_self_attr(node: ast.AST, attr: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == attr
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def _class_of(scope: Scope) -> Scope | None:
    cur: Scope | None = scope
    while cur is not None:
        cls = cur.enclosing_class()
        if cls is not None:
            return cls
        cur = cur.parent
    return None


def _import_table(module: Module, known: Collection[str]) -> dict[str, tuple[str, str | None]]:
    """Names bound by imports of the Space's own modules: alias -> (file path, attribute or None
    for the module itself). Relative imports and imports relative to the file's folder (a Space
    run from a sub-folder) are resolved; anything not in the Space is left out."""
    return {
        alias: (path, attr)
        for alias, (path, attr) in _raw_imports(module, known).items()
        if path is not None
    }


def _raw_imports(
    module: Module, known: Collection[str]
) -> dict[str, tuple[str | None, str | None]]:
    out: dict[str, tuple[str | None, str | None]] = {}
    here = posixpath.dirname(module.path)
    for node in module.of(ast.Import, ast.ImportFrom):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    out[a.asname] = (_find_module(known, here, a.name, 0), None)
                else:
                    head = a.name.split(".")[0]
                    out.setdefault(head, (_find_module(known, here, head, 0), None))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            for a in node.names:
                if a.name == "*":
                    continue
                sub = f"{base}.{a.name}" if base else a.name
                as_module = _find_module(known, here, sub, node.level)
                if as_module is not None:
                    out[a.asname or a.name] = (as_module, None)
                else:
                    out[a.asname or a.name] = (_find_module(known, here, base, node.level), a.name)
    return out


def _find_module(known: Collection[str], here: str, dotted: str, level: int) -> str | None:
    if not dotted and level == 0:
        return None
    if level > 0:
        base = here
        for _ in range(level - 1):
            base = posixpath.dirname(base)
        bases = [base]
    else:
        bases = []
        cur = here
        while True:
            bases.append(cur)
            if not cur:
                break
            cur = posixpath.dirname(cur)
    return module_file(known, bases, dotted)


def _ends_before(node: ast.AST, pos: tuple[int, int]) -> bool:
    end = getattr(node, "end_lineno", None)
    if end is None:
        return True
    return (end, getattr(node, "end_col_offset", 0) or 0) <= pos


def _methods(node: ast.AST | None) -> tuple[str, ...]:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return tuple(s.upper() for e in node.elts if (s := const_str(e)) is not None)
    return ()


def _bool(node: ast.AST | None) -> bool | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    return None


def build_webapp(pyapp: PyApp) -> WebApp:
    return WebApp(pyapp)


def webapp_of(ctx: SpaceContext) -> WebApp:
    """The web app index of a Space, built once per context (SpaceContext.webapp)."""
    return ctx.webapp
