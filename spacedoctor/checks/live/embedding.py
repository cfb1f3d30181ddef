"""What the Space page's iframe needs from the app: framing allowed, isolation when the page
uses SharedArrayBuffer, cookies that survive a cross-site iframe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from spacedoctor.api import Finding, Location, Severity, SkipCheck, check

if TYPE_CHECKING:
    from spacedoctor.sources.live import Exchange, LiveContext
from spacedoctor.sources.web import SAB_USE, frame_policy, parse_set_cookie

_ISOLATION = ("cross-origin-opener-policy", "cross-origin-embedder-policy")
_CUSTOM = (*_ISOLATION, "cross-origin-resource-policy")


def _answered_root(ctx: LiveContext) -> Exchange:
    root = ctx.root
    if root is None or not root.answered or root.status is None or root.status >= 400:
        raise SkipCheck("the root page did not answer with a page")
    return root


@check("SD605")
def framing_blocked(ctx: LiveContext) -> Iterator[Finding]:
    from spacedoctor.sources.live import SPACE_PAGE_ORIGIN

    if ctx.disable_embedding:
        raise SkipCheck("disable_embedding: true: the Space page does not embed the app")
    root = _answered_root(ctx)
    policy = frame_policy(
        root.header_all("x-frame-options"),
        root.header_all("content-security-policy"),
        SPACE_PAGE_ORIGIN,
        ctx.origin,
    )
    if not policy.blocked:
        return
    yield Finding(
        f"{root.final_url} sends `{policy.header}` ({policy.reason}): the Space page on "
        f"{SPACE_PAGE_ORIGIN} shows the app in an iframe, and the browser refuses to display "
        "it there (a blank page, 'refused to connect')",
        Location(url=root.final_url),
        evidence=root.evidence("x-frame-options", "content-security-policy", body=False),
    )


def _token(value: str | None) -> str | None:
    if value is None:
        return None
    return value.split(";", 1)[0].strip().lower() or None


def _sab_use(ctx: LiveContext, root: Exchange) -> tuple[str, str] | None:
    """(url, snippet) of the first code that needs SharedArrayBuffer: the page or its scripts."""
    from spacedoctor.sources.live import Role

    candidates = [root] + [e for e in ctx.by_role(Role.ASSET) if e.ok and e.is_script]
    for ex in candidates:
        text = ex.text()
        m = SAB_USE.search(text)
        if m is not None:
            return ex.final_url, m.group(0)
    return None


@check("SD606")
def coop_coep_state(ctx: LiveContext) -> Iterator[Finding]:
    root = _answered_root(ctx)
    coop = _token(root.header("cross-origin-opener-policy"))
    coep = _token(root.header("cross-origin-embedder-policy"))
    isolated = coop == "same-origin" and coep in ("require-corp", "credentialless")
    use = _sab_use(ctx, root) if root.is_html else None
    if use is not None and not isolated:
        where, what = use
        yield Finding(
            f"{where} uses `{what}`, which needs a cross-origin isolated page, but "
            f"{root.final_url} is not: Cross-Origin-Opener-Policy is {coop or 'absent'}, "
            f"Cross-Origin-Embedder-Policy is {coep or 'absent'} (SharedArrayBuffer is undefined)",
            Location(url=root.final_url),
            severity=Severity.HIGH,
            evidence=root.evidence(*_ISOLATION, body=False),
        )
    wanted = ctx.custom_headers
    if not (ctx.is_hf_space and wanted):
        return
    # The platform applies `custom_headers` on *.hf.space only; a local container lacks them.
    for name in _CUSTOM:
        want = wanted.get(name)
        if want is None:
            continue
        got = root.header(name)
        if _token(got) == _token(want):
            continue
        yield Finding(
            f"the card's custom_headers sets `{name}: {want}` but {root.final_url} answered "
            f"{'without it' if got is None else f'with `{name}: {got}`'}: the Space runs an "
            "older configuration, or the app overrides the header",
            Location(url=root.final_url),
            fix="Restart the Space so the current README configuration applies; if the app "
            f"sets {name} itself, make it send `{want}` or stop setting it.",
            evidence=root.evidence(name, body=False),
        )


@check("SD610")
def header_hygiene(ctx: LiveContext) -> Iterator[Finding]:
    from spacedoctor.sources.live import SPACE_PAGE_ORIGIN

    if ctx.disable_embedding:
        raise SkipCheck("disable_embedding: true: the app is not shown in a cross-site iframe")
    seen: set[str] = set()
    for ex in ctx.exchanges:
        for hop in ex.hops:
            for value in hop.header_all("set-cookie"):
                cookie = parse_set_cookie(value)
                if cookie is None or cookie.expired or cookie.name in seen:
                    continue
                if cookie.samesite == "none" and cookie.secure:
                    continue
                seen.add(cookie.name)
                if cookie.samesite == "none":
                    why = "SameSite=None without Secure, which browsers reject"
                elif cookie.samesite is None:
                    why = "no SameSite attribute (Chrome treats it as Lax)"
                else:
                    why = f"SameSite={cookie.samesite.capitalize()}"
                yield Finding(
                    f"{hop.url} sets cookie `{cookie.name}` with {why}: inside the Space page's "
                    f"iframe (a {SPACE_PAGE_ORIGIN} page showing a *.hf.space app) the browser "
                    "does not store or send it, so sessions, logins and XSRF tokens fail there",
                    Location(url=hop.url),
                    fix=f"Set `{cookie.name}` with `SameSite=None; Secure`; for Streamlit run "
                    "with `--server.enableXsrfProtection false`. Some browsers block third-party "
                    "cookies entirely: link users to the direct *.hf.space URL for logins.",
                    evidence=f"{hop.status_line}; set-cookie: {value.split('=', 1)[0]}=...; "
                    f"{'; '.join(a.strip() for a in value.split(';')[1:])}",
                )
