"""Links the app builds to itself with http:// although visitors reach it over https."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from spacedoctor.api import Finding, Location, SkipCheck, check

if TYPE_CHECKING:
    from spacedoctor.sources.live import Exchange, LiveContext
from spacedoctor.sources.web import http_self_link


def _snippet(text: str, start: int, end: int) -> str:
    a, b = max(0, start - 40), min(len(text), end + 60)
    return repr(" ".join(text[a:b].split()))


def _status(ex: Exchange) -> str:
    return ex.final.status_line if ex.final else ""


@check("SD602")
def insecure_self_urls(ctx: LiveContext) -> Iterator[Finding]:
    if ctx.public_scheme != "https":
        raise SkipCheck(
            f"{ctx.target} is served over plain http to everyone; http self-links are only "
            "wrong behind https (probe the https URL of the Space)"
        )
    netloc = ctx.netloc
    seen: set[tuple[str, str]] = set()
    for ex in ctx.exchanges:
        for hop in ex.hops:
            location = hop.header("location")
            if location and http_self_link(location, netloc) and (hop.url, "location") not in seen:
                seen.add((hop.url, "location"))
                yield Finding(
                    f"{hop.url} redirects to {location}: an http:// URL of the app itself, so the "
                    "browser leaves https (mixed content, or a downgrade the proxy bounces back)",
                    Location(url=hop.url),
                    evidence=f"{hop.status_line}; location: {location}",
                )
        if not ex.answered or not ex.body or not (ex.is_html or ex.is_json):
            continue
        url = ex.final_url
        if (url, "body") in seen:
            continue
        doc = ex.json() if ex.is_json else None
        servers = doc.get("servers") if isinstance(doc, dict) else None
        if isinstance(servers, list):
            for i, server in enumerate(servers):
                value = server.get("url") if isinstance(server, dict) else None
                if isinstance(value, str) and http_self_link(value, netloc):
                    seen.add((url, "body"))
                    yield Finding(
                        f"the OpenAPI document {url} lists servers[{i}].url {value}: clients "
                        "generated from it (and /docs 'Try it out') call the app over http",
                        Location(url=url),
                        evidence=f"{_status(ex)}; servers[{i}].url: {value}",
                    )
                    break
            if (url, "body") in seen:
                continue
        text = ex.text()
        m = http_self_link(text, netloc)
        if m is None:
            continue
        seen.add((url, "body"))
        kind = "page" if ex.is_html else "JSON response"
        yield Finding(
            f"the {kind} {url} links the app itself as {m.group(0)}: behind the Spaces proxy "
            "the browser blocks it as mixed content or is downgraded to http",
            Location(url=url),
            evidence=f"{_status(ex)}; {_snippet(text, m.start(), m.end())}",
        )
