"""Helpers shared by the reporters: level mapping, counts, the summary line, path joining."""

from __future__ import annotations

import posixpath
from collections import Counter

from spacedoctor.model import Location, Reported, RunResult, Severity

_WORST_FIRST = sorted(Severity, key=lambda s: -s.rank)


def clean(text: str) -> str:
    """Prose from YAML block scalars ends with a newline; reports do not want it."""
    return text.rstrip()


def checks_run(result: RunResult) -> int:
    """Selected checks that neither skipped nor failed."""
    not_run = {s.id for s in result.skipped} | {e.id for e in result.errors}
    return len({c.id for c in result.checks} - not_run)


def skipped_count(result: RunResult) -> int:
    return len({s.id for s in result.skipped})


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(result: RunResult) -> str:
    """`3 findings (1 critical, 2 high) · 1 suppressed · 12 checks run` or `No findings · ...`."""
    parts = []
    if result.findings:
        counts = Counter(r.severity for r in result.findings)
        detail = ", ".join(f"{counts[s]} {s.value}" for s in _WORST_FIRST if counts[s])
        parts.append(f"{_plural(len(result.findings), 'finding')} ({detail})")
    else:
        parts.append("No findings")
    if result.suppressed:
        parts.append(f"{result.suppressed} suppressed")
    if result.skipped:
        parts.append(f"{skipped_count(result)} skipped")
    if result.errors:
        parts.append(_plural(len(result.errors), "error"))
    parts.append(f"{_plural(checks_run(result), 'check')} run")
    return " · ".join(parts)


def text_order(findings: tuple[Reported, ...]) -> list[Reported]:
    """Files first (by path, line, column), then URLs, then API fields."""
    return sorted(findings, key=Reported.sort_key)


def join_root(root: str | None, path: str) -> str:
    """A Space-relative path as seen from where the report is consumed (the CI checkout).

    With `root` "spaces/demo", `app.py` becomes `spaces/demo/app.py`, so annotations land on
    the right file when a subfolder of the repository was audited. "." or no root: unchanged.
    """
    if root is None:
        return path
    base = root.replace("\\", "/").rstrip("/")
    if base in ("", "."):
        return path
    return posixpath.normpath(f"{base}/{path}")


def location_label(loc: Location) -> str | None:
    """How a location reads in one line of text, or None when the finding has none."""
    if loc.path is not None:
        out = loc.path
        if loc.line is not None:
            out += f":{loc.line}"
            if loc.column is not None:
                out += f":{loc.column}"
        return out
    if loc.url is not None:
        return loc.url
    if loc.field is not None:
        return f"field {loc.field}"
    return None
