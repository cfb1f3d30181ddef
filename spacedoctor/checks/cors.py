"""CORS on static files served by Starlette/FastAPI (SD302)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.space import SpaceContext
from spacedoctor.sources.webapp import APIROUTER, AppObject, Middleware, Mount, WebApp, webapp_of

#: Middleware that never sets CORS headers (anything else of unknown effect counts as covering).
_NOT_CORS_PREFIXES = ("starlette.middleware.", "fastapi.middleware.", "uvicorn.middleware.")
_ACAO = "access-control-allow-origin"


@check("SD302")
def static_files_cors(ctx: SpaceContext) -> Iterator[Finding]:
    web = webapp_of(ctx)
    mounts = web.static_mounts()
    if not mounts:
        raise SkipCheck("no StaticFiles mount")
    for mount in mounts:
        if mount.owner.kind == APIROUTER:
            yield _router_mount(web, mount)
        elif not mount.custom_static:
            finding = _uncovered(web, mount)
            if finding is not None:
                yield finding


def _router_mount(web: WebApp, mount: Mount) -> Finding:
    router = mount.owner
    path = mount.path or "?"
    served = router.prefix + path
    where_included = ""
    host = "app"
    if router.included_in:
        inc = router.included_in[0]
        host = inc.owner.name
        served = inc.prefix + served
        where_included = f" ({host}.include_router at {inc.where})"
    return Finding(
        f"StaticFiles mounted at {path!r} on the APIRouter {router.label} is never served: "
        "mounts on an APIRouter are not carried over by include_router"
        f"{where_included}, so {served.rstrip('/')}/... answers 404 (CORS headers or not)",
        Location(mount.where.path, mount.where.line),
        fix=(
            f"Mount the files on the application itself: `{host}.mount({served!r}, "
            f"{(mount.static_class or 'StaticFiles').rsplit('.', 1)[-1]}(directory=...), "
            "name=...)`, and add "
            f"CORSMiddleware to `{host}` if another origin fetches them."
        ),
    )


def _uncovered(web: WebApp, mount: Mount) -> Finding | None:
    wrappers = web.wrappers(mount.owner)
    if any(_covers(mw) for app in wrappers for mw in app.middleware):
        return None
    near = {id(a) for a in web.connected(mount.owner)}
    elsewhere = [
        mw
        for mw in web.middleware()
        if mw.is_cors
        and mw.owner not in wrappers
        and (id(mw.owner) in near or mw.owner.where.path == mount.owner.where.path)
    ]
    if not elsewhere:
        return None  # no sign the files are fetched from another origin
    root = wrappers[-1]
    served = _served_path(web, mount)
    places = "; ".join(_describe(web, mw, root) for mw in elsewhere[:3])
    origins = _origins(elsewhere)
    return Finding(
        f"StaticFiles mounted at {mount.path!r} on {mount.owner.label} is not wrapped by any "
        f"CORSMiddleware, but CORS is configured {places}: a page on another origin fetching "
        f"{served}/... gets no Access-Control-Allow-Origin header and the browser blocks it",
        Location(mount.where.path, mount.where.line),
        fix=(
            f"Add the middleware to the root app that serves the mount: "
            f"`{root.name}.add_middleware(CORSMiddleware, allow_origins={origins}, "
            'allow_methods=["GET"])`. Middleware on the root app wraps its whole router, '
            "mounted apps and StaticFiles included, whatever the order of the calls."
        ),
    )


def _covers(mw: Middleware) -> bool:
    if mw.is_cors:
        return True
    if mw.body is not None:
        return any(
            isinstance(n, ast.Constant) and isinstance(n.value, str) and _ACAO in n.value.lower()
            for n in ast.walk(mw.body)
        )
    # Built-in non-CORS middleware cannot add the header; an unknown class might.
    return not mw.cls.startswith(_NOT_CORS_PREFIXES)


def _describe(web: WebApp, mw: Middleware, root: AppObject) -> str:
    owner = mw.owner
    how = {"wrap": "by wrapping", "middleware=": "via middleware=", "decorator": "via"}.get(
        mw.via, "via add_middleware"
    )
    text = f"on `{owner.name}` ({how} at {mw.where})"
    if owner.mounted_in:
        m = owner.mounted_in[0]
        text += (
            f", a sub-application mounted at {m.path!r}: its middleware wraps only requests "
            f"under {m.path}"
        )
    elif owner is not root:
        text += ", another app object that does not serve this mount"
    origins = mw.origins() or ()
    spaces = [o for o in origins if o.endswith(".hf.space")]
    if spaces:
        text += f" (allow_origins names {', '.join(spaces)})"
    return text


def _origins(cors: list[Middleware]) -> str:
    for mw in cors:
        origins = mw.origins()
        if origins:
            return "[" + ", ".join(f'"{o}"' for o in origins) + "]"
    return '["https://<frontend>.hf.space"]'


def _served_path(web: WebApp, mount: Mount) -> str:
    path = (mount.path or "").rstrip("/")
    owner = mount.owner
    seen: list[AppObject] = []
    while owner.mounted_in and owner not in seen:
        seen.append(owner)
        parent = owner.mounted_in[0]
        path = (parent.path or "").rstrip("/") + path
        owner = parent.owner
    return path
