"""Dockerfile.example is the recommended Space Dockerfile: a repo built on it audits clean."""

from __future__ import annotations

import shutil
from pathlib import Path

from spacedoctor.config import Settings
from spacedoctor.engine import audit
from spacedoctor.registry import load_registry

TOP = Path(__file__).resolve().parent.parent


def test_repo_built_on_dockerfile_example_has_no_findings(tmp_path: Path) -> None:
    space = tmp_path / "space"
    shutil.copytree(TOP / "tests" / "fixtures" / "example-space", space)
    shutil.copy(TOP / "Dockerfile.example", space / "Dockerfile")
    result = audit(space, Settings(), load_registry())
    assert result.errors == ()
    assert [(r.id, r.finding.location.path, r.finding.location.line) for r in result.findings] == []
    assert {c.target.value for c in result.checks} >= {"card", "repo"}
