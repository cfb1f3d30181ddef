"""`spacedoctor probe`: resolve the target, fetch what a browser and the Space page would, run
the live (SD6xx) checks over the responses."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import spacedoctor
from spacedoctor.config import Settings
from spacedoctor.engine import run_checks as engine_run_checks
from spacedoctor.engine import select_checks
from spacedoctor.model import CheckInfo, RunResult, Target
from spacedoctor.registry import Registry
from spacedoctor.sources.hub import HubError, SpaceMeta, get_token, parse_target, resolve_space
from spacedoctor.sources.live import (
    LiveContext,
    Plan,
    ProgressFn,
    collect,
    proxy_emulation_wanted,
)

log = logging.getLogger(__name__)

UNREACHABLE = "SD601"
_METHOD = re.compile(r"^[A-Za-z]+$")


@dataclass(frozen=True)
class ProbeOptions:
    target: str
    origins: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    endpoint: str | None = None  # "POST /predict"
    data: bytes | None = None
    timeout_budget: float = 60.0  # gateway budget for SD607
    request_timeout: float = 20.0  # per request
    total_budget: float = 120.0  # whole probe
    max_body: int = 5 * 1024 * 1024
    progress: bool = False  # show a progress display on stderr (rich), only when a terminal
    #: Front matter already known (e.g. `audit PATH --url URL` read the repo's README): used for
    #: disable_embedding, sdk_version and custom_headers when the Hub does not say.
    card: Mapping[str, Any] | None = None
    #: A first response slower than this is reported as a cold start (SD609).
    cold_start_after: float = 10.0


#: Static checks each live check can confirm, for `audit PATH --url URL`: a live finding shows
#: that the problem a static check predicts is real on the running app (PLATFORM.md §4).
CONFIRMS: Mapping[str, tuple[str, ...]] = {
    "SD601": ("SD206", "SD207", "SD308", "SD309"),  # unreachable: port / bind mistakes
    "SD602": ("SD208", "SD317"),  # http self-links: proxy headers untrusted, hard-coded http
    "SD603": ("SD302",),  # CORS missing on static files
    "SD605": ("SD304",),  # framing blocked
    "SD606": ("SD109", "SD318"),  # isolation headers: custom_headers, SharedArrayBuffer use
    "SD607": ("SD301",),  # gateway timeout: long synchronous endpoint
    "SD608": ("SD502",),  # LFS pointer served / in the tree
    "SD610": ("SD313",),  # cookies in the iframe: Streamlit XSRF
    "SD612": ("SD113",),  # served Gradio vs sdk_version
}


class ProbeError(Exception):
    """Bad target, unresolvable Space, bad option: a one-line message; the CLI exits 2."""


@dataclass(frozen=True)
class Resolved:
    root: str  # the URL of the app's root page
    space: SpaceMeta | None
    token: str | None
    auth_origin: str | None


def resolve(opts: ProbeOptions) -> Resolved:
    """Target -> the app's root URL. Space ids and huggingface.co/spaces URLs go through the Hub
    (SpaceInfo.host); the token is only looked up for a Space host and only sent there."""
    try:
        spec = parse_target(opts.target)
        if spec.repo_id is not None:
            token = get_token()
            meta = resolve_space(spec.repo_id, token, timeout=opts.request_timeout)
            root = _with_root_path(meta.host)
            return Resolved(root, meta, token, _origin(root) if token else None)
    except HubError as exc:
        raise ProbeError(str(exc)) from None
    assert spec.url is not None
    root = _with_root_path(spec.url)
    parts = urlsplit(root)
    if parts.scheme == "https" and (parts.hostname or "").lower().endswith(".hf.space"):
        token = get_token()
        return Resolved(root, None, token, _origin(root) if token else None)
    return Resolved(root, None, None, None)


def _with_root_path(url: str) -> str:
    parts = urlsplit(url)
    return url if parts.path else url.rstrip("?#") + "/"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def parse_origin(value: str) -> str:
    """`https://example.org` (scheme, host, optional port, nothing else), normalised."""
    text = value.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        raise ProbeError(
            f"--origin {value!r} is not an origin: give scheme://host[:port], e.g. https://my-frontend.hf.space"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ProbeError(f"--origin {value!r}: the port is not a number") from None
    return f"{parts.scheme}://{parts.netloc}".lower()


def parse_endpoint(value: str, has_data: bool) -> tuple[str, str]:
    """`POST /predict` -> ("POST", "/predict"); a bare path is POST with --data, else GET."""
    parts = value.split()
    if len(parts) == 1:
        method, path = ("POST" if has_data else "GET"), parts[0]
    elif len(parts) == 2 and _METHOD.match(parts[0]):
        method, path = parts[0].upper(), parts[1]
    else:
        raise ProbeError(f"--endpoint {value!r}: expected 'METHOD /path', e.g. 'POST /predict'")
    if not (path.startswith("/") or path.startswith(("http://", "https://"))):
        raise ProbeError(f"--endpoint {value!r}: the path must start with /")
    return method, path


def _check_options(opts: ProbeOptions) -> None:
    for name in ("timeout_budget", "request_timeout", "total_budget"):
        if getattr(opts, name) <= 0:
            raise ProbeError(f"{name.replace('_', '-')} must be a positive number of seconds")
    if opts.max_body < 1024:
        raise ProbeError("the body cap must be at least 1024 bytes")
    for path in opts.paths:
        if not path.startswith("/"):
            raise ProbeError(f"--path {path!r} must start with / (a path on the app's host)")
    if opts.data is not None and opts.endpoint is None:
        raise ProbeError("--data needs --endpoint (the request to send it with)")


def build_context(opts: ProbeOptions, progress: ProgressFn | None = None) -> LiveContext:
    """Resolve the target and fetch everything; the LiveContext the checks read."""
    _check_options(opts)
    origins = tuple(dict.fromkeys(parse_origin(o) for o in opts.origins))
    endpoint = parse_endpoint(opts.endpoint, opts.data is not None) if opts.endpoint else None
    target = resolve(opts)
    emulate = proxy_emulation_wanted(target.root)
    plan = Plan(
        root=target.root,
        origins=origins,
        paths=tuple(opts.paths),
        endpoint=endpoint,
        data=opts.data,
        timeout_budget=opts.timeout_budget,
        request_timeout=opts.request_timeout,
        total_budget=opts.total_budget,
        max_body=opts.max_body,
        token=target.token,
        auth_origin=target.auth_origin,
        proxy_emulated=emulate,
        user_agent=f"spacedoctor/{spacedoctor.__version__}",
    )
    exchanges = collect(plan, progress)
    card: dict[str, Any] = dict(opts.card or {})
    if target.space is not None:
        # The Hub's card is what the platform applies; the local one fills what it lacks.
        card.update(target.space.card)
    return LiveContext(
        target=target.root,
        exchanges=tuple(exchanges),
        origins=origins,
        space=target.space,
        card=card,
        proxy_emulated=emulate,
        timeout_budget=opts.timeout_budget,
        cold_start_after=opts.cold_start_after,
        endpoint=f"{endpoint[0]} {endpoint[1]}" if endpoint else None,
    )


def run_checks(ctx: LiveContext, settings: Settings, registry: Registry) -> RunResult:
    def gate(info: CheckInfo) -> str | None:
        # Whatever answered is the Hub's page, not the app: judging it would mislead.
        if ctx.not_serving and info.id != UNREACHABLE:
            return f"the Space is not running ({ctx.not_serving})"
        return None

    checks = select_checks(registry, settings, [Target.LIVE])
    return engine_run_checks(ctx, checks, settings, ctx.target, gate)


def run_probe(opts: ProbeOptions, settings: Settings, registry: Registry) -> RunResult:
    with _progress(opts.progress) as progress:
        ctx = build_context(opts, progress)
    return run_checks(ctx, settings, registry)


@contextmanager
def _progress(enabled: bool) -> Iterator[ProgressFn | None]:
    """A transient spinner on stderr while requests are in flight (terminals only)."""
    import os
    import sys

    if not enabled or not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    counts = {"started": 0, "done": 0}
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("probing", total=None)

        def update(event: str, url: str) -> None:
            counts["started" if event == "start" else "done"] += 1
            answered = f"{counts['done']}/{counts['started']}"
            bar.update(task, description=f"probing: {answered} requests answered, last {url}")

        yield update
