"""Hostile servers: the probe never hangs or crashes on them, and says clearly what happened."""

from __future__ import annotations

import socket

from spacedoctor.sources.live import Failure, Role
from tests.live_apps import servers
from tests.live_apps.harness import context, finding, found, probe
from tests.live_apps.servers import RawServer


def test_never_answers() -> None:
    with RawServer(servers.never_answers) as srv:
        result = probe(srv.url, request_timeout=1.0)
    assert found(result) == {("SD601", srv.url + "/")}
    item = finding(result, "SD601")
    assert item.finding.message == f"{srv.url}/ did not answer within 1 s"
    assert result.errors == ()


def test_redirects_forever() -> None:
    with RawServer(servers.redirects_forever) as srv:
        ctx = context(srv.url)
        result = probe(srv.url)
    root = ctx.root
    assert root is not None and root.failure is Failure.REDIRECT_LOOP
    assert len(root.hops) == 11  # the first answer and ten redirects, every one recorded
    assert [h.url for h in root.hops[:3]] == [
        srv.url + "/",
        srv.url + "/loop/1",
        srv.url + "/loop/2",
    ]
    assert found(result) == {("SD601", srv.url + "/")}
    assert "redirects in a loop" in finding(result, "SD601").finding.message


def test_endless_body_is_read_up_to_the_cap() -> None:
    with RawServer(servers.endless_body) as srv:
        ctx = context(srv.url, max_body=100_000)
        result = probe(srv.url, max_body=100_000)
    root = ctx.root
    assert root is not None and root.status == 200 and root.failure is None
    assert root.truncated and len(root.body) == 100_000
    # A page that is still streaming is served: nothing is unreachable about it.
    assert found(result) == set()
    assert result.errors == ()


def test_dripping_body_times_out() -> None:
    with RawServer(servers.dripping_body) as srv:
        result = probe(srv.url, request_timeout=1.0)
    assert found(result) == {("SD601", srv.url + "/")}
    message = finding(result, "SD601").finding.message
    assert message == f"{srv.url}/ sent its headers (HTTP 200) but not the whole page within 1 s"


def test_closes_connection() -> None:
    with RawServer(servers.closes_connection) as srv:
        result = probe(srv.url)
    assert found(result) == {("SD601", srv.url + "/")}
    assert (
        "closed the connection without sending a response"
        in finding(result, "SD601").finding.message
    )


def test_not_http() -> None:
    with RawServer(servers.not_http) as srv:
        result = probe(srv.url)
    assert found(result) == {("SD601", srv.url + "/")}
    assert "not valid HTTP" in finding(result, "SD601").finding.message


def test_garbage_html() -> None:
    with RawServer(servers.garbage_html) as srv:
        ctx = context(srv.url)
        result = probe(srv.url)
    assert ctx.root is not None and ctx.root.ok
    # What could be read of the broken markup is still discovered, same-origin only.
    assets = {e.url.removeprefix(srv.url) for e in ctx.by_role(Role.ASSET)}
    # (an unclosed quote runs on to the next one, as in a browser)
    assert assets == {
        "/ok.png",
        "/p.png",
        "/v.mp4></video></b></i></html<link rel=stylesheet href=",
    }
    assert found(result) == set()
    assert result.errors == ()


def test_connection_refused() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    url = f"http://127.0.0.1:{port}"
    result = probe(url)
    assert found(result) == {("SD601", url + "/")}
    assert finding(result, "SD601").finding.message.startswith(f"{url}/ cannot be reached")
