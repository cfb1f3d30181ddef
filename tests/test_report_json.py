"""The JSON report has exactly the documented shape (format version 1)."""

from __future__ import annotations

import io
import json
from typing import Any

import spacedoctor
from spacedoctor.report import render
from tests import report_sample


def _doc(result: Any) -> tuple[str, dict[str, Any]]:
    out = io.StringIO()
    render("json", result, out, color=False)
    return out.getvalue(), json.loads(out.getvalue())


def test_top_level_shape() -> None:
    text, doc = _doc(report_sample.sample())
    assert list(doc) == ["version", "tool", "target", "findings", "skipped", "errors"]
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "spacedoctor", "version": spacedoctor.__version__}
    assert doc["target"] == "examples/demo-space"
    assert doc["skipped"] == [
        {"id": "SD302", "reason": "no Python app file found (app_file is unset, no app.py)"}
    ]
    assert doc["errors"] == [
        {"id": "SD206", "message": "check crashed: ValueError: bad port 'abc'"}
    ]
    assert text.endswith("}\n")
    assert text.startswith('{\n  "version": 1,')  # indent 2


def test_finding_keys_and_locations() -> None:
    result = report_sample.sample()
    _, doc = _doc(result)
    base = ["id", "name", "severity", "title", "message", "fix", "location"]
    by_id = {f["id"]: f for f in doc["findings"]}
    # In the order given, one entry per finding.
    assert [f["id"] for f in doc["findings"]] == [r.id for r in result.findings]
    assert list(by_id["SD204"]) == base
    assert list(by_id["SD501"]) == [*base, "evidence"]
    assert by_id["SD501"]["evidence"] == "HTTP/1.1 502 Bad Gateway"
    assert by_id["SD204"]["location"] == {"path": "Dockerfile", "line": 12, "column": 5}
    assert by_id["SD101"]["location"] == {"path": "README.md", "line": 1}
    assert by_id["SD501"]["location"] == {"url": "https://demo-space.hf.space/?view=a%20b"}
    assert by_id["SD601"]["location"] == {"field": "runtime.stage"}


def test_values_are_the_effective_ones() -> None:
    _, doc = _doc(report_sample.sample())
    by_id = {f["id"]: f for f in doc["findings"]}
    # The reported severity (after overrides), not the catalog's.
    assert by_id["SD205"]["severity"] == "low"
    # The finding's own fix wins over the catalog's; trailing YAML newlines are dropped.
    assert (
        by_id["SD001"]["fix"]
        == "remove `SD302` from the `# spacedoctor: ignore=` comment on line 3"
    )
    assert by_id["SD101"]["fix"].startswith("Start README.md with a block like:\n  ---\n")
    assert not by_id["SD101"]["fix"].endswith("\n")
    assert by_id["SD101"]["name"] == "frontmatter-missing"
    assert by_id["SD101"]["title"] == "README.md has no valid Space front matter"


def test_non_ascii_is_written_as_is() -> None:
    text, _ = _doc(report_sample.sample())
    assert "Bad Gateway — the app" in text
    assert "\\u2014" not in text


def test_clean_result() -> None:
    _, doc = _doc(report_sample.clean())
    assert doc["findings"] == [] and doc["skipped"] == [] and doc["errors"] == []
