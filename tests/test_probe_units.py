"""The probe's pure parts: target and option parsing, header semantics, and checks over
contexts that loopback servers cannot produce (an *.hf.space host)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from spacedoctor.model import Severity
from spacedoctor.probe import ProbeError, ProbeOptions, build_context, parse_endpoint, parse_origin
from spacedoctor.sources.hub import HubError, SpaceMeta, TargetSpec, parse_target
from spacedoctor.sources.live import (
    Exchange,
    Hop,
    LiveContext,
    Plan,
    Role,
    proxy_emulation_wanted,
    same_host,
)
from spacedoctor.sources.web import (
    frame_policy,
    http_self_link,
    listed,
    origin_allowed,
    page_links,
    parse_set_cookie,
)
from tests.live_apps.harness import check, found

HF = "https://huggingface.co"
APP = "https://owner-demo.hf.space"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("owner/demo", TargetSpec(repo_id="owner/demo")),
        ("https://huggingface.co/spaces/owner/demo", TargetSpec(repo_id="owner/demo")),
        (
            "https://huggingface.co/spaces/owner/demo/blob/main/app.py",
            TargetSpec(repo_id="owner/demo"),
        ),
        ("https://owner-demo.hf.space", TargetSpec(url="https://owner-demo.hf.space")),
        ("http://localhost:7860/", TargetSpec(url="http://localhost:7860/")),
    ],
)
def test_parse_target(target: str, expected: TargetSpec) -> None:
    assert parse_target(target) == expected


@pytest.mark.parametrize(
    "target",
    [
        "",
        "demo",
        "owner/demo/extra",
        "ftp://x.org",
        "https://huggingface.co/owner/model",
        "http://h:x/",
    ],
)
def test_parse_target_rejects(target: str) -> None:
    with pytest.raises(HubError):
        parse_target(target)


def test_parse_origin_and_endpoint() -> None:
    assert parse_origin("https://Frontend.Example/") == "https://frontend.example"
    assert parse_origin("http://localhost:5173") == "http://localhost:5173"
    for bad in ("frontend.example", "https://x.org/app", "https://x.org:port"):
        with pytest.raises(ProbeError):
            parse_origin(bad)
    assert parse_endpoint("post /predict", has_data=True) == ("POST", "/predict")
    assert parse_endpoint("/predict", has_data=True) == ("POST", "/predict")
    assert parse_endpoint("/health", has_data=False) == ("GET", "/health")
    for bad in ("POST predict", "POST /a /b", "P0ST /a"):
        with pytest.raises(ProbeError):
            parse_endpoint(bad, has_data=False)


@pytest.mark.parametrize(
    "opts",
    [
        {"paths": ("files/x",)},
        {"data": b"{}"},
        {"request_timeout": 0},
        {"total_budget": -1},
        {"max_body": 10},
        {"origins": ("nope",)},
    ],
)
def test_bad_options_are_probe_errors(opts: dict[str, object]) -> None:
    with pytest.raises(ProbeError):
        build_context(ProbeOptions("http://127.0.0.1:9", **opts))  # type: ignore[arg-type]


# -- framing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("xfo", "csp", "blocked"),
    [
        ([], [], False),
        (["DENY"], [], True),
        (["sameorigin"], [], True),
        (["ALLOW-FROM https://huggingface.co"], [], False),  # unsupported: browsers ignore it
        (["DENY"], ["frame-ancestors 'self' https://huggingface.co"], False),  # CSP wins
        ([], ["default-src 'self'; frame-ancestors 'none'"], True),
        ([], ["frame-ancestors 'self'"], True),
        ([], ["frame-ancestors *"], False),
        ([], ["frame-ancestors https:"], False),
        ([], ["frame-ancestors huggingface.co"], False),
        ([], ["frame-ancestors https://*.huggingface.co"], True),  # the apex is not a subdomain
        ([], ["frame-ancestors https://huggingface.co:8443"], True),
        ([], ["frame-ancestors https://huggingface.co", "frame-ancestors 'self'"], True),
        ([], ["default-src 'self'"], False),  # no frame-ancestors: default-src does not apply
        ([], ["frame-ancestors http://huggingface.co"], False),  # CSP3 upgrades http to https
    ],
)
def test_frame_policy(xfo: list[str], csp: list[str], blocked: bool) -> None:
    assert frame_policy(xfo, csp, HF, APP).blocked is blocked


def test_cors_helpers() -> None:
    assert origin_allowed("*", "https://a.example")
    assert origin_allowed("https://a.example", "https://A.example/")
    assert not origin_allowed("https://a.example", "https://b.example")
    assert not origin_allowed(None, "https://a.example")
    assert listed("GET, PUT", "put") and listed("*", "content-type")
    assert not listed("GET, POST", "PUT") and not listed(None, "GET")


def test_set_cookie_parsing() -> None:
    c = parse_set_cookie("sid=1; Path=/; SameSite=None; Secure; HttpOnly")
    assert c is not None and (c.name, c.samesite, c.secure, c.expired) == (
        "sid",
        "none",
        True,
        False,
    )
    gone = parse_set_cookie("old=; Max-Age=0")
    assert gone is not None and gone.expired
    assert parse_set_cookie("garbage") is None


def test_page_links() -> None:
    html = """<base href="/app/"><script src="main.js"></script><link rel="preload stylesheet"
    href="s.css"><link rel="canonical" href="/x"><img src="data:image/png;base64,AA">
    <video src="v.mp4#t=1" poster="/p.png"></video><a href="/page">not fetched</a>"""
    assert [(link.tag, link.url) for link in page_links(html, "https://h.example/")] == [
        ("script", "https://h.example/app/main.js"),
        ("link", "https://h.example/app/s.css"),
        ("video", "https://h.example/app/v.mp4"),
        ("video", "https://h.example/p.png"),
    ]


def test_http_self_link() -> None:
    host = "owner-demo.hf.space"
    assert http_self_link('<a href="http://owner-demo.hf.space/x">', host)
    assert http_self_link('{"root": "http:\\/\\/owner-demo.hf.space"}', host)
    assert not http_self_link('<a href="https://owner-demo.hf.space/x">', host)
    assert not http_self_link('"http://owner-demo.hf.space.evil.example/"', host)
    assert not http_self_link('"http://other.hf.space/"', host)


def test_proxy_emulation_and_hosts() -> None:
    assert proxy_emulation_wanted("http://localhost:7860/")
    assert proxy_emulation_wanted("http://127.0.0.1:7860/")
    assert proxy_emulation_wanted("http://192.168.1.20:7860/")
    assert not proxy_emulation_wanted("https://localhost:7860/")
    assert not proxy_emulation_wanted("http://example.org/")
    assert same_host("http://a.example/x", "https://a.example/y")
    assert not same_host("http://a.example:8000/", "http://a.example:9000/")
    assert not same_host("https://a.example/", "https://b.example/")
    plan = Plan(root="http://127.0.0.1:7860/", proxy_emulated=True)
    assert plan.same_origin("https://127.0.0.1:7860/docs/") == "http://127.0.0.1:7860/docs/"
    assert plan.same_origin("https://127.0.0.1:9999/docs/") is None
    assert plan.resolve("/files/x") == "http://127.0.0.1:7860/files/x"
    assert Plan(root="http://h.example/app/").beside_root("config") == "http://h.example/app/config"


# -- checks over constructed contexts (an *.hf.space host) ---------------------------------------


def _root(
    *headers: tuple[str, str], status: int = 200, body: bytes = b"<!doctype html>"
) -> Exchange:
    hop = Hop(APP + "/", status, "OK", "HTTP/1.1", (("content-type", "text/html"), *headers), 0.1)
    return Exchange(Role.ROOT, "GET", APP + "/", hops=(hop,), body=body, elapsed=0.1)


def test_custom_headers_compared_on_hf_space() -> None:
    card = {
        "custom_headers": {
            "cross-origin-embedder-policy": "require-corp",
            "cross-origin-opener-policy": "same-origin",
        }
    }
    stale = LiveContext(APP + "/", (_root(),), card=card)
    applied = LiveContext(
        APP + "/",
        (
            _root(
                ("cross-origin-embedder-policy", "require-corp"),
                ("cross-origin-opener-policy", "same-origin; report-to=x"),
            ),
        ),
        card=card,
    )
    result = check(stale)
    assert sorted(r.finding.message.split("`")[1] for r in result.findings) == [
        "cross-origin-embedder-policy: require-corp",
        "cross-origin-opener-policy: same-origin",
    ]
    assert {r.severity for r in result.findings} == {Severity.MEDIUM}
    assert found(check(applied)) == set()
    # A local container never gets the platform's custom_headers: not compared there.
    local = LiveContext("http://127.0.0.1:7860/", (_root(),), card=card, proxy_emulated=True)
    assert found(check(local)) == set()


def test_placeholder_page_on_hf_space() -> None:
    page = _root(status=503, body=b"<!doctype html><title>Space</title>")
    result = check(LiveContext(APP + "/", (page,)))
    assert found(result) == {("SD601", APP + "/")}
    assert result.findings[0].finding.message.startswith(
        f"{APP}/ answered HTTP 503 with an HTML page instead of the app: the Space is not serving"
    )


@pytest.mark.parametrize("status", [200, 503])
def test_hub_stage_not_serving(status: int) -> None:
    """When the Hub says no app runs, whatever answered is not the app: SD601 says so and the
    other checks do not judge the Hub's page."""
    page = _root(("x-frame-options", "DENY"), status=status)
    space = SpaceMeta("owner/demo", APP, stage="BUILDING")
    result = check(LiveContext(APP + "/", (page,), space=space))
    assert found(result) == {("SD601", APP + "/")}
    assert result.findings[0].finding.message == (
        f"{APP}/ answered HTTP {status}, but not from the app: the Space is not running; "
        "the Hub reports owner/demo as BUILDING: it is building"
    )
    assert {s.id for s in result.skipped} >= {"SD605", "SD606", "SD610"}


def test_self_links_not_judged_on_a_public_http_site() -> None:
    body = b'<a href="http://example.org/x">'
    hop = Hop("http://example.org/", 200, "OK", "HTTP/1.1", (("content-type", "text/html"),), 0.1)
    ex = Exchange(Role.ROOT, "GET", "http://example.org/", hops=(hop,), body=body)
    result = check(LiveContext("http://example.org/", (ex,)))
    assert found(result) == set()
    assert any(s.id == "SD602" for s in result.skipped)


def test_probe_path_stays_light_to_import() -> None:
    """`audit` loads every check module, the live ones included: they must not pull in httpx,
    huggingface_hub or asyncio; `import spacedoctor.probe` must not either."""
    code = (
        "import sys, spacedoctor.probe, spacedoctor.checks.live.reachability, "
        "spacedoctor.checks.live.urls, spacedoctor.checks.live.cors, "
        "spacedoctor.checks.live.embedding, spacedoctor.checks.live.gateway, "
        "spacedoctor.checks.live.content\n"
        "heavy = ('httpx', 'huggingface_hub', 'asyncio', 'rich')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cors_checks_every_hop() -> None:
    origin = "https://frontend.example"
    moved = Hop(APP + "/files", 307, "", "HTTP/1.1", (("location", "/files/"),), 0.1)
    served = Hop(
        APP + "/files/", 200, "OK", "HTTP/1.1", (("access-control-allow-origin", "*"),), 0.2
    )
    get = Exchange(Role.PATH, "GET", APP + "/files", origin, hops=(moved, served))
    pre = Exchange(
        Role.PREFLIGHT,
        "OPTIONS",
        APP + "/predict",
        origin,
        hops=(
            Hop(APP + "/predict", 308, "", "HTTP/1.1", (("location", "/predict/"),), 0.1),
            Hop(
                APP + "/predict/",
                200,
                "OK",
                "HTTP/1.1",
                (("access-control-allow-origin", "*"),),
                0.1,
            ),
        ),
        request_headers=(("access-control-request-method", "POST"),),
    )
    result = check(LiveContext(APP + "/", (_root(), get, pre), origins=(origin,)))
    assert found(result) == {("SD603", APP + "/files"), ("SD604", APP + "/predict")}
    messages = {r.id: r.finding.message for r in result.findings}
    assert f"answered 307 (the redirect at {APP}/files) without" in messages["SD603"]
    assert "browsers do not follow redirects on a preflight" in messages["SD604"]
