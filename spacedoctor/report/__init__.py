"""Reporters: turn a RunResult into text, JSON, SARIF or GitHub workflow commands."""

from __future__ import annotations

from typing import TextIO

from spacedoctor.model import RunResult

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
