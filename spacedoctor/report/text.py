"""Human-readable report: findings grouped by file, each with its message and fix, then a summary.

Plain (not a terminal) output is built without rich and is stable for snapshots; with `color`
the same lines are styled through rich, imported only then.
"""

from __future__ import annotations

from typing import TextIO

from spacedoctor.model import Reported, RunResult, Severity
from spacedoctor.report._common import clean, location_label, summary, text_order

#: One output line: (text, rich style or "") segments.
Line = list[tuple[str, str]]

_SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
_INDENT = "  "
_BODY = "    "


def render(result: RunResult, out: TextIO, *, color: bool = False) -> None:
    lines = build(result)
    if not color:
        for line in lines:
            out.write("".join(text for text, _ in line) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(
        file=out, force_terminal=True, highlight=False, markup=False, emoji=False, soft_wrap=True
    )
    for line in lines:
        console.print(Text.assemble(*((text, style) for text, style in line)))


def build(result: RunResult) -> list[Line]:
    """The report as styled lines, findings grouped under their file (or URL, or API field);
    plain output is their text joined."""
    lines: list[Line] = []
    group: str | None = None
    for reported in text_order(result.findings):
        where = _group(reported, result.target)
        if where != group:
            group = where
            lines.append([(where, "bold underline")])
        lines.extend(_finding(reported))
        lines.append([])
    if result.errors:
        lines.extend(
            [("error", "bold red"), (f" {err.id}: ", "bold"), (clean(err.message), "")]
            for err in result.errors
        )
        lines.append([])
    lines.append([(summary(result), "bold")])
    return lines


def _group(r: Reported, target: str) -> str:
    loc = r.finding.location
    if loc.path is not None:
        return loc.path
    return location_label(loc) or target


def _finding(r: Reported) -> list[Line]:
    loc = r.finding.location
    where = ""
    if loc.path is not None and loc.line is not None:
        where = f"{loc.line}:{loc.column}" if loc.column is not None else str(loc.line)
    head: Line = [
        (_INDENT, ""),
        (where + "  " if where else "", "bold"),
        (r.id, "bold"),
        (" ", ""),
        (r.severity.value, _SEVERITY_STYLE[r.severity]),
        ("  ", ""),
        (r.check.name, "dim"),
    ]
    lines = [head]
    lines.extend([(_BODY + text, "")] for text in clean(r.finding.message).splitlines())
    lines.extend(_labelled("fix", clean(r.fix), "green"))
    if r.finding.evidence:
        lines.extend(_labelled("evidence", clean(r.finding.evidence), "dim"))
    if r.confirmed_by:
        seen = ", ".join(r.confirmed_by)
        lines.extend(_labelled("confirmed", f"the live probe saw it ({seen})", "bold red"))
    return lines


def _labelled(label: str, body: str, style: str) -> list[Line]:
    """`  fix: first line`, continuation lines aligned under the first, their indentation kept."""
    first, *rest = body.splitlines() or [""]
    pad = " " * (len(_BODY) + len(label) + 2)
    lines: list[Line] = [[(_BODY, ""), (label + ":", style), (" " + first, "")]]
    lines.extend([(pad + text if text else "", "")] for text in rest)
    return lines
