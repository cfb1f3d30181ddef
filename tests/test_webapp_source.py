"""The web app index: app objects, routes, mounts, middleware, includes, name resolution."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from spacedoctor.sources.pyapp import Module, PyApp, parse_module
from spacedoctor.sources.repo import Tree
from spacedoctor.sources.space import SpaceContext
from spacedoctor.sources.webapp import (
    APIROUTER,
    BLUEPRINT,
    FASTAPI,
    FLASK,
    STARLETTE,
    AppObject,
    WebApp,
    build_webapp,
    local_nodes,
    webapp_of,
)


def web(**files: str) -> WebApp:
    """Index modules given as keyword arguments: `main_py="..."` is main.py, `pkg__a_py` is
    pkg/a.py."""
    app = PyApp()
    for key, source in files.items():
        path = key.replace("__", "/").removesuffix("_py") + ".py"
        parsed = parse_module(path, textwrap.dedent(source).encode())
        assert isinstance(parsed, Module), parsed
        app.modules[path] = parsed
    return build_webapp(app)


def one(w: WebApp, name: str) -> AppObject:
    found = [a for a in w.apps if a.name == name]
    assert len(found) == 1, [a.label for a in w.apps]
    return found[0]


def test_app_kinds_and_constructor_middleware() -> None:
    w = web(
        main_py="""
        import fastapi
        from flask import Blueprint, Flask
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware

        ORIGINS = ["https://user-front.hf.space"]
        MW = [Middleware(CORSMiddleware, allow_origins=ORIGINS)]
        api = fastapi.FastAPI()
        router = fastapi.APIRouter(prefix="/v1/")
        star = Starlette(middleware=MW)
        flask_app = Flask(__name__)
        bp = Blueprint("bp", __name__, url_prefix="/bp")
        """
    )
    kinds = {a.name: a.kind for a in w.apps}
    assert kinds == {
        "api": FASTAPI,
        "router": APIROUTER,
        "star": STARLETTE,
        "flask_app": FLASK,
        "bp": BLUEPRINT,
    }
    assert one(w, "router").prefix == "/v1"
    (mw,) = one(w, "star").middleware
    assert mw.is_cors and mw.via == "middleware="
    assert mw.origins() == ("https://user-front.hf.space",)  # resolved through ORIGINS
    assert str(mw.where) == "main.py:9"


def test_mounts_static_detection_and_wrapping() -> None:
    w = web(
        main_py="""
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        from fastapi.staticfiles import StaticFiles
        from starlette.routing import Mount

        class Public(StaticFiles):
            pass

        files = StaticFiles(directory="d")
        sub = FastAPI(routes=[Mount("/raw", app=StaticFiles(directory="r"))])
        sub.add_middleware(CORSMiddleware, allow_origins=["*"])
        app = FastAPI()
        app.mount("/sub", sub)
        app.mount("/files", files, name="files")
        app.mount("/pub", Public(directory="p"))
        app.mount("/other", object())
        """
    )
    app, sub = one(w, "app"), one(w, "sub")
    by_path = {m.path: m for m in app.mounts}
    assert by_path["/files"].static_class == "fastapi.staticfiles.StaticFiles"
    assert by_path["/pub"].custom_static and by_path["/pub"].static_class == "Public"
    assert not by_path["/other"].is_static and by_path["/other"].app is None
    assert by_path["/sub"].app is sub
    assert sub.mounted_in == [by_path["/sub"]]
    (raw,) = sub.mounts
    assert raw.is_static and raw.path == "/raw"
    assert w.wrappers(sub) == [sub, app]  # app's middleware sees requests routed into sub
    assert w.wrappers(app) == [app]
    assert {a.name for a in w.connected(app)} == {"app", "sub"}
    assert [m.path for m in w.static_mounts()] == ["/raw", "/files", "/pub"]


def test_wrapping_reassignment_is_flow_sensitive() -> None:
    w = web(
        server_py="""
        from starlette.applications import Starlette
        from starlette.middleware.cors import CORSMiddleware
        from starlette.staticfiles import StaticFiles

        app = Starlette()
        app.mount("/files", StaticFiles(directory="x"))
        app = CORSMiddleware(app, allow_origins=["https://a-b.hf.space"])
        """
    )
    (app,) = w.apps
    assert [m.path for m in app.mounts] == ["/files"]
    (mw,) = app.middleware
    assert mw.via == "wrap" and mw.is_cors


def test_routes_includes_and_full_paths_across_modules() -> None:
    w = web(
        main_py="""
        from fastapi import FastAPI
        from routes import router

        app = FastAPI()
        app.include_router(router, prefix="/api")
        api = FastAPI()
        app.mount("/inner/", api)

        @api.api_route("/x", methods=["get", "post"])
        def x():
            return 1
        """,
        routes_py="""
        from fastapi import APIRouter

        router = APIRouter(prefix="/jobs")

        @router.post("/{job_id}/cancel")
        async def cancel(job_id: str):
            return job_id

        def status(job_id: str):
            return job_id

        router.add_api_route("/{job_id}", status, methods=["GET"])
        """,
    )
    router = one(w, "router")
    assert [(i.owner.name, i.prefix) for i in router.included_in] == [("app", "/api")]
    got = {(r.methods, w.full_path(r), r.handler.name if r.handler else None) for r in w.routes()}
    assert got == {
        (("POST",), "/api/jobs/{job_id}/cancel", "cancel"),
        (("GET",), "/api/jobs/{job_id}", "status"),
        (("GET", "POST"), "/inner/x", "x"),
    }
    cancel = next(r for r in w.routes() if r.handler and r.handler.name == "cancel")
    assert cancel.handler is not None and cancel.handler.is_async
    assert str(cancel.where) == "routes.py:6"


def test_starlette_route_list_and_flask() -> None:
    w = web(
        app_py="""
        from starlette.applications import Starlette
        from starlette.routing import Mount, Route

        async def home(request): ...
        async def item(request): ...

        routes = [Route("/", home), Mount("/api", routes=[Route("/item", item, methods=["POST"])])]
        app = Starlette(routes=routes)
        """,
        web_py="""
        from flask import Blueprint, Flask

        bp = Blueprint("b", __name__, url_prefix="/b")
        app = Flask(__name__)

        @bp.route("/run", methods=["POST"])
        def run(): ...

        def legacy(): ...

        app.add_url_rule("/legacy", "legacy", legacy)
        app.register_blueprint(bp, url_prefix="/v2")
        """,
    )
    got = {(r.owner.where.path, r.methods, w.full_path(r)) for r in w.routes()}
    assert got == {
        ("app.py", ("GET",), "/"),
        ("app.py", ("POST",), "/api/item"),
        ("web.py", ("POST",), "/v2/b/run"),
        ("web.py", ("GET",), "/legacy"),
    }


def test_factory_function_and_relative_package_import() -> None:
    w = web(
        pkg__main_py="""
        from fastapi import FastAPI
        from .routers import files

        def create_app():
            app = FastAPI()
            app.include_router(files.router)
            return app

        app = create_app()
        """,
        pkg__routers__files_py="""
        from fastapi import APIRouter
        from fastapi.staticfiles import StaticFiles

        router = APIRouter()
        router.mount("/nifti", StaticFiles(directory="n"))
        """,
    )
    router = one(w, "router")
    assert router.where.path == "pkg/routers/files.py"
    assert [i.owner.name for i in router.included_in] == ["app"]
    assert router.included_in[0].owner.where.path == "pkg/main.py"
    assert [m.path for m in router.mounts] == ["/nifti"]


def test_resolve_function_and_candidates() -> None:
    w = web(
        main_py="""
        import functools
        from fastapi import FastAPI
        from helpers import run_job
        import helpers

        pipe = None

        def load():
            global pipe
            pipe = make_pipe()

        class Service:
            def __init__(self):
                self.model = make_model()

            def predict(self):
                return self.infer()

            def infer(self):
                return self.model

        service = Service()
        app = FastAPI()

        @app.post("/a")
        def a():
            run_job()
            helpers.other()
            service.predict()
            functools.partial(run_job, 1)
            return pipe
        """,
        helpers_py="""
        def run_job(): ...
        def other(): ...
        """,
    )
    (route,) = w.routes()
    handler = route.handler
    assert handler is not None
    calls = [n for n in local_nodes(handler.node) if isinstance(n, ast.Call)]
    resolved = [w.resolve_function(handler.scope, c.func) for c in calls]
    names = [(f.name, f.module.path) if f else None for f in resolved]
    assert names[:3] == [("run_job", "helpers.py"), ("other", "helpers.py"), ("predict", "main.py")]
    partial = next(
        c for c in calls if isinstance(c.func, ast.Attribute) and c.func.attr == "partial"
    )
    target = w.resolve_function(handler.scope, partial)
    assert target is not None and target.name == "run_job"
    # `self.infer()` inside a method resolves to the sibling method.
    predict = resolved[2]
    assert predict is not None
    (inner,) = [n for n in local_nodes(predict.node) if isinstance(n, ast.Call)]
    infer = w.resolve_function(predict.scope, inner.func)
    assert infer is not None and infer.name == "infer"
    # Every binding of a global is visible, the one made in load() included.
    ret = next(n for n in local_nodes(handler.node) if isinstance(n, ast.Return))
    assert ret.value is not None
    values = [ast.unparse(v) for _, v in w.candidates(handler.scope, ret.value)]
    assert values == ["None", "make_pipe()"]
    (model_ref,) = [n for n in local_nodes(infer.node) if isinstance(n, ast.Attribute)]
    assert [ast.unparse(v) for _, v in w.candidates(infer.scope, model_ref)] == ["make_model()"]


def test_gradio_events() -> None:
    w = web(
        app_py="""
        import gradio as gr

        def slow(x): ...
        def fast(): ...

        with gr.Blocks() as demo:
            b = gr.Button()
            b.click(slow, inputs=None, outputs=None, queue=False)
            b.click(fn=fast)

            @b.click(inputs=None, outputs=None, queue=False)
            def decorated(): ...
        """
    )
    got = [(e.listener, e.fn.name if e.fn else None, e.queue, e.where.line) for e in w.events]
    assert sorted(got, key=lambda t: t[3]) == [
        ("click", "slow", False, 9),
        ("click", "fast", None, 10),
        ("click", "decorated", False, 13),
    ]
    assert one(w, "demo").kind == "gradio"


def test_modules_without_a_framework_are_not_scanned_for_apps() -> None:
    w = web(
        tool_py="""
        class FastAPI:
            def mount(self, *a): ...

        app = FastAPI()
        app.mount("/x", None)
        """
    )
    assert w.apps == []


def test_local_nodes_skips_nested_bodies_but_not_decorators() -> None:
    tree = ast.parse(
        textwrap.dedent(
            """
            def outer():
                @deco(1)
                def inner():
                    hidden()
                f = lambda: hidden_too()
                visible()
            """
        )
    )
    fn = tree.body[0]
    calls = {ast.unparse(n.func) for n in local_nodes(fn) if isinstance(n, ast.Call)}
    assert calls == {"deco", "visible"}


def test_webapp_of_builds_once_per_context(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    tree = Tree.walk(tmp_path)
    ctx, other = SpaceContext(tree), SpaceContext(tree)
    first = webapp_of(ctx)
    assert webapp_of(ctx) is first
    assert webapp_of(other) is not first
    assert [a.name for a in first.apps] == ["app"]
