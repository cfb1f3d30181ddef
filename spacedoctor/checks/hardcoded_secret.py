"""Credentials written into the Space's files (SD306)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from spacedoctor.api import Finding, Location, check
from spacedoctor.redact import redact, redact_in
from spacedoctor.sources.repo import Unreadable
from spacedoctor.sources.secrets import (
    GOOGLE,
    PRIVATE_KEY,
    SecretHit,
    find_secrets,
    is_env_file,
    is_key_file,
)
from spacedoctor.sources.space import SpaceContext

#: Files larger than this are data, not something a person typed a token into.
MAX_SCAN_BYTES = 1_000_000
#: Code that may run in a browser.
_BROWSER = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".vue", ".svelte", ".html", ".htm")


def _sd505_file(name: str) -> bool:
    """Files SD505 (env-file-committed) reports as a whole: env files that are not templates
    (a real token in `.env.example` is this check's to report), and private key files. A secret
    in them is reported once, there."""
    return is_key_file(name) or is_env_file(name)


@check("SD306")
def hardcoded_secret(ctx: SpaceContext) -> Iterator[Finding]:
    for f in sorted(ctx.repo, key=lambda f: f.rel):
        if f.size == 0 or f.size > MAX_SCAN_BYTES or _sd505_file(PurePosixPath(f.rel).name):
            continue
        if ctx.repo.is_binary(f.rel) or ctx.repo.is_lfs_pointer(f.rel):
            continue
        try:
            text = ctx.repo.read_text(f.rel, MAX_SCAN_BYTES)
        except Unreadable:
            continue
        hits = find_secrets(text)
        lines = text.splitlines() if hits else []
        for hit in hits:
            if hit.provider is GOOGLE and f.rel.endswith(_BROWSER):
                # Browser keys (Maps, Firebase) are public by design and locked to referrers;
                # a key in page code is meant to be seen.
                continue
            yield _finding(f.rel, hit, hits, lines)


def _finding(path: str, hit: SecretHit, hits: list[SecretHit], lines: list[str]) -> Finding:
    shown = redact(hit.value)
    p = hit.provider
    raw = lines[hit.line - 1] if hit.line <= len(lines) else ""
    for other in hits:
        if other.line == hit.line:
            raw = redact_in(raw, other.value)
    evidence = raw.strip()
    if len(evidence) > 160:
        evidence = evidence[:157] + "..."
    message = (
        f"{path} line {hit.line} holds {p.label} ({shown}) in plain text: anyone who can read "
        "the repository (a public Space's files are public) can use it"
    )
    if p is PRIVATE_KEY:
        first = f"Replace this key pair now in {p.revoke}"
    else:
        first = f"Revoke {shown} now at {p.revoke}"
    fix = (
        f"{first}: it was exposed the moment it was pushed (the Hub scans every push for "
        "secrets, after the fact). Create a new one, add it as a Space secret named "
        f"{p.env} (Settings > Variables and secrets), and {_read_secret(path, p.env)}. "
        "Deleting the line is not enough: it stays in the git history."
    )
    return Finding(message, Location(path, hit.line, hit.column), fix=fix, evidence=evidence)


def _read_secret(path: str, env: str) -> str:
    if path.endswith((".py", ".ipynb")):
        return f'read it at runtime with `os.environ["{env}"]`'
    if path.endswith(_BROWSER):
        return (
            f"read it on the server only (`process.env.{env}` in Node, "
            f'`os.environ["{env}"]` in Python): code that runs in the browser cannot keep a '
            "secret, so make the calls that need it from the Space's backend"
        )
    if PurePosixPath(path).name == "Dockerfile":
        return (
            f"use it in a build step only through `RUN --mount=type=secret,id={env},"
            f"mode=0444,required=true`, or read it at runtime as ${env}"
        )
    return f"read it from the environment (${env}) instead of this file"
