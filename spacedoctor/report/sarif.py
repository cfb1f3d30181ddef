"""SARIF 2.1.0 report for code scanning: one run, the selected checks as rules, findings as results.

File locations are relative to `%SRCROOT%` (the repository checkout), or absolute `file://`
URIs when the audited folder was given as an absolute path; URLs and API fields become logical
locations (a URL also leads the message). Check errors are tool execution notifications
and make `executionSuccessful` false; skipped checks are notes beside them.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, TextIO
from urllib.parse import quote

import spacedoctor
from spacedoctor.model import CheckInfo, Location, Reported, RunResult, Severity
from spacedoctor.report._common import clean, join_root

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def render(result: RunResult, out: TextIO, *, root: str | None = None) -> None:
    out.write(json.dumps(build(result, root=root), indent=2, ensure_ascii=False) + "\n")


def build(result: RunResult, *, root: str | None = None) -> dict[str, Any]:
    checks = _rule_checks(result)
    index = {c.id: i for i, c in enumerate(checks)}
    base = _dir_uri(root) if root is not None and _is_absolute(root) else None
    prefix = None if base is not None else root
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "spacedoctor",
                "version": spacedoctor.__version__,
                "rules": [_rule(c) for c in checks],
            }
        },
        "invocations": [_invocation(result, index)],
        "columnKind": "unicodeCodePoints",
        "results": [_result(r, index, prefix, base) for r in result.findings],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule_checks(result: RunResult) -> list[CheckInfo]:
    """The selected checks, plus any check a finding names that the selection did not list."""
    out: dict[str, CheckInfo] = {c.id: c for c in result.checks}
    for r in result.findings:
        out.setdefault(r.check.id, r.check)
    return list(out.values())


def _rule(c: CheckInfo) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": c.id,
        "name": c.name,
        "shortDescription": {"text": clean(c.title)},
        "fullDescription": {"text": clean(c.why)},
        "help": {"text": clean(c.fix), "markdown": _help_markdown(c)},
    }
    if c.references:
        rule["helpUri"] = c.references[0]
    rule["defaultConfiguration"] = {"level": _LEVEL[c.severity]}
    rule["properties"] = {"tags": [c.target.value]}
    return rule


def _help_markdown(c: CheckInfo) -> str:
    parts = [clean(c.why), "**Fix**", _markdown_blocks(clean(c.fix))]
    if c.references:
        parts.append("\n".join(f"- <{ref}>" for ref in c.references))
    return "\n\n".join(parts)


def _markdown_blocks(text: str) -> str:
    """Catalog prose marks pasteable text by indenting it; markdown needs a fence for that."""
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if block:
            width = min(len(b) - len(b.lstrip()) for b in block if b.strip())
            out.extend(["```", *(b[width:] for b in block), "```"])
            block.clear()

    for line in text.splitlines():
        if line.startswith((" ", "\t")) and line.strip():
            block.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


def _result(
    r: Reported, index: dict[str, int], prefix: str | None, base: str | None
) -> dict[str, Any]:
    url = r.finding.location.url
    lead = f"{url}: " if url is not None else ""
    item: dict[str, Any] = {
        "ruleId": r.id,
        "ruleIndex": index[r.id],
        "level": _LEVEL[r.severity],
        "message": {"text": f"{lead}{clean(r.finding.message)}\n\nFix: {clean(r.fix)}"},
    }
    location = _location(r.finding.location, prefix, base)
    if location is not None:
        item["locations"] = [location]
    props: dict[str, Any] = {}
    if r.finding.evidence is not None:
        props["evidence"] = r.finding.evidence
    if r.confirmed_by:
        props["confirmedBy"] = list(r.confirmed_by)
    if props:
        item["properties"] = props
    return item


def _location(loc: Location, prefix: str | None, base: str | None) -> dict[str, Any] | None:
    if loc.path is not None:
        artifact: dict[str, Any]
        if base is not None:
            # An absolute file URI: GitHub code scanning makes it relative to the checkout
            # (it does not read originalUriBaseIds).
            artifact = {"uri": base + _path_uri(loc.path)}
        else:
            artifact = {"uri": _path_uri(join_root(prefix, loc.path)), "uriBaseId": SRCROOT}
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if loc.line is not None:
            region: dict[str, int] = {"startLine": loc.line}
            if loc.column is not None:
                region["startColumn"] = loc.column
            physical["region"] = region
        return {"physicalLocation": physical}
    if loc.url is not None:
        # Not the URL itself: GitHub code scanning rejects a whole upload whose artifact URI
        # has another scheme than the checkout's ("SARIF URI scheme "https" did not match the
        # checkout URI scheme "file""). The URL leads the message and names a logical location.
        return {"logicalLocations": [{"fullyQualifiedName": loc.url, "kind": "resource"}]}
    if loc.field is not None:
        return {"logicalLocations": [{"name": loc.field}]}
    return None


def _path_uri(path: str) -> str:
    """A relative path as a relative URI reference: spaces, `#`, `%` and non-ASCII encoded."""
    return quote(path, safe="/")


def _is_absolute(root: str) -> bool:
    return PurePosixPath(root).is_absolute() or PureWindowsPath(root).is_absolute()


def _dir_uri(root: str) -> str:
    path = PureWindowsPath(root) if PureWindowsPath(root).drive else PurePosixPath(root)
    uri = path.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _invocation(result: RunResult, index: dict[str, int]) -> dict[str, Any]:
    notes = [_notification("error", e.id, e.message, index) for e in result.errors]
    notes.extend(_notification("note", s.id, f"skipped: {s.reason}", index) for s in result.skipped)
    invocation: dict[str, Any] = {"executionSuccessful": not result.errors}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _notification(level: str, check_id: str, text: str, index: dict[str, int]) -> dict[str, Any]:
    note: dict[str, Any] = {"level": level, "message": {"text": f"{check_id}: {text}"}}
    if check_id in index:
        note["associatedRule"] = {"id": check_id, "index": index[check_id]}
    return note
