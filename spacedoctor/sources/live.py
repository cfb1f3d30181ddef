"""Live HTTP responses of a running Space: fetched once per run, concurrently, every hop recorded.

One httpx.AsyncClient per run, a `spacedoctor/<version>` User-Agent, a timeout per request and a
budget for the whole probe, bodies read up to a cap. Redirects are followed by hand so each hop
is kept; a redirect to another host is recorded and not followed. The token (private Spaces) is
added per hop, only when that hop goes to the Space's own origin, and is never recorded.
httpx is imported only inside `collect`, so importing this module stays cheap.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from spacedoctor.sources.hub import SpaceMeta
from spacedoctor.sources.web import page_links

if TYPE_CHECKING:
    # asyncio and httpx cost ~40 ms and ~100 ms to import; `audit` imports this module (the
    # checks bind to LiveContext) and must not pay for them, so they are imported where used.
    import asyncio

    import httpx

log = logging.getLogger(__name__)

#: Requests in flight at once. High enough that the probe takes about as long as its slowest
#: request even with ~50 named paths (a browser opening a page fires as many), low enough to
#: stay polite to a small CPU Space.
MAX_CONCURRENCY = 64
MAX_REDIRECTS = 10
MAX_ASSETS = 40
MAX_ROUTES = 20
MAX_PREFLIGHT_ROUTES = 5
#: Bodies that are neither text nor JSON are read only this far: enough to recognise an LFS
#: pointer or a file signature, without pulling a 200 MB volume over the wire.
BINARY_PREFIX = 64 * 1024
#: The origin whose page embeds every Space in an iframe.
SPACE_PAGE_ORIGIN = "https://huggingface.co"

#: Hub stages in which no app answers on the Space's host (RUNNING_BUILDING and
#: RUNNING_APP_STARTING still serve the previous app).
NOT_SERVING_STAGES = frozenset(
    {
        "BUILDING",
        "APP_STARTING",
        "PAUSED",
        "STOPPED",
        "BUILD_ERROR",
        "RUNTIME_ERROR",
        "CONFIG_ERROR",
        "NO_APP_FILE",
        "DELETING",
    }
)
_TEXTUAL = ("text/", "application/json", "application/javascript", "application/xml")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class Role(StrEnum):
    """Why a request was made; checks pick the responses they read by role."""

    ROOT = "root"  # the page the Space page embeds
    ASSET = "asset"  # a same-origin subresource the root page links
    PATH = "path"  # a path the user named (--path)
    OPENAPI = "openapi"  # /openapi.json
    ROUTE = "route"  # a GET route listed in the OpenAPI document
    CONFIG = "config"  # Gradio's /config
    ENDPOINT = "endpoint"  # the request the user named (--endpoint), timed
    PREFLIGHT = "preflight"  # a CORS preflight (OPTIONS) from a frontend origin


class Failure(StrEnum):
    """Why an exchange has no complete final response."""

    CONNECT = "connect"  # refused, DNS, TLS
    TIMEOUT = "timeout"  # no (complete) answer within the request's timeout
    PROTOCOL = "protocol"  # connection closed, or not HTTP
    REDIRECT_LOOP = "redirect-loop"
    OFFSITE = "offsite"  # redirected to another host: recorded, not followed
    BUDGET = "budget"  # the probe's total budget ran out first
    OTHER = "other"


Headers = tuple[tuple[str, str], ...]


def _first(headers: Headers, name: str) -> str | None:
    key = name.lower()
    for k, v in headers:
        if k == key:
            return v
    return None


def _all(headers: Headers, name: str) -> list[str]:
    key = name.lower()
    return [v for k, v in headers if k == key]


@dataclass(frozen=True)
class Hop:
    """One response received: a redirect on the way, or the final answer."""

    url: str
    status: int
    reason: str
    http_version: str
    headers: Headers
    elapsed: float  # seconds from sending the exchange's first request to this hop's headers

    def header(self, name: str) -> str | None:
        return _first(self.headers, name)

    def header_all(self, name: str) -> list[str]:
        return _all(self.headers, name)

    @property
    def status_line(self) -> str:
        return f"{self.http_version} {self.status} {self.reason}".strip()


@dataclass(frozen=True)
class Exchange:
    """One request the probe made, with every hop it took and the final body's first bytes."""

    role: Role
    method: str
    url: str
    origin: str | None = None  # the Origin header sent, if any
    hops: tuple[Hop, ...] = ()
    body: bytes = b""
    truncated: bool = False  # the body was longer than what was read
    elapsed: float = 0.0
    failure: Failure | None = None
    error: str | None = None
    offsite: str | None = None  # the other-host Location that was not followed
    timeout: float = 0.0  # the limit this request ran under
    seq: int = 0
    #: The request's own headers (Origin and the credentials are not among them).
    request_headers: Headers = ()

    def request_header(self, name: str) -> str | None:
        return _first(self.request_headers, name)

    @property
    def final(self) -> Hop | None:
        return self.hops[-1] if self.hops else None

    @property
    def status(self) -> int | None:
        return self.hops[-1].status if self.hops else None

    @property
    def final_url(self) -> str:
        return self.hops[-1].url if self.hops else self.url

    @property
    def answered(self) -> bool:
        """A final response whose headers arrived (the body may have been cut by the timeout)."""
        return (
            bool(self.hops)
            and self.failure
            not in (
                Failure.REDIRECT_LOOP,
                Failure.OFFSITE,
            )
            and self.hops[-1].status not in _REDIRECTS
        )

    @property
    def ok(self) -> bool:
        """Complete and 2xx."""
        return self.failure is None and self.status is not None and 200 <= self.status < 300

    def header(self, name: str) -> str | None:
        return self.hops[-1].header(name) if self.hops else None

    def header_all(self, name: str) -> list[str]:
        return self.hops[-1].header_all(name) if self.hops else []

    @property
    def content_type(self) -> str:
        value = self.header("content-type") or ""
        return value.split(";", 1)[0].strip().lower()

    @property
    def is_html(self) -> bool:
        ctype = self.content_type
        if ctype in ("text/html", "application/xhtml+xml"):
            return True
        return not ctype and self.body.lstrip()[:15].lower().startswith(
            (b"<!doctype html", b"<html")
        )

    @property
    def is_json(self) -> bool:
        ctype = self.content_type
        return ctype == "application/json" or ctype.endswith("+json")

    @property
    def is_script(self) -> bool:
        ctype = self.content_type
        if "javascript" in ctype or ctype == "text/ecmascript":
            return True
        path = urlsplit(self.final_url).path.lower()
        return path.endswith((".js", ".mjs"))

    def text(self) -> str:
        charset = "utf-8"
        for param in (self.header("content-type") or "").split(";")[1:]:
            key, _, val = param.strip().partition("=")
            if key.lower() == "charset" and val.strip():
                charset = val.strip().strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The parsed JSON body, or None (not JSON, truncated, or malformed)."""
        if self.truncated or not self.body:
            return None
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):
            return None

    def evidence(self, *headers: str, body: bool = True) -> str:
        """Status line, the named headers, the first bytes and the timing: what a user needs to
        see to believe a finding."""
        parts = []
        if self.method != "GET" or self.origin:
            req = f"{self.method} {self.url}"
            if self.origin:
                req += f" with Origin: {self.origin}"
            parts.append(req)
        if len(self.hops) > 1:
            chain = " -> ".join(f"{h.status} {h.url}" for h in self.hops[:-1])
            parts.append(f"redirects: {chain}")
        final = self.final
        if final is not None:
            parts.append(final.status_line)
            for name in headers:
                values = final.header_all(name)
                parts.append(f"{name}: {', '.join(values)}" if values else f"{name}: (absent)")
        if self.failure is not None and self.error:
            parts.append(self.error)
        if body and self.body:
            parts.append(f"first bytes: {first_bytes(self.body)}")
        parts.append(f"{self.elapsed:.2f} s")
        return "; ".join(parts)


def first_bytes(data: bytes, limit: int = 120) -> str:
    """A printable prefix of a body for evidence; hex when the body is binary."""
    sample = data[:64]
    if (
        sample
        and sum(b < 9 or 13 < b < 32 or b == 127 for b in sample) + sample.count(b"\xff")
        > len(sample) // 10
    ):
        return data[:16].hex(" ") + (" ..." if len(data) > 16 else "")
    head = data[:limit].decode("utf-8", errors="replace")
    head = "".join(c if c.isprintable() else " " for c in head).strip()
    return repr(head + ("..." if len(data) > limit else ""))


@dataclass(frozen=True)
class LiveContext:
    """Everything the live checks may read: every response of one probe run, and what is known
    about the Space (from the Hub, or the card the caller passed)."""

    target: str  # the root URL probed
    exchanges: tuple[Exchange, ...] = ()
    origins: tuple[str, ...] = ()  # frontend origins that must be allowed (--origin)
    space: SpaceMeta | None = None
    card: Mapping[str, Any] = field(default_factory=dict)
    proxy_emulated: bool = False  # X-Forwarded-Proto: https was sent (a local container)
    timeout_budget: float = 60.0
    cold_start_after: float = 10.0
    endpoint: str | None = None  # "POST /predict"

    @property
    def netloc(self) -> str:
        return urlsplit(self.target).netloc.lower()

    @property
    def origin(self) -> str:
        parts = urlsplit(self.target)
        return f"{parts.scheme}://{parts.netloc}".lower()

    @property
    def public_scheme(self) -> str:
        """The scheme users reach the app by: https on a Space, or when emulating its proxy."""
        return "https" if self.proxy_emulated else urlsplit(self.target).scheme.lower()

    @property
    def is_hf_space(self) -> bool:
        host = (urlsplit(self.target).hostname or "").lower()
        return host.endswith(".hf.space")

    def by_role(self, *roles: Role) -> list[Exchange]:
        return [e for e in self.exchanges if e.role in roles]

    @property
    def root(self) -> Exchange | None:
        found = self.by_role(Role.ROOT)
        return found[0] if found else None

    @property
    def disable_embedding(self) -> bool:
        return self.card.get("disable_embedding") is True

    @property
    def sdk_version(self) -> str | None:
        value = self.card.get("sdk_version")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value if isinstance(value, str) and value.strip() else None

    @property
    def custom_headers(self) -> dict[str, str]:
        value = self.card.get("custom_headers")
        if not isinstance(value, dict):
            return {}
        return {str(k).lower(): str(v) for k, v in value.items()}

    @property
    def stage(self) -> str | None:
        return self.space.stage if self.space is not None else None

    @property
    def not_serving(self) -> str | None:
        """The Hub's stage when it says the app is not serving (then the answers the probe got
        come from the Hub, not the app), else None."""
        stage = (self.stage or "").upper()
        return stage if stage in NOT_SERVING_STAGES else None


# -- the plan and the fetching ----------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    role: Role
    method: str
    url: str
    origin: str | None = None
    headers: Headers = ()
    content: bytes | None = None
    timeout: float | None = None  # None: the plan's request_timeout


@dataclass(frozen=True)
class Plan:
    """What to fetch and under which limits."""

    root: str
    origins: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    endpoint: tuple[str, str] | None = None  # (method, path)
    data: bytes | None = None
    timeout_budget: float = 60.0
    request_timeout: float = 20.0
    total_budget: float = 120.0
    max_body: int = 5 * 1024 * 1024
    token: str | None = None
    auth_origin: str | None = None  # the only origin the token is sent to
    proxy_emulated: bool = False
    user_agent: str = "spacedoctor"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.root)
        return f"{parts.scheme}://{parts.netloc}"

    def same_origin(self, url: str) -> str | None:
        """`url` as this probe fetches it when it belongs to the probed app, else None. When the
        Spaces proxy is emulated, the app may (correctly) link its own https:// URLs."""
        parts = urlsplit(url)
        base = urlsplit(self.root)
        if parts.netloc.lower() != base.netloc.lower():
            return None
        if parts.scheme == base.scheme:
            return url
        if self.proxy_emulated and parts.scheme == "https":
            return urlunsplit((base.scheme, *parts[1:]))
        return None

    def resolve(self, path: str) -> str:
        """A user path (/files/x) on the app's origin; a full URL is taken as given."""
        if "://" in path:
            return path
        return urljoin(self.origin + "/", path.lstrip("/") if path.startswith("/") else path)

    def beside_root(self, name: str) -> str:
        """A well-known document next to the root (/openapi.json, /config)."""
        root = self.root if self.root.endswith("/") else self.root.rsplit("/", 1)[0] + "/"
        if urlsplit(root).path in ("", "/"):
            root = self.origin + "/"
        return urljoin(root, name)


def proxy_emulation_wanted(url: str) -> bool:
    """A plain-http app on this machine or a private network is a container run before pushing:
    behind the Spaces proxy it would see `X-Forwarded-Proto: https` from an untrusted peer."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        return False
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    import ipaddress

    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private


def same_host(a: str, b: str) -> bool:
    """Same host and port; an http->https upgrade on default ports counts as the same host."""
    pa, pb = urlsplit(a), urlsplit(b)
    if (pa.hostname or "").lower() != (pb.hostname or "").lower():
        return False
    if pa.scheme == pb.scheme:
        return _port(pa.scheme, pa.port) == _port(pb.scheme, pb.port)
    return pa.port is None and pb.port is None and {pa.scheme, pb.scheme} == {"http", "https"}


def _port(scheme: str, port: int | None) -> int:
    return port if port is not None else (443 if scheme == "https" else 80)


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


ProgressFn = Callable[[str, str], None]  # (event "start"|"done", url)


class _Fetcher:
    def __init__(self, client: httpx.AsyncClient, plan: Plan, progress: ProgressFn | None) -> None:
        self.client = client
        self.plan = plan
        self.progress = progress
        import asyncio

        self.slots = asyncio.Semaphore(MAX_CONCURRENCY)

    async def fetch(self, req: Request, seq: int) -> Exchange:
        timeout = req.timeout if req.timeout is not None else self.plan.request_timeout
        async with self.slots:
            if self.progress:
                self.progress("start", req.url)
            try:
                return await self._fetch(req, seq, timeout)
            finally:
                if self.progress:
                    self.progress("done", req.url)

    async def _fetch(self, req: Request, seq: int, timeout: float) -> Exchange:
        import asyncio

        import httpx

        start = time.perf_counter()
        hops: list[Hop] = []
        body = bytearray()
        state = {"truncated": False}
        base = Exchange(
            req.role,
            req.method,
            req.url,
            req.origin,
            timeout=timeout,
            seq=seq,
            request_headers=tuple((k.lower(), v) for k, v in req.headers),
        )

        def done(**kw: Any) -> Exchange:
            return replace(
                base,
                hops=tuple(hops),
                body=bytes(body),
                truncated=state["truncated"],
                elapsed=time.perf_counter() - start,
                **kw,
            )

        try:
            async with asyncio.timeout(timeout):
                return await self._walk(req, hops, body, state, start, done)
        except TimeoutError:
            what = "the body did not finish" if hops else "no response"
            return done(failure=Failure.TIMEOUT, error=f"{what} within {timeout:g} s")
        except httpx.ConnectError as exc:
            return done(failure=Failure.CONNECT, error=f"cannot connect: {_reason(exc)}")
        except httpx.TimeoutException:
            what = "the body did not finish" if hops else "no response"
            return done(failure=Failure.TIMEOUT, error=f"{what} within {timeout:g} s")
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.LocalProtocolError) as exc:
            return done(failure=Failure.PROTOCOL, error=_protocol_text(exc, bool(hops)))
        except httpx.HTTPError as exc:
            return done(failure=Failure.OTHER, error=f"{type(exc).__name__}: {_reason(exc)}")
        except Exception as exc:  # a hostile server must never crash the probe
            log.debug("request to %s failed", req.url, exc_info=True)
            return done(failure=Failure.OTHER, error=f"{type(exc).__name__}: {_reason(exc)}")

    async def _walk(
        self,
        req: Request,
        hops: list[Hop],
        body: bytearray,
        state: dict[str, bool],
        start: float,
        done: Callable[..., Exchange],
    ) -> Exchange:
        method, url, content = req.method, req.url, req.content
        for _ in range(MAX_REDIRECTS + 1):
            headers = dict(req.headers)
            if req.origin:
                headers["Origin"] = req.origin
            if self.plan.proxy_emulated:
                headers["X-Forwarded-Proto"] = "https"
            if (
                self.plan.token
                and self.plan.auth_origin
                and _origin_of(url) == self.plan.auth_origin
            ):
                headers["Authorization"] = f"Bearer {self.plan.token}"
            request = self.client.build_request(method, url, headers=headers, content=content)
            response = await self.client.send(request, stream=True)
            try:
                hop = Hop(
                    url=url,
                    status=response.status_code,
                    reason=response.reason_phrase,
                    http_version=response.http_version,
                    headers=tuple((k.lower(), v) for k, v in response.headers.multi_items()),
                    elapsed=time.perf_counter() - start,
                )
                hops.append(hop)
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    nxt = urljoin(url, location.strip())
                    mapped = self.plan.same_origin(nxt)
                    if mapped is not None:
                        nxt = mapped
                    if urlsplit(nxt).scheme not in ("http", "https") or not same_host(nxt, url):
                        return done(
                            failure=Failure.OFFSITE,
                            error=f"redirected to another host: {nxt} (not followed)",
                            offsite=nxt,
                        )
                    if response.status_code == 303 or (
                        response.status_code in (301, 302) and method == "POST"
                    ):
                        method = "GET" if method != "HEAD" else "HEAD"
                        content = None
                    url = nxt
                    continue
                limit = self.plan.max_body
                ctype = (response.headers.get("content-type") or "").lower()
                if ctype and not ctype.startswith(_TEXTUAL) and "json" not in ctype:
                    limit = min(limit, BINARY_PREFIX)
                if method != "HEAD":
                    async for chunk in response.aiter_bytes():
                        room = limit - len(body)
                        if len(chunk) >= room:
                            body.extend(chunk[:room])
                            state["truncated"] = (
                                len(chunk) > room or not response.is_stream_consumed
                            )
                            break
                        body.extend(chunk)
                return done()
            finally:
                await response.aclose()
        chain = " -> ".join(h.url for h in hops[-3:])
        return done(
            failure=Failure.REDIRECT_LOOP,
            error=f"more than {MAX_REDIRECTS} redirects (last: {chain})",
        )


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _protocol_text(exc: BaseException, had_headers: bool) -> str:
    if had_headers:
        return f"the connection broke while reading the body: {_reason(exc)}"
    text = _reason(exc)
    if "without sending" in text.lower() or "disconnected" in text.lower():
        return "the server closed the connection without sending a response"
    return f"the answer is not valid HTTP: {text}"


class _Runner:
    """Spawns requests (the plan's, then what responses reveal) and collects their exchanges."""

    def __init__(self, fetcher: _Fetcher, plan: Plan) -> None:
        self.fetcher = fetcher
        self.plan = plan
        self.pending: dict[asyncio.Task[Exchange], tuple[int, Request]] = {}
        self.seen: set[tuple[str, str, str | None]] = set()
        self.results: list[Exchange] = []
        self.seq = 0

    def spawn(self, req: Request) -> None:
        key = (req.method, req.url, req.origin)
        if key in self.seen:
            return
        self.seen.add(key)
        self.seq += 1
        import asyncio

        task = asyncio.create_task(self.fetcher.fetch(req, self.seq))
        self.pending[task] = (self.seq, req)

    def _per_origin(self, role: Role, url: str) -> None:
        for origin in self.plan.origins or (None,):
            self.spawn(Request(role, "GET", url, origin=origin))

    def start(self) -> None:
        plan = self.plan
        self.spawn(Request(Role.ROOT, "GET", plan.root, headers=(("Accept", "text/html,*/*"),)))
        self.spawn(Request(Role.OPENAPI, "GET", plan.beside_root("openapi.json")))
        self.spawn(Request(Role.CONFIG, "GET", plan.beside_root("config")))
        for path in plan.paths:
            self._per_origin(Role.PATH, plan.resolve(path))
        if plan.endpoint is not None:
            method, path = plan.endpoint
            url = plan.resolve(path)
            headers: Headers = ()
            if plan.data is not None:
                headers = (("Content-Type", _content_type(plan.data)),)
            # Waiting longer than the gateway budget (plus a margin) proves nothing more.
            timeout = min(plan.timeout_budget + 1.0, plan.total_budget)
            self.spawn(
                Request(
                    Role.ENDPOINT, method, url, headers=headers, content=plan.data, timeout=timeout
                )
            )
            for origin in plan.origins:
                self.spawn(_preflight(url, method, origin, plan.data is not None))

    def after(self, ex: Exchange) -> None:
        """Discovery: what a response reveals becomes more requests."""
        if ex.role is Role.ROOT and ex.answered and ex.is_html and ex.body:
            count = 0
            for link in page_links(ex.text(), ex.final_url):
                url = self.plan.same_origin(link.url)
                if url is None or count >= MAX_ASSETS:
                    continue
                count += 1
                self._per_origin(Role.ASSET, url)
        elif ex.role is Role.OPENAPI and ex.ok:
            doc = ex.json()
            paths = doc.get("paths") if isinstance(doc, dict) else None
            if not isinstance(paths, dict):
                return
            gets = 0
            preflights = 0
            for path, item in paths.items():
                if not isinstance(path, str) or "{" in path or not isinstance(item, dict):
                    continue
                url = self.plan.resolve(path)
                for method in item:
                    m = str(method).upper()
                    if m == "GET" and gets < MAX_ROUTES:
                        gets += 1
                        self._per_origin(Role.ROUTE, url)
                    elif (
                        m in ("POST", "PUT", "PATCH", "DELETE")
                        and preflights < MAX_PREFLIGHT_ROUTES
                    ):
                        if self.plan.origins:
                            preflights += 1
                        for origin in self.plan.origins:
                            self.spawn(_preflight(url, m, origin, True))

    async def run(self) -> list[Exchange]:
        import asyncio

        deadline = time.perf_counter() + self.plan.total_budget
        self.start()
        while self.pending:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                break
            done, _ = await asyncio.wait(
                set(self.pending), timeout=remaining, return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                self.pending.pop(task)
                ex = task.result()
                self.results.append(ex)
                try:
                    self.after(ex)
                except Exception:  # discovery on a hostile body must not stop the probe
                    log.debug("discovery failed on %s", ex.url, exc_info=True)
        for task, (seq, req) in self.pending.items():
            task.cancel()
            self.results.append(
                Exchange(
                    req.role,
                    req.method,
                    req.url,
                    req.origin,
                    failure=Failure.BUDGET,
                    error=f"the probe's budget of {self.plan.total_budget:g} s ran out first",
                    elapsed=self.plan.total_budget,
                    timeout=self.plan.total_budget,
                    seq=seq,
                )
            )
        if self.pending:
            await asyncio.gather(*self.pending, return_exceptions=True)
        self.results.sort(key=lambda e: e.seq)
        return self.results


def _preflight(url: str, method: str, origin: str, with_body: bool) -> Request:
    headers: list[tuple[str, str]] = [("Access-Control-Request-Method", method)]
    if with_body:
        headers.append(("Access-Control-Request-Headers", "content-type"))
    return Request(Role.PREFLIGHT, "OPTIONS", url, origin=origin, headers=tuple(headers))


def _content_type(data: bytes) -> str:
    try:
        json.loads(data)
    except (ValueError, RecursionError):
        return "application/octet-stream"
    return "application/json"


async def _collect(plan: Plan, progress: ProgressFn | None) -> list[Exchange]:
    import httpx

    limits = httpx.Limits(
        max_connections=MAX_CONCURRENCY, max_keepalive_connections=MAX_CONCURRENCY
    )
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(plan.request_timeout),
        limits=limits,
        follow_redirects=False,
        headers={"User-Agent": plan.user_agent},
    ) as client:
        runner = _Runner(_Fetcher(client, plan, progress), plan)
        return await runner.run()


def collect(plan: Plan, progress: ProgressFn | None = None) -> list[Exchange]:
    """Run the plan: every exchange, in the order the requests were made."""
    import asyncio

    return asyncio.run(_collect(plan, progress))
