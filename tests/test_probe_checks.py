"""Each SD6xx check against a real uvicorn server serving a small app written for its problem,
asserting the exact (id, url) findings; the healthy app must produce none."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from spacedoctor.model import Severity
from spacedoctor.sources.live import Failure, Role
from tests.live_apps import apps
from tests.live_apps.harness import check, context, finding, found, probe
from tests.live_apps.servers import AppServer

FRONTEND = apps.FRONTEND


@pytest.fixture
def serve(tmp_path: Path) -> Callable[..., Any]:
    @contextmanager
    def run(
        factory: Callable[..., Any], *args: Any, uvicorn: Any = None, **kw: Any
    ) -> Iterator[str]:
        app = factory(tmp_path / factory.__name__, *args, **kw)
        with AppServer(app, **(uvicorn or {})) as server:
            yield server.url

    return run


def test_healthy_app_gives_no_findings(serve: Callable[..., Any]) -> None:
    with serve(apps.healthy) as url:
        result = probe(
            url,
            origins=(FRONTEND,),
            paths=("/static/data.bin",),
            endpoint="POST /api/predict",
            data=b'{"x": 1}',
            card={"sdk_version": "4.44.0"},
        )
    assert found(result) == set()
    assert result.errors == ()
    # Every check ran: none was skipped for lack of input.
    assert result.skipped == ()


def test_healthy_app_discovery(serve: Callable[..., Any]) -> None:
    """The probe looks where a browser and the Space page would: the root, the assets it links
    (same origin only), OpenAPI GET routes without parameters, Gradio's /config."""
    with serve(apps.healthy) as url:
        ctx = context(url, origins=(FRONTEND,))
    by_role = {(e.role, e.url.removeprefix(url)) for e in ctx.exchanges}
    assert by_role == {
        (Role.ROOT, "/"),
        (Role.OPENAPI, "/openapi.json"),
        (Role.CONFIG, "/config"),
        (Role.ASSET, "/static/style.css"),
        (Role.ASSET, "/static/icon.png"),
        (Role.ASSET, "/static/app.js"),
        (Role.ROUTE, "/api/health"),
        (Role.ROUTE, "/api/missing"),
        (Role.ROUTE, "/docs"),
        (Role.PREFLIGHT, "/api/predict"),
    }
    docs = next(e for e in ctx.exchanges if e.url == url + "/docs")
    # The slash redirect is followed on purpose and every hop is kept; it came back as https
    # (the app trusts X-Forwarded-Proto from 127.0.0.1) and is fetched on the real scheme.
    assert [h.status for h in docs.hops] == [307, 200]
    assert docs.hops[0].header("location") == url.replace("http://", "https://") + "/docs/"
    assert docs.final_url == url + "/docs/"
    assert all(e.failure is None for e in ctx.exchanges)


def test_staticfiles_outside_cors(serve: Callable[..., Any]) -> None:
    with serve(apps.cors_on_subapp_only) as url:
        result = probe(
            url,
            origins=(FRONTEND,),
            paths=("/files/x.nii.gz", "/api/ok"),
            endpoint="POST /api/predict",
            data=b"{}",
        )
    assert found(result) == {("SD603", url + "/files/x.nii.gz")}
    item = finding(result, "SD603")
    assert "Origin: https://frontend.example" in item.finding.evidence
    assert "access-control-allow-origin: (absent)" in item.finding.evidence
    assert "HTTP/1.1 200 OK" in item.finding.evidence


def test_cors_wrong_origin_only(serve: Callable[..., Any]) -> None:
    """Two frontends: the app allows one; only the other is reported."""
    with serve(apps.healthy) as url:
        result = probe(
            url, origins=(FRONTEND, "https://other.example"), paths=("/static/style.css",)
        )
    assert found(result) == {
        ("SD603", url + "/docs"),
        ("SD603", url + "/static/style.css"),
        ("SD603", url + "/static/icon.png"),
        ("SD603", url + "/static/app.js"),
        ("SD603", url + "/api/health"),
        ("SD604", url + "/api/predict"),
    }
    for r in result.findings:
        assert "https://other.example" in r.finding.message


def test_preflight_rejected(serve: Callable[..., Any]) -> None:
    with serve(apps.no_cors) as url:
        result = probe(url, origins=(FRONTEND,), endpoint="POST /predict", data=b'{"a": 1}')
    assert found(result) == {("SD604", url + "/predict")}
    assert "answered HTTP 405" in finding(result, "SD604").finding.message


def test_preflight_method_not_allowed(serve: Callable[..., Any]) -> None:
    with serve(apps.cors_without_put) as url:
        put = probe(url, origins=(FRONTEND,), endpoint="PUT /items", data=b"{}")
        post = probe(url, origins=(FRONTEND,), endpoint="POST /items", data=b"{}")
    assert found(put) == {("SD604", url + "/items")}
    assert "PUT /items" in finding(put, "SD604").finding.message
    # POST is a CORS-safelisted method: it needs no listing, and this preflight passes.
    assert found(post) == set()


def test_x_frame_options_deny(serve: Callable[..., Any]) -> None:
    with serve(apps.frame_denied) as url:
        result = probe(url)
        embedding_off = probe(url, card={"disable_embedding": True})
    assert found(result) == {("SD605", url + "/")}
    item = finding(result, "SD605")
    assert "x-frame-options: DENY" in item.finding.evidence
    assert found(embedding_off) == set()
    assert any(s.id == "SD605" and "disable_embedding" in s.reason for s in embedding_off.skipped)


def test_frame_ancestors_self(serve: Callable[..., Any]) -> None:
    with serve(apps.frame_ancestors_self) as url:
        result = probe(url)
    assert found(result) == {("SD605", url + "/")}
    assert "frame-ancestors 'self'" in finding(result, "SD605").finding.message


def test_lfs_pointer_served(serve: Callable[..., Any]) -> None:
    with serve(apps.lfs_pointer) as url:
        result = probe(url, paths=("/static/model.onnx",))
    assert found(result) == {
        ("SD608", url + "/static/banner.png"),
        ("SD608", url + "/static/model.onnx"),
    }
    for r in result.findings:
        assert "52,428,800-byte file" in r.finding.message
        assert "version https://git-lfs.github.com/spec/v1" in r.finding.evidence


def test_shared_array_buffer_without_isolation(serve: Callable[..., Any]) -> None:
    with serve(apps.shared_array_buffer) as url:
        result = probe(url)
    with serve(apps.shared_array_buffer, isolated=True) as url2:
        isolated = probe(url2)
    assert found(result) == {("SD606", url + "/")}
    item = finding(result, "SD606")
    assert item.severity is Severity.HIGH
    assert url + "/static/worker.js" in item.finding.message
    assert "cross-origin-opener-policy: (absent)" in item.finding.evidence
    assert found(isolated) == set()


def test_http_self_links_behind_untrusting_proxy(serve: Callable[..., Any]) -> None:
    """uvicorn not trusting the forwarder (as on Spaces) builds http:// URLs: in the page, the
    OpenAPI servers and a redirect's Location. Trusting it, the same app is clean."""
    with serve(apps.self_links, uvicorn={"proxy_headers": False}) as url:
        result = probe(url)
    with serve(apps.self_links) as url2:
        trusted = probe(url2)
    assert found(result) == {
        ("SD602", url + "/"),
        ("SD602", url + "/openapi.json"),
        ("SD602", url + "/page"),
    }
    by_url = {r.finding.location.url: r for r in result.findings}
    assert f"location: {url}/page/" in by_url[url + "/page"].finding.evidence
    assert "servers[0].url" in by_url[url + "/openapi.json"].finding.message
    assert found(trusted) == set()


def test_slow_endpoint_and_504(serve: Callable[..., Any]) -> None:
    with serve(apps.slow, predict_delay=1.0) as url:
        over = probe(url, endpoint="POST /predict", data=b"{}", timeout_budget=0.8)
        close = probe(url, endpoint="POST /predict", data=b"{}", timeout_budget=1.2)
        fine = probe(url, endpoint="POST /predict", data=b"{}", timeout_budget=3.0)
    assert found(over) == {("SD607", url + "/predict"), ("SD607", url + "/report")}
    slow = next(r for r in over.findings if r.finding.location.url == url + "/predict")
    assert slow.severity is Severity.HIGH
    assert "more than the 0.8 s" in slow.finding.message
    near = next(r for r in close.findings if r.finding.location.url == url + "/predict")
    assert near.severity is Severity.MEDIUM
    assert found(fine) == {("SD607", url + "/report")}


def test_endpoint_never_answers_within_budget(serve: Callable[..., Any]) -> None:
    with serve(apps.slow, predict_delay=30) as url:
        result = probe(url, endpoint="POST /predict", timeout_budget=0.5)
    ex_url = url + "/predict"
    assert ("SD607", ex_url) in found(result)
    assert (
        "gave no answer"
        in next(r for r in result.findings if r.finding.location.url == ex_url).finding.message
    )


def test_cold_start(serve: Callable[..., Any]) -> None:
    with serve(apps.slow, root_delay=0.6) as url:
        result = probe(url, cold_start_after=0.5)
        patient = probe(url, cold_start_after=5)
    # (/report is this app's deliberate 504, listed in its OpenAPI document.)
    assert found(result) == {("SD609", url + "/"), ("SD607", url + "/report")}
    assert found(patient) == {("SD607", url + "/report")}


def test_cookie_unfit_for_iframe(serve: Callable[..., Any]) -> None:
    with serve(apps.cookie_lax) as url:
        result = probe(url)
    assert found(result) == {("SD610", url + "/")}
    assert "`_streamlit_xsrf`" in finding(result, "SD610").finding.message


def test_gradio_version_against_card(serve: Callable[..., Any]) -> None:
    with serve(apps.gradio_like, version="4.44.0") as url:
        differs = probe(url, card={"sdk_version": "5.0.1"})
        same = probe(url, card={"sdk_version": "4.44"})
        unknown = probe(url)
    assert found(differs) == {("SD612", url + "/config")}
    assert "gradio 4.44.0" in finding(differs, "SD612").finding.message
    assert found(same) == set()
    assert found(unknown) == set()
    assert any(s.id == "SD612" for s in unknown.skipped)


def test_root_5xx(serve: Callable[..., Any]) -> None:
    with serve(apps.unavailable) as url:
        result = probe(url)
    assert found(result) == {("SD601", url + "/")}
    assert "answered HTTP 503" in finding(result, "SD601").finding.message


def test_requests_run_concurrently(tmp_path: Path) -> None:
    """Forty named paths that each take a while are all in flight at once, so the probe lasts
    about as long as one of them."""
    state = {"now": 0, "peak": 0}

    async def slow_file(request: Request) -> Response:
        state["now"] += 1
        state["peak"] = max(state["peak"], state["now"])
        await asyncio.sleep(1.5)  # long enough for all 40 to overlap on a busy machine
        state["now"] -= 1
        return Response(b"data", media_type="application/octet-stream")

    app = Starlette(routes=[Route("/", slow_file), Route("/files/{n}", slow_file)])
    paths = tuple(f"/files/{n}" for n in range(40))
    with AppServer(app) as server:
        ctx = context(server.url, paths=paths)
    assert sum(e.role is Role.PATH and e.ok for e in ctx.exchanges) == 40
    assert state["peak"] >= 40


def test_total_budget_ends_the_probe(serve: Callable[..., Any]) -> None:
    with serve(apps.slow, predict_delay=30) as url:
        ctx = context(url, endpoint="POST /predict", timeout_budget=20, total_budget=1.0)
    endpoint = next(e for e in ctx.exchanges if e.role is Role.ENDPOINT)
    assert endpoint.failure is Failure.BUDGET
    assert ctx.root is not None and ctx.root.ok


def test_severity_override_from_settings(serve: Callable[..., Any]) -> None:
    with serve(apps.frame_denied) as url:
        ctx = context(url)
    result = check(ctx, severity={"SD605": Severity.LOW})
    assert [r.severity for r in result.findings] == [Severity.LOW]
    assert check(ctx, ignore=("SD605",)).findings == ()
