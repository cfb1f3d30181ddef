"""GitHub Actions workflow commands: one annotation per finding, then a summary line.

Escaping follows @actions/core (toolkit `command.ts`): the message escapes `%`, CR and LF; a
property value additionally escapes `:` and `,`, which would otherwise end the value.
"""

from __future__ import annotations

from typing import TextIO

from spacedoctor.model import Reported, RunResult, Severity
from spacedoctor.report._common import clean, join_root, summary

_COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult, out: TextIO, *, root: str | None = None) -> None:
    for r in result.findings:
        out.write(_annotation(r, root) + "\n")
    for err in result.errors:
        out.write(_command("error", {"title": f"{err.id} error"}, err.message) + "\n")
    out.write(f"spacedoctor: {summary(result)}\n")


def _annotation(r: Reported, root: str | None) -> str:
    loc = r.finding.location
    props: dict[str, str] = {}
    message = clean(r.finding.message)
    if loc.path is not None:
        props["file"] = join_root(root, loc.path)
        if loc.line is not None:
            props["line"] = str(loc.line)
            if loc.column is not None:
                props["col"] = str(loc.column)
    elif loc.url is not None:
        message = f"{loc.url}: {message}"
    elif loc.field is not None:
        message = f"{loc.field}: {message}"
    props["title"] = f"{r.id} {r.check.name}"
    if r.confirmed_by:
        message += f" (confirmed by the live probe: {', '.join(r.confirmed_by)})"
    return _command(_COMMAND[r.severity], props, f"{message}\n\nFix: {clean(r.fix)}")


def _command(name: str, props: dict[str, str], message: str) -> str:
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    return f"::{name} {joined}::{escape_data(message)}"
