"""Machine-readable report (format version 1); the README documents its shape."""

from __future__ import annotations

import json
from typing import Any, TextIO

import spacedoctor
from spacedoctor.model import Reported, RunResult
from spacedoctor.report._common import clean

VERSION = 1


def render(result: RunResult, out: TextIO) -> None:
    doc = {
        "version": VERSION,
        "tool": {"name": "spacedoctor", "version": spacedoctor.__version__},
        "target": result.target,
        "findings": [_finding(r) for r in result.findings],
        "skipped": [{"id": s.id, "reason": s.reason} for s in result.skipped],
        "errors": [{"id": e.id, "message": e.message} for e in result.errors],
    }
    out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def _finding(r: Reported) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": r.id,
        "name": r.check.name,
        "severity": r.severity.value,
        "title": clean(r.check.title),
        "message": clean(r.finding.message),
        "fix": clean(r.fix),
        "location": r.finding.location.to_dict(),
    }
    if r.finding.evidence is not None:
        item["evidence"] = r.finding.evidence
    if r.confirmed_by:
        item["confirmed_by"] = list(r.confirmed_by)
    return item
