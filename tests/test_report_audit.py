"""End to end: audit tests/fixtures/golden-space with every check and render each format.

Only the findings of the checks this fixture was built for are asserted, so checks landing
later cannot break it; the exact outputs are pinned by the hand-built goldens instead."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from spacedoctor.config import Settings
from spacedoctor.engine import audit
from spacedoctor.model import RunResult
from spacedoctor.registry import load_registry
from spacedoctor.report import FORMATS, render

FIXTURE = Path(__file__).parent / "fixtures" / "golden-space"


@pytest.fixture(scope="module")
def result() -> RunResult:
    return audit(FIXTURE, Settings(), load_registry())


def _render(fmt: str, result: RunResult) -> str:
    out = io.StringIO()
    render(fmt, result, out, color=False)
    return out.getvalue()


def test_json_names_the_expected_findings(result: RunResult) -> None:
    doc = json.loads(_render("json", result))
    got = {(f["id"], f["location"].get("path"), f["location"].get("line")) for f in doc["findings"]}
    assert {("SD101", "README.md", 1), ("SD001", "app.py", 3)} <= got
    assert doc["errors"] == []


def test_text_and_github(result: RunResult) -> None:
    text = _render("text", result)
    assert "README.md\n  1  SD101 critical  frontmatter-missing\n" in text
    assert (
        "app.py\n  3  SD001 info  unused-suppression\n    suppression of SD101 matches no finding\n"
    ) in text
    github = _render("github", result).splitlines()
    assert "::error file=README.md,line=1,title=SD101 frontmatter-missing::" in "\n".join(github)
    assert any(line.startswith("::notice file=app.py,line=3,title=SD001 ") for line in github)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders(fmt: str, result: RunResult) -> None:
    assert _render(fmt, result).endswith("\n")
