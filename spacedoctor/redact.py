"""Redaction of secrets found in an audited repo, the way secret scanners show them: the first few
characters and an ellipsis (`hf_Ab…`), so the user can tell which token it is without the report
(a CI log, a SARIF upload, a PR annotation) becoming a second copy of it.

Checks that report a secret call `redact(value)` for the value itself and `redact_in(text, value)`
for any text that quotes it (a message, a fix, an evidence line); nothing else in spacedoctor
needs to know how much is shown.
"""

from __future__ import annotations

import re

#: At most this many leading characters are shown (`hf_` plus two: enough to tell tokens apart).
SHOWN = 5
ELLIPSIS = "…"


def redact(secret: str) -> str:
    """`secret` cut to its first few characters and an ellipsis: `redact("hf_AbCd...") ==
    "hf_Ab…"`. At most a quarter of the value is shown, so a short secret keeps most of it
    hidden (an 8-character password shows 2); an empty value becomes the ellipsis alone."""
    value = secret.strip()
    return value[: min(SHOWN, len(value) // 4)] + ELLIPSIS


def redact_in(text: str, secret: str) -> str:
    """`text` with every occurrence of `secret` replaced by its redacted form."""
    value = secret.strip()
    if not value:
        return text
    return text.replace(value, redact(value))


_OPTION = re.compile(
    r"(?i)(--?(?:token|password|passwd|api[-_]?key|secret)(?:=|\s+))([\"']?)([^\s\"']+)"
)
#: `scheme://user:password@host` and `scheme://<token>@host` (a token used as the user name).
_URL_PASSWORD = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)([^@\s/]+)(?=@)")
_URL_TOKEN_USER = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)([A-Za-z0-9_\-]{16,})(?=@)")


def scrub(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with anything secret-shaped redacted: the given `secrets` (e.g. the HF_TOKEN of
    this run), provider token shapes (hf_..., sk-..., ghp_..., AKIA...), values of --token /
    --password / --api-key options, and credentials in URLs. Reports pass every string they
    print through this, so no check can leak a token by quoting a line that holds one."""
    for secret in secrets:
        if len(secret.strip()) >= 8:
            text = redact_in(text, secret)
    from spacedoctor.sources.secrets import token_patterns

    for pattern in token_patterns():
        text = pattern.sub(lambda m: redact(m.group(0)), text)

    def option(m: re.Match[str]) -> str:
        value = m.group(3)
        if value.startswith("$") or value.endswith(ELLIPSIS):
            return m.group(0)
        return m.group(1) + m.group(2) + redact(value)

    text = _OPTION.sub(option, text)
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + redact(m.group(2)), text)
    return _URL_TOKEN_USER.sub(lambda m: m.group(1) + redact(m.group(2)), text)
