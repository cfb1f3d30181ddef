"""Reporters: turn a RunResult into text, JSON, SARIF or GitHub workflow commands."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import TextIO

from spacedoctor.model import CheckError, Finding, Location, Reported, RunResult, Skipped

FORMATS = ("text", "json", "sarif", "github")


def render(
    fmt: str, result: RunResult, out: TextIO, *, color: bool, root: str | None = None
) -> None:
    """Write `result` to `out` in format `fmt` (one of FORMATS).

    `color` asks for terminal colours (text only; the other formats are machine-read).
    `root` is the audited folder as the user named it; github and sarif use it to locate files
    from the repository checkout (see `spacedoctor.report._common.join_root`). Text and JSON
    keep paths relative to the audited root.
    """
    result = printable(result)
    # Each reporter is imported only when used: `spacedoctor audit` must start fast.
    if fmt == "text":
        from spacedoctor.report import text

        text.render(result, out, color=color)
    elif fmt == "json":
        from spacedoctor.report import json

        json.render(result, out)
    elif fmt == "sarif":
        from spacedoctor.report import sarif

        sarif.render(result, out, root=root)
    elif fmt == "github":
        from spacedoctor.report import github

        github.render(result, out, root=root)
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: str) -> str:
    """A file name that is not UTF-8 reaches us surrogate-escaped (PEP 383); reports must be
    valid UTF-8, so such bytes are shown as \\xNN escapes."""
    if not _SURROGATE.search(value):
        return value
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def run_secrets() -> tuple[str, ...]:
    """The tokens this process holds (never to be printed, whatever quotes them)."""
    names = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")
    return tuple(v for v in (os.environ.get(n, "") for n in names) if v.strip())


def printable(result: RunResult) -> RunResult:
    """`result` as it may be shown: secret-shaped text redacted (spacedoctor.redact.scrub),
    and every string encodable as UTF-8."""
    from spacedoctor.redact import scrub

    secrets = run_secrets()

    def text(value: str) -> str:
        return _text(scrub(value, secrets))

    def opt(value: str | None) -> str | None:
        return None if value is None else text(value)

    def finding(f: Finding) -> Finding:
        loc = f.location
        return replace(
            f,
            message=text(f.message),
            fix=opt(f.fix),
            evidence=opt(f.evidence),
            location=Location(opt(loc.path), loc.line, loc.column, opt(loc.url), opt(loc.field)),
        )

    return replace(
        result,
        target=text(result.target),
        findings=tuple(
            Reported(r.check, finding(r.finding), r.severity, r.confirmed_by)
            for r in result.findings
        ),
        skipped=tuple(Skipped(s.id, text(s.reason)) for s in result.skipped),
        errors=tuple(CheckError(e.id, text(e.message)) for e in result.errors),
    )
