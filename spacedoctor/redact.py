"""Redaction of secrets found in an audited repo, the way secret scanners show them: the first few
characters and an ellipsis (`hf_Ab…`), so the user can tell which token it is without the report
(a CI log, a SARIF upload, a PR annotation) becoming a second copy of it.

Checks that report a secret call `redact(value)` for the value itself and `redact_in(text, value)`
for any text that quotes it (a message, a fix, an evidence line); nothing else in spacedoctor
needs to know how much is shown.
"""

from __future__ import annotations

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
