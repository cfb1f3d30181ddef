"""Cross-origin reads from the frontends the user named (--origin): plain GETs and preflights."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from spacedoctor.api import Finding, Location, SkipCheck, check

if TYPE_CHECKING:
    from spacedoctor.sources.live import Hop, LiveContext
from spacedoctor.sources.web import SAFELISTED_METHODS, listed, origin_allowed

_NO_ORIGINS = (
    "no --origin given: the Space page itself reads nothing cross-origin, so CORS is only "
    "checked for the frontends you name (e.g. --origin https://my-frontend.static.hf.space)"
)


def _cors_fix(origin: str) -> str:
    return (
        "Add CORSMiddleware to the root app so it wraps every route and mount, with this origin "
        f'listed exactly: `app.add_middleware(CORSMiddleware, allow_origins=["{origin}"], '
        'allow_methods=["*"], allow_headers=["*"])`. Mount StaticFiles on the app itself, not '
        "on an APIRouter or a sub-app without the middleware."
    )


def _allows(hop: Hop, origin: str) -> bool:
    return origin_allowed(hop.header("access-control-allow-origin"), origin)


@check("SD603")
def static_cors_missing(ctx: LiveContext) -> Iterator[Finding]:
    from spacedoctor.sources.live import Role

    if not ctx.origins:
        raise SkipCheck(_NO_ORIGINS)
    for ex in ctx.by_role(Role.ASSET, Role.PATH, Role.ROUTE):
        if ex.origin is None or not ex.answered or ex.status is None:
            continue
        if not 200 <= ex.status < 300:
            continue
        # A CORS fetch checks every response on the way, redirects included.
        hop = next((h for h in ex.hops if not _allows(h, ex.origin)), None)
        if hop is None:
            continue
        acao = hop.header("access-control-allow-origin")
        path = urlsplit(ex.url).path or "/"
        got = (
            "without Access-Control-Allow-Origin"
            if acao is None
            else f"with Access-Control-Allow-Origin: {acao}"
        )
        where = "" if hop is ex.final else f" (the redirect at {hop.url})"
        yield Finding(
            f"GET {path} with Origin: {ex.origin} answered {hop.status}{where} {got}: a page "
            f"on {ex.origin} cannot read it (the browser reports 'blocked by CORS policy')",
            Location(url=ex.url),
            fix=_cors_fix(ex.origin),
            evidence=ex.evidence("access-control-allow-origin", "content-type"),
        )


@check("SD604")
def preflight_broken(ctx: LiveContext) -> Iterator[Finding]:
    from spacedoctor.sources.live import Role

    if not ctx.origins:
        raise SkipCheck(_NO_ORIGINS)
    for ex in ctx.by_role(Role.PREFLIGHT):
        if ex.origin is None or not ex.answered or ex.status is None:
            continue
        method = (ex.request_header("access-control-request-method") or "").upper()
        wanted = [
            h.strip().lower()
            for h in (ex.request_header("access-control-request-headers") or "").split(",")
            if h.strip()
        ]
        problems = []
        if len(ex.hops) > 1:
            problems.append(
                f"it is redirected to {ex.hops[1].url} (browsers do not follow redirects "
                "on a preflight)"
            )
        elif not 200 <= ex.status < 300:
            problems.append(f"it answered HTTP {ex.status}")
        else:
            acao = ex.header("access-control-allow-origin")
            if not origin_allowed(acao, ex.origin):
                problems.append(
                    "no Access-Control-Allow-Origin"
                    if acao is None
                    else f"Access-Control-Allow-Origin is {acao}"
                )
            if method not in SAFELISTED_METHODS and not listed(
                ex.header("access-control-allow-methods"), method
            ):
                problems.append(f"Access-Control-Allow-Methods does not list {method}")
            allow_headers = ex.header("access-control-allow-headers")
            missing = [h for h in wanted if not listed(allow_headers, h)]
            if missing:
                problems.append(f"Access-Control-Allow-Headers does not list {', '.join(missing)}")
        if not problems:
            continue
        path = urlsplit(ex.url).path or "/"
        yield Finding(
            f"the CORS preflight for {method} {path} from {ex.origin} fails: "
            f"{'; '.join(problems)}, so the browser never sends the request",
            Location(url=ex.url),
            fix=_cors_fix(ex.origin),
            evidence=ex.evidence(
                "access-control-allow-origin",
                "access-control-allow-methods",
                "access-control-allow-headers",
                body=False,
            ),
        )
