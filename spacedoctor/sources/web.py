"""HTTP and HTML semantics the live checks read: links in a page, framing policy, CORS, cookies.

Pure functions over strings (no network): the browser rules they follow are cited where they
matter, because a live check is only as right as its reading of the headers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Which <link rel> values make the browser fetch the href as a subresource of the page.
log = logging.getLogger(__name__)

_FETCHED_RELS = frozenset(
    {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "manifest", "apple-touch-icon"}
)
_SRC_TAGS = {
    "script": ("src",),
    "img": ("src",),
    "source": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "input": ("src",),
}
_SKIP_SCHEMES = ("data:", "blob:", "javascript:", "mailto:", "about:", "tel:")


@dataclass(frozen=True)
class Link:
    """A subresource a page makes the browser fetch: the tag, and its URL resolved on the page."""

    tag: str
    url: str


class _LinkParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = page_url
        self.links: list[Link] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v for k, v in attrs if v is not None}
        if tag == "base" and "href" in values:
            self.base = urljoin(self.base, values["href"].strip())
            return
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels & _FETCHED_RELS and "href" in values:
                self._add(tag, values["href"])
            return
        for attr in _SRC_TAGS.get(tag, ()):
            if attr in values:
                self._add(tag, values[attr])

    def _add(self, tag: str, raw: str) -> None:
        ref = raw.strip()
        if not ref or ref.startswith("#") or ref.lower().startswith(_SKIP_SCHEMES):
            return
        self.links.append(Link(tag, urljoin(self.base, ref).split("#", 1)[0]))


def page_links(html: str, page_url: str) -> list[Link]:
    """Subresources (scripts, styles, icons, images, media) of an HTML page, in page order.
    Malformed HTML yields what could be read: the parser never raises on garbage."""
    parser = _LinkParser(page_url)
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient, but a hostile page must never crash the probe
        log.debug("HTML of %s could not be parsed to the end", page_url)
    seen: set[str] = set()
    out = []
    for link in parser.links:
        if link.url not in seen:
            seen.add(link.url)
            out.append(link)
    return out


def http_self_link(text: str, netloc: str) -> re.Match[str] | None:
    """The first `http://<netloc>` URL in `text` (JSON-escaped slashes included)."""
    pattern = re.compile(
        r"http:(?://|\\/\\/)" + re.escape(netloc) + r"(?=[/\\\"'?#\s<>),;]|$)", re.IGNORECASE
    )
    return pattern.search(text)


# -- framing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FramePolicy:
    """Whether a document may be framed by `embedder`, and which header decides it."""

    blocked: bool
    header: str | None = None  # the header line that blocks (or allows) framing
    reason: str = ""


def frame_policy(
    xfo_values: Iterable[str], csp_values: Iterable[str], embedder: str, self_origin: str
) -> FramePolicy:
    """Apply the browsers' rule: a CSP `frame-ancestors` directive, when present, decides and
    `X-Frame-Options` is ignored (CSP Level 2, and what Chrome/Firefox/Safari do); otherwise
    XFO `DENY` or `SAMEORIGIN` blocks a cross-origin embedder. `ALLOW-FROM` is not supported by
    current browsers, which ignore the header then."""
    policies = []
    for value in csp_values:
        for policy in value.split(","):
            for directive in policy.split(";"):
                parts = directive.strip().split()
                if parts and parts[0].lower() == "frame-ancestors":
                    policies.append((policy.strip(), parts[1:]))
    if policies:
        for text, sources in policies:
            if not _sources_allow(sources, embedder, self_origin):
                return FramePolicy(
                    True,
                    f"content-security-policy: {text}",
                    f"frame-ancestors does not list {embedder}",
                )
        return FramePolicy(False, f"content-security-policy: {policies[0][0]}")
    for value in xfo_values:
        tokens = {t.strip().lower() for t in value.split(",") if t.strip()}
        for token in ("deny", "sameorigin"):
            if token in tokens:
                return FramePolicy(
                    True, f"x-frame-options: {value}", f"X-Frame-Options {token.upper()}"
                )
    return FramePolicy(False)


def _sources_allow(sources: list[str], embedder: str, self_origin: str) -> bool:
    target = urlsplit(embedder)
    t_scheme, t_host = target.scheme.lower(), (target.hostname or "").lower()
    t_port = target.port or (443 if t_scheme == "https" else 80)
    for raw in sources:
        src = raw.strip().lower()
        if src == "'none'":
            continue
        if src == "*":
            return True
        if src == "'self'":
            if embedder.rstrip("/").lower() == self_origin.rstrip("/").lower():
                return True
            continue
        if src.startswith("'"):
            continue
        if re.fullmatch(r"[a-z][a-z0-9+.-]*:", src):
            # A scheme-source; `http:` matches https too (CSP3 upgrade rule).
            if src[:-1] == t_scheme or (src == "http:" and t_scheme == "https"):
                return True
            continue
        m = re.fullmatch(
            r"(?:([a-z][a-z0-9+.-]*)://)?(\*|\*\.[^:/]+|[^:/*]+)(?::(\*|\d+))?(/.*)?", src
        )
        if m is None:
            continue
        scheme, host, port, _path = m.groups()
        if scheme and not (scheme == t_scheme or (scheme == "http" and t_scheme == "https")):
            continue
        if host.startswith("*."):
            if not t_host.endswith(host[1:]):
                continue
        elif host != "*" and host != t_host:
            continue
        default_port = 443 if t_scheme == "https" else 80
        if port != "*" and (int(port) if port else default_port) != t_port:
            continue
        return True
    return False


# -- CORS ------------------------------------------------------------------------------------

#: Methods a CORS preflight never has to list (the fetch standard's CORS-safelisted methods).
SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})


def origin_allowed(acao: str | None, origin: str) -> bool:
    """`Access-Control-Allow-Origin` lets `origin` read the response (`*` or the exact origin)."""
    if acao is None:
        return False
    value = acao.strip()
    return value == "*" or value.rstrip("/").lower() == origin.rstrip("/").lower()


def listed(header: str | None, item: str) -> bool:
    """`item` is in a comma-separated CORS allow list (case-insensitive), or the list is `*`."""
    if header is None:
        return False
    items = {v.strip().lower() for v in header.split(",")}
    return "*" in items or item.lower() in items


# -- cookies ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cookie:
    name: str
    samesite: str | None  # lower-cased attribute value, None when absent
    secure: bool
    expired: bool  # a deletion (Max-Age<=0): nothing to send later


def parse_set_cookie(value: str) -> Cookie | None:
    parts = value.split(";")
    if "=" not in parts[0]:
        return None
    name = parts[0].split("=", 1)[0].strip()
    if not name:
        return None
    samesite = None
    secure = False
    expired = False
    for attr in parts[1:]:
        key, _, val = attr.strip().partition("=")
        key = key.strip().lower()
        if key == "samesite":
            samesite = val.strip().lower()
        elif key == "secure":
            secure = True
        elif key == "max-age":
            try:
                expired = int(val.strip()) <= 0
            except ValueError:
                pass
    return Cookie(name, samesite, secure, expired)


# -- content -----------------------------------------------------------------------------------

LFS_POINTER_PREFIX = b"version https://git-lfs.github.com/spec/v1"

#: Code that needs SharedArrayBuffer, hence a cross-origin isolated document. Deliberately
#: narrow: feature tests (`typeof SharedArrayBuffer`) are common in bundles and need nothing,
#: and ffmpeg.wasm's single-threaded core (0.12+) runs without isolation; only the
#: multi-threaded core (`@ffmpeg/core-mt`, whose worker file is ffmpeg-core.worker.js) needs it.
SAB_USE = re.compile(
    r"new\s+SharedArrayBuffer\s*\(|@ffmpeg/core-mt|ffmpeg-core\.worker\.js", re.IGNORECASE
)
