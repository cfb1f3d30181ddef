"""SARIF output validates against the official 2.1.0 schema and carries the findings faithfully."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from spacedoctor.config import Settings
from spacedoctor.engine import audit
from spacedoctor.model import Finding, Location, Reported, RunResult, Severity
from spacedoctor.registry import load_registry
from spacedoctor.report import render
from spacedoctor.report.sarif import SCHEMA_URI
from tests import report_sample

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
FIXTURE = Path(__file__).parent / "fixtures" / "golden-space"


def _validate(doc: dict[str, Any]) -> None:
    cls = jsonschema.validators.validator_for(SCHEMA)
    cls.check_schema(SCHEMA)
    cls(SCHEMA, format_checker=cls.FORMAT_CHECKER).validate(doc)


def _sarif(result: RunResult, root: str | None = None) -> dict[str, Any]:
    out = io.StringIO()
    render("sarif", result, out, color=False, root=root)
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


def _audited() -> RunResult:
    return audit(FIXTURE, Settings(), load_registry())


CASES = {
    "findings-url-field-errors": lambda: _sarif(report_sample.sample()),
    "clean": lambda: _sarif(report_sample.clean()),
    "errors-only": lambda: _sarif(report_sample.errors_only()),
    "relative-root": lambda: _sarif(report_sample.sample(), root="spaces/demo"),
    "absolute-root": lambda: _sarif(report_sample.sample(), root="/srv/checkout/spaces/demo"),
    "audited-fixture-repo": lambda: _sarif(_audited()),
}


def test_schema_is_draft_4() -> None:
    assert jsonschema.validators.validator_for(SCHEMA) is jsonschema.Draft4Validator


@pytest.mark.parametrize("case", sorted(CASES))
def test_validates_against_official_schema(case: str) -> None:
    doc = CASES[case]()
    _validate(doc)
    assert doc["$schema"] == SCHEMA_URI == SCHEMA["id"]
    assert doc["version"] == "2.1.0"


def test_invalid_output_would_be_caught() -> None:
    # The validation above is not vacuous: a malformed level is rejected.
    doc = _sarif(report_sample.sample())
    doc["runs"][0]["results"][0]["level"] = "critical"
    with pytest.raises(jsonschema.ValidationError):
        _validate(doc)


def test_rules_come_from_the_selected_checks() -> None:
    result = report_sample.sample()
    run = _sarif(result)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c.id for c in result.checks]
    sd101 = rules[[r["id"] for r in rules].index("SD101")]
    assert sd101["name"] == "frontmatter-missing"
    assert sd101["shortDescription"] == {"text": "README.md has no valid Space front matter"}
    assert sd101["fullDescription"]["text"].startswith("A Space is configured")
    assert sd101["help"]["text"].startswith("Start README.md with a block like:\n  ---")
    assert "```\n---\ntitle: My Space\n" in sd101["help"]["markdown"]
    assert sd101["helpUri"] == "https://huggingface.co/docs/hub/spaces-config-reference"
    assert sd101["defaultConfiguration"] == {"level": "error"}
    assert sd101["properties"] == {"tags": ["card"]}
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert levels == {
        "SD001": "note",  # info
        "SD101": "error",  # critical
        "SD204": "error",
        "SD205": "warning",  # medium
        "SD206": "note",  # low
        "SD302": "error",  # high
        "SD501": "error",
        "SD601": "error",
    }
    assert "informationUri" not in run["tool"]["driver"]


def test_results_and_locations() -> None:
    result = report_sample.sample()
    run = _sarif(result)["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert [r["ruleId"] for r in results] == [r.id for r in result.findings]
    for item in results:
        assert rules[item["ruleIndex"]] == item["ruleId"]
    by_id = {r["ruleId"]: r for r in results}
    assert by_id["SD204"]["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 12, "startColumn": 5},
            }
        }
    ]
    assert by_id["SD001"]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "src/my%20app.py",
        "uriBaseId": "%SRCROOT%",
    }
    # GitHub rejects a whole upload with an https artifact URI: a URL is a logical location
    # and leads the message.
    assert by_id["SD501"]["locations"] == [
        {
            "logicalLocations": [
                {
                    "fullyQualifiedName": "https://demo-space.hf.space/?view=a%20b",
                    "kind": "resource",
                }
            ]
        }
    ]
    assert by_id["SD501"]["message"]["text"].startswith("https://demo-space.hf.space/?view=a%20b: ")
    assert by_id["SD601"]["locations"] == [{"logicalLocations": [{"name": "runtime.stage"}]}]
    # The effective severity decides the level: SD205 is medium in the catalog, low here.
    assert by_id["SD205"]["level"] == "note"
    assert by_id["SD204"]["message"]["text"] == (
        "HF_HOME=/root/.cache is owned by root, so uid 1000 cannot write there\n\n"
        "Fix: Point the cache at a writable folder:\n  ENV HF_HOME=/tmp/hf\n  RUN mkdir -p $HF_HOME"
    )
    assert by_id["SD501"]["properties"] == {"evidence": "HTTP/1.1 502 Bad Gateway"}


def test_errors_are_notifications_and_fail_the_invocation() -> None:
    run = _sarif(report_sample.errors_only())["runs"][0]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "error"]
    assert notes[0]["message"]["text"] == "SD101: README.md: cannot read: permission denied"
    assert notes[0]["associatedRule"] == {"id": "SD101", "index": 0}
    # An error about an input, not a check, names no rule.
    assert notes[1] == {"level": "error", "message": {"text": "dockerfile: unparsable"}}


def test_clean_run_succeeds() -> None:
    run = _sarif(report_sample.clean())["runs"][0]
    assert run["results"] == []
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_roots() -> None:
    rel = _sarif(report_sample.sample(), root="spaces/demo")["runs"][0]
    uris = [
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in rel["results"]
        for loc in r["locations"]
        if "uriBaseId" in loc.get("physicalLocation", {}).get("artifactLocation", {})
    ]
    assert uris == [
        "spaces/demo/Dockerfile",
        "spaces/demo/Dockerfile",
        "spaces/demo/README.md",
        "spaces/demo/src/my%20app.py",
    ]
    assert "originalUriBaseIds" not in rel
    absolute = _sarif(report_sample.sample(), root="/srv/checkout/spaces/demo")["runs"][0]
    # An absolute root: absolute file URIs, which GitHub code scanning makes relative to the
    # checkout (it ignores originalUriBaseIds).
    assert "originalUriBaseIds" not in absolute
    first = absolute["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert first == {"uri": "file:///srv/checkout/spaces/demo/Dockerfile"}


def test_finding_of_an_unselected_check_still_has_a_rule() -> None:
    lone = Reported(report_sample.SD101, Finding("x", Location("README.md", 2)), Severity.CRITICAL)
    run = _sarif(RunResult(target="t", findings=(lone,)))["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["SD101"]
    assert run["results"][0]["ruleIndex"] == 0
