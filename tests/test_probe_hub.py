"""Targets resolved through the Hub (a loopback stand-in reached with HF_ENDPOINT), the card
fields the live checks use, and where the token goes (and never goes)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from spacedoctor.probe import ProbeError, ProbeOptions, resolve
from spacedoctor.report import FORMATS, render
from spacedoctor.sources.live import Failure
from tests.hubserver import HubServer
from tests.live_apps import apps
from tests.live_apps.harness import context, finding, found, probe
from tests.live_apps.servers import AppServer

TOKEN = "hf_spacedoctorTESTtokenZQ9xK7vW3mN5pL1"


def _space(host: str, **extra: Any) -> dict[str, Any]:
    info: dict[str, Any] = {
        "host": host,
        "subdomain": "owner-demo",
        "private": False,
        "sdk": "docker",
        "cardData": {"sdk": "docker"},
        "runtime": {"stage": "RUNNING", "hardware": {"current": "cpu-basic"}},
    }
    info.update(extra)
    return info


@pytest.fixture
def no_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))  # no saved login either
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "hf-home" / "token"))


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    with HubServer({}) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server


def test_space_id_resolves_through_the_hub(hub: HubServer, tmp_path: Path, no_token: None) -> None:
    with AppServer(apps.gradio_like(tmp_path, version="4.44.0")) as app:
        hub.spaces["owner/demo"] = _space(
            app.url, sdk="gradio", cardData={"sdk": "gradio", "sdk_version": "5.0.1"}
        )
        by_id = probe("owner/demo")
        by_page = probe("https://huggingface.co/spaces/owner/demo/tree/main")
    for result in (by_id, by_page):
        assert result.target == app.url + "/"
        # The card came from the Hub: the served Gradio is compared with its sdk_version.
        assert found(result) == {("SD612", app.url + "/config")}
    # (huggingface_hub may also fetch its own /api/agent-harnesses registry; not ours to check)
    calls = [(p, h) for p, h in hub.requests if p.startswith("/api/spaces/")]
    assert [p for p, _ in calls] == ["/api/spaces/owner/demo"] * 2
    assert all("authorization" not in {k.lower() for k in h} for _, h in calls)


def test_unknown_space_is_a_probe_error(hub: HubServer, no_token: None) -> None:
    with pytest.raises(
        ProbeError,
        match=r"Space owner/missing was not found on http://127\.0\.0\.1:\d+ \(a private "
        r"Space needs HF_TOKEN",
    ):
        probe("owner/missing")


def test_hub_unreachable_is_a_probe_error(monkeypatch: pytest.MonkeyPatch, no_token: None) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(ProbeError, match="cannot reach the Hub"):
        probe("owner/demo", request_timeout=1.0)


def test_stage_explains_an_unreachable_space(
    hub: HubServer, tmp_path: Path, no_token: None
) -> None:
    with AppServer(apps.unavailable(tmp_path)) as app:
        hub.spaces["owner/demo"] = _space(app.url, runtime={"stage": "PAUSED"})
        result = probe("owner/demo")
    item = finding(result, "SD601")
    assert item.finding.location.url == app.url + "/"
    assert item.finding.message.endswith(
        "; the Hub reports owner/demo as PAUSED: it is paused by its owner "
        "(restart it from Settings or `hf spaces restart`)"
    )
    assert "hf spaces logs owner/demo" in item.fix


def test_disable_embedding_from_the_hub_card(
    hub: HubServer, tmp_path: Path, no_token: None
) -> None:
    with AppServer(apps.frame_denied(tmp_path)) as app:
        hub.spaces["owner/demo"] = _space(
            app.url, cardData={"sdk": "docker", "disable_embedding": True}
        )
        hidden = probe("owner/demo")
        # The repo's own README (audit --url) does not override what the Hub applies.
        local = probe("owner/demo", card={"disable_embedding": False})
        direct = probe(app.url)
    assert found(hidden) == set()
    assert found(local) == set()
    assert found(direct) == {("SD605", app.url + "/")}


def test_token_goes_only_to_the_space_host(
    hub: HubServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    caplog.set_level(logging.DEBUG)
    app_seen: list[tuple[str, dict[str, str]]] = []
    other_seen: list[tuple[str, dict[str, str]]] = []

    async def anything(request: Request) -> PlainTextResponse:
        return PlainTextResponse("elsewhere")

    other = Starlette(routes=[Route("/{path:path}", anything)])
    with AppServer(apps.Recorder(other, other_seen)) as elsewhere:
        app = apps.Recorder(apps.private_space(tmp_path, elsewhere.url), app_seen)
        with AppServer(app) as space:
            hub.spaces["owner/private"] = _space(space.url, private=True)
            opts = {"origins": (apps.FRONTEND,), "paths": ("/static/app.js",)}
            ctx = context("owner/private", **opts)
            result = probe("owner/private", **opts)

    # The Hub call and every request to the Space's own host carry it...
    calls = [h for p, h in hub.requests if p.startswith("/api/spaces/")]
    assert calls and all(h.get("authorization") == f"Bearer {TOKEN}" for h in calls)
    assert {p for p, _ in app_seen} >= {"/", "/openapi.json", "/config", "/static/app.js", "/away"}
    assert all(h.get("authorization") == f"Bearer {TOKEN}" for _, h in app_seen)
    # ...the other host is linked and redirected to, yet never contacted, so never sees it.
    away = next(e for e in ctx.exchanges if e.url == space.url + "/away")
    assert away.failure is Failure.OFFSITE and away.offsite == elsewhere.url + "/landing"
    assert other_seen == []
    # It is in no output of any format, nor in the logs, nor in what the checks could read.
    for fmt in FORMATS:
        out = io.StringIO()
        render(fmt, result, out, color=False)
        assert out.getvalue()
        assert TOKEN not in out.getvalue(), fmt
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(ctx)
    assert TOKEN not in repr(result)


def test_token_not_sent_to_a_plain_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    seen: list[tuple[str, dict[str, str]]] = []
    with AppServer(apps.Recorder(apps.healthy(tmp_path), seen)) as app:
        probe(app.url)
    assert seen
    assert all("authorization" not in h for _, h in seen)


def test_token_meant_for_a_direct_hf_space_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    resolved = resolve(ProbeOptions("https://owner-demo.hf.space"))
    assert resolved.root == "https://owner-demo.hf.space/"
    assert resolved.auth_origin == "https://owner-demo.hf.space"
    assert resolve(ProbeOptions("https://example.org/app")).token is None
    assert resolve(ProbeOptions("http://owner-demo.hf.space")).token is None
