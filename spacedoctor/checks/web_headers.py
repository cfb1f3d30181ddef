"""Response headers that decide what the browser allows: credentialed CORS to any site (SD303),
framing blocked for the Space page (SD304), cross-origin isolation for SharedArrayBuffer (SD318)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacedoctor import platform_data as hub
from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.repo import Unreadable
from spacedoctor.sources.space import SpaceContext
from spacedoctor.sources.web import frame_policy
from spacedoctor.sources.webapp import Middleware, webapp_of
from spacedoctor.sources.webcode import (
    HEADER_COEP,
    HEADER_COOP,
    HEADER_CORP,
    HEADER_CSP,
    HEADER_XFO,
    PROBE_ORIGIN,
    HeaderSet,
    TextFile,
    flask_cors_credentials,
    frontend_files,
    header_settings,
    is_test_path,
    line_of,
    string_constants,
)

#: Stand-in for the Space's own origin: never the embedder, so `'self'` does not allow it.
_SELF_ORIGIN = "https://space.hf.space"

# --- SD303 ------------------------------------------------------------------------------------


def _wild_starlette(mw: Middleware) -> str | None:
    """How a CORSMiddleware lets every origin in, or None."""
    origins = mw.origins()
    if origins is not None and "*" in origins:
        return 'allow_origins=["*"]'
    regex = mw.origin_regex()
    if regex is not None:
        try:
            if re.fullmatch(regex, PROBE_ORIGIN):
                return f"allow_origin_regex={regex!r}"
        except re.error:
            return None
    return None


@check("SD303")
def cors_reflect_credentials(ctx: SpaceContext) -> Iterator[Finding]:
    if not ctx.app.modules:
        raise SkipCheck("no Python files")
    for mw in webapp_of(ctx).middleware():
        if not mw.is_cors or is_test_path(mw.where.path):
            continue
        creds = mw.options.get("allow_credentials")
        if getattr(creds, "value", None) is not True:
            continue
        wild = _wild_starlette(mw)
        if wild is None:
            continue
        app = mw.owner.name
        yield Finding(
            f"CORSMiddleware on `{app}` ({mw.where}) has {wild} with allow_credentials=True: "
            "Starlette then answers a request from any site with that site's own origin in "
            "Access-Control-Allow-Origin and with Access-Control-Allow-Credentials: true, so any "
            "web page a visitor opens can call this app with the visitor's cookies and read "
            "the answers",
            Location(mw.where.path, mw.where.line),
            fix=(
                "If no page on another site needs the visitor's cookies, drop the credentials: "
                f'`{app}.add_middleware(CORSMiddleware, allow_origins=["*"], '
                'allow_methods=["*"], allow_headers=["*"])`. Otherwise list the sites that '
                f'need them: `allow_origins=["https://your-frontend.example"], '
                "allow_credentials=True`."
            ),
        )
    for module_path, module in sorted(ctx.app.modules.items()):
        if is_test_path(module_path):
            continue
        for cfg in flask_cors_credentials(module):
            where = f" for the resource {cfg.resource!r}" if cfg.resource else ""
            yield Finding(
                f"flask-cors {cfg.call} has {cfg.origins}{where} with "
                "supports_credentials=True: flask-cors then echoes any request's Origin in "
                "Access-Control-Allow-Origin with Access-Control-Allow-Credentials: true, so "
                "any web page a visitor opens can call this app with the visitor's cookies and "
                "read the answers",
                Location(cfg.path, cfg.line),
                fix=(
                    "If no page on another site needs the visitor's cookies, drop "
                    "supports_credentials=True. Otherwise list the sites that need them: "
                    '`CORS(app, origins=["https://your-frontend.example"], '
                    "supports_credentials=True)`."
                ),
            )


# --- SD304 ------------------------------------------------------------------------------------


def _blocks(h: HeaderSet) -> str | None:
    """Why this header alone keeps the Space page from framing the app, or None."""
    if h.name == HEADER_XFO:
        policy = frame_policy([h.value], [], hub.SPACE_PAGE_ORIGIN, _SELF_ORIGIN)
    elif h.name == HEADER_CSP:
        policy = frame_policy([], [h.value], hub.SPACE_PAGE_ORIGIN, _SELF_ORIGIN)
    else:
        return None
    return policy.reason if policy.blocked else None


def _allows_by_csp(h: HeaderSet) -> bool:
    if h.name != HEADER_CSP or "frame-ancestors" not in h.value.lower():
        return False
    return not frame_policy([], [h.value], hub.SPACE_PAGE_ORIGIN, _SELF_ORIGIN).blocked


def _header_fix(h: HeaderSet) -> str:
    csp = f"Content-Security-Policy: {hub.FRAME_ANCESTORS_HF}"
    if h.source.startswith("Talisman") or ".init_app(" in h.source:
        return (
            "Let huggingface.co frame the app: `Talisman(app, frame_options=None, "
            'content_security_policy={"default-src": "\'self\'", "frame-ancestors": '
            "\"'self' https://huggingface.co https://*.hf.space\"})`."
        )
    if h.source.startswith(("Secure.", "SecureASGI", "SecureWSGI")):
        return (
            "Build the headers without a framing block: `Secure(csp=ContentSecurityPolicy()"
            '.default_src("\'self\'").frame_ancestors("\'self\'", "https://huggingface.co", '
            '"https://*.hf.space"), xcto=XContentTypeOptions().nosniff())` (no xfo=), and '
            "pass it as `secure=`."
        )
    if h.source == "nginx add_header":
        return (
            f"Replace the line with `add_header Content-Security-Policy "
            f'"{hub.FRAME_ANCESTORS_HF}" always;`.'
        )
    if h.name == HEADER_XFO:
        return (
            "Remove the X-Frame-Options header and send "
            f'`{csp}` instead, e.g. `response.headers["Content-Security-Policy"] = '
            f'"{hub.FRAME_ANCESTORS_HF}"`.'
        )
    return (
        "Make frame-ancestors list the Space page: `"
        + re.sub(
            r"frame-ancestors[^;,]*",
            hub.FRAME_ANCESTORS_HF,
            h.value,
            count=1,
            flags=re.IGNORECASE,
        )
        + "`."
    )


@check("SD304")
def frame_blocking_headers(ctx: SpaceContext) -> Iterator[Finding]:
    if ctx.card.data.get("disable_embedding") is True:
        raise SkipCheck("disable_embedding: true: the Space page does not embed the app")
    if ctx.sdk == "static":
        raise SkipCheck("static Spaces are served by the platform, not by the Space's code")
    headers = header_settings(ctx.app, ctx.repo)
    # A CSP frame-ancestors directive, when present, decides and X-Frame-Options is ignored.
    csp_allows = any(_allows_by_csp(h) for h in headers)
    seen: set[tuple[str, int]] = set()
    for h in headers:
        reason = _blocks(h)
        if reason is None or (h.name == HEADER_XFO and csp_allows):
            continue
        if (h.path, h.line) in seen:
            continue
        seen.add((h.path, h.line))
        shown = h.value if h.name == HEADER_XFO else _frame_ancestors(h.value)
        notes = [n for n in ("the library's default" if h.implicit else "",) if n]
        if h.name == HEADER_CSP:
            notes.append(reason)
        note = f" ({'; '.join(notes)})" if notes else ""
        yield Finding(
            f"{h.source} at {h.path}:{h.line} sends `{_title(h.name)}: {shown}`{note}"
            f": the Space page on {hub.SPACE_PAGE_ORIGIN} shows the app in an iframe, "
            "and the browser refuses to display it there, so visitors see a blank frame",
            Location(h.path, h.line),
            fix=_header_fix(h),
        )


def _frame_ancestors(csp: str) -> str:
    for directive in csp.split(";"):
        if directive.strip().lower().startswith("frame-ancestors"):
            return directive.strip()
    return csp


def _title(name: str) -> str:
    return {"x-frame-options": "X-Frame-Options"}.get(name, "Content-Security-Policy")


# --- SD318 ------------------------------------------------------------------------------------

#: Code that cannot run without SharedArrayBuffer, hence without a cross-origin isolated page.
#: Deliberately narrow (see the catalog): ffmpeg.wasm 0.12's default core is single-threaded and
#: needs nothing; 0.11's createFFmpeg() loads the threaded core unless corePath names core-st.
_NEEDS_SAB = re.compile(
    r"new\s+SharedArrayBuffer\s*\("
    r"|WebAssembly\.Memory\s*\(\s*\{[^}]*\bshared\s*:\s*(?:true|!0)"
    r"|@ffmpeg/core-mt"
    r"|ffmpeg-core\.worker\.js"
    r"|\bcreateFFmpeg\s*\(",
)
#: A file that tests for isolation handles the non-isolated case (a fallback, a message).
_GUARD = re.compile(r"typeof\s+SharedArrayBuffer|crossOriginIsolated|@ffmpeg/core-st")


def _uses(path: str, text: str, start: int = 1) -> Iterator[tuple[str, int, str]]:
    if _GUARD.search(text):
        return
    for m in _NEEDS_SAB.finditer(text):
        yield path, line_of(text, m.start(), start), re.sub(r"\s+", " ", m.group(0))


def _sab_uses(ctx: SpaceContext) -> list[tuple[str, int, str]]:
    uses: list[tuple[str, int, str]] = []
    files: list[TextFile] = frontend_files(ctx.repo)
    for f in files:
        uses.extend(_uses(f.path, f.text))
    if "package.json" in ctx.repo:
        try:
            text = ctx.repo.read_text("package.json")
        except Unreadable:  # an unreadable package.json says nothing
            text = ""
        m = re.search(r'"@ffmpeg/core-mt"\s*:', text)
        if m is not None:
            uses.append(("package.json", line_of(text, m.start()), "@ffmpeg/core-mt"))
    for path, module in sorted(ctx.app.modules.items()):
        if is_test_path(path):
            continue
        for value, line in string_constants(module):
            if "<" in value or "SharedArrayBuffer" in value or "ffmpeg" in value.lower():
                uses.extend(_uses(path, value, line))
    return uses


@check("SD318")
def sab_without_isolation(ctx: SpaceContext) -> Iterator[Finding]:
    uses = _sab_uses(ctx)
    if not uses:
        raise SkipCheck("no code that needs SharedArrayBuffer")
    card = ctx.card
    raw = card.data.get("custom_headers")
    custom = raw if isinstance(raw, dict) else {}
    coop = custom.get(HEADER_COOP)
    coep = custom.get(HEADER_COEP)
    coop_ok = isinstance(coop, str) and coop in hub.ISOLATING_COOP
    coep_ok = isinstance(coep, str) and coep in hub.ISOLATING_COEP
    app_sets: list[HeaderSet] = []
    if ctx.sdk != "static":
        # Docker and Gradio apps answer the requests themselves and may send the headers.
        for h in header_settings(ctx.app, ctx.repo):
            token = h.value.split(";", 1)[0].strip().lower()
            if h.name == HEADER_COOP and token in hub.ISOLATING_COOP and not coop_ok:
                coop_ok = True
                app_sets.append(h)
            elif h.name == HEADER_COEP and token in hub.ISOLATING_COEP and not coep_ok:
                coep_ok = True
                app_sets.append(h)
    if coop_ok and coep_ok:
        return
    shown = "; ".join(f"{p}:{line} (`{what}`)" for p, line, what in uses[:3])
    if len(uses) > 3:
        shown += f" and {len(uses) - 3} more"
    by_app = {h.name: f"{h.path}:{h.line}" for h in app_sets}
    state = ", ".join(
        f"{name} is {_state(value, ok, by_app.get(name))}"
        for name, value, ok in ((HEADER_COOP, coop, coop_ok), (HEADER_COEP, coep, coep_ok))
    )
    missing = []
    if not coep_ok:
        missing.append(f"  {HEADER_COEP}: require-corp")
    if not coop_ok:
        missing.append(f"  {HEADER_COOP}: same-origin")
    if HEADER_CORP not in custom:
        missing.append(f"  {HEADER_CORP}: cross-origin")
    if "custom_headers" in card.data:
        intro = f"Add under custom_headers in {card.path or 'README.md'}:\n"
    else:
        intro = "Add to the README front matter:\ncustom_headers:\n"
    yield Finding(
        f"{shown} cannot run without SharedArrayBuffer, which browsers provide only to a "
        f"cross-origin isolated page, but {state}: the browser fails with "
        "`SharedArrayBuffer is not defined` (`crossOriginIsolated === false`)",
        Location(card.path or "README.md", card.line("custom_headers")),
        fix=(
            intro
            + "\n".join(missing)
            + "\nthen open the app on its direct https://<subdomain>.hf.space URL: inside "
            "the huggingface.co Space page the iframe is isolated only if the embedding page "
            "is too."
        ),
    )


def _state(value: object, ok: bool, where: str | None) -> str:
    if ok and where is not None:
        return f"sent by the app ({where})"
    if value is None:
        return "not set in custom_headers"
    return f"`{value}`"
