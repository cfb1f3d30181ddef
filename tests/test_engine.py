"""The engine: Space discovery, running checks, skips, crashes, suppressions, overrides."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spacedoctor.api import Finding, Location, Plugin, SkipCheck, check
from spacedoctor.config import Settings
from spacedoctor.engine import TargetError, audit, discover_spaces
from spacedoctor.model import Severity
from spacedoctor.registry import load_registry
from spacedoctor.sources.repo import Tree
from spacedoctor.sources.space import SpaceContext

CATALOG = """
version: 1
checks:
  - {id: TST001, name: every-readme, severity: low, target: repo, title: t, why: w, fix: f}
  - {id: TST002, name: always-skips, severity: low, target: repo, title: t, why: w, fix: f}
  - {id: TST003, name: always-crashes, severity: low, target: repo, title: t, why: w, fix: f}
  - {id: TST004, name: live-only, severity: low, target: live, title: t, why: w, fix: f}
"""


@check("TST001")
def every_readme(ctx: SpaceContext) -> Iterator[Finding]:
    if "README.md" in ctx.repo:
        yield Finding(f"space at {ctx.prefix or '.'}", Location("README.md", 2))


@check("TST002")
def always_skips(ctx: SpaceContext) -> Iterator[Finding]:
    raise SkipCheck("nothing to look at")


@check("TST003")
def always_crashes(ctx: SpaceContext) -> Iterator[Finding]:
    raise ValueError("boom")


@check("TST004")
def live_only(ctx: object) -> Iterator[Finding]:
    raise AssertionError("a live check must not run in audit")


@pytest.fixture
def registry(tmp_path: Path):  # type: ignore[no-untyped-def]
    catalog = tmp_path / "tst.yaml"
    catalog.write_text(CATALOG)
    return load_registry([Plugin(name="tst", catalog=catalog, modules=(__name__,))])


def _space(path: Path, sdk: str = "docker") -> None:
    path.mkdir(parents=True, exist_ok=True)
    (path / "README.md").write_text(f"---\nsdk: {sdk}\n---\n")


def test_a_repo_of_several_spaces_is_audited_space_by_space(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    _space(root)
    _space(root / "hf-direct")
    _space(root / "voiceforge-deploy", "gradio")
    (root / "docs").mkdir()
    (root / "docs" / "README.md").write_text("# just docs\n")
    assert [p for p, _ in discover_spaces(Tree.walk(root))] == [
        "",
        "hf-direct/",
        "voiceforge-deploy/",
    ]
    result = audit(root, Settings(select=("TST001",)), registry)
    assert [(f.finding.location.path, f.finding.message) for f in result.findings] == [
        ("README.md", "space at ."),
        ("hf-direct/README.md", "space at hf-direct/"),
        ("voiceforge-deploy/README.md", "space at voiceforge-deploy/"),
    ]


def test_a_folder_of_spaces_without_its_own_card_is_not_a_space(tmp_path: Path) -> None:
    _space(tmp_path / "a")
    _space(tmp_path / "b")
    (tmp_path / "notes.txt").write_text("x")
    assert [p for p, _ in discover_spaces(Tree.walk(tmp_path))] == ["a/", "b/"]


def test_nested_space_files_belong_to_the_nested_space_only(tmp_path: Path) -> None:
    _space(tmp_path)
    _space(tmp_path / "sub")
    (tmp_path / "sub" / "app.py").write_text("x = 1\n")
    spaces = dict(discover_spaces(Tree.walk(tmp_path)))
    root_ctx = SpaceContext(Tree.walk(tmp_path), "", spaces[""])
    assert "sub/app.py" not in root_ctx.repo
    sub_ctx = SpaceContext(Tree.walk(tmp_path), "sub/", spaces["sub/"])
    assert "app.py" in sub_ctx.repo


def test_skips_and_crashes_are_reported_not_raised(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    _space(tmp_path)
    result = audit(tmp_path, Settings(), registry)
    assert [(s.id, s.reason) for s in result.skipped] == [("TST002", "nothing to look at")]
    assert [(e.id, e.message) for e in result.errors] == [
        ("TST003", "check crashed: ValueError: boom")
    ]
    assert [c.id for c in result.checks] == ["TST001", "TST002", "TST003"]


def test_severity_override_and_per_file_ignore(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    _space(tmp_path)
    _space(tmp_path / "legacy")
    settings = Settings(
        select=("TST001",),
        severity={"TST001": Severity.CRITICAL},
        per_file_ignores=(("legacy/*", ("TST",)),),
    )
    result = audit(tmp_path, settings, registry)
    assert [(f.finding.location.path, f.severity) for f in result.findings] == [
        ("README.md", Severity.CRITICAL)
    ]
    assert result.suppressed == 1


def test_inline_suppression(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    tmp_path.joinpath("README.md").write_text(
        "---\nsdk: docker  # spacedoctor: ignore=TST001 -- on purpose\n---\n"
    )
    result = audit(tmp_path, Settings(select=("TST001",)), registry)
    assert result.findings == ()
    assert result.suppressed == 1


def test_missing_target_and_file_target(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TargetError, match="no such file"):
        audit(tmp_path / "nope", Settings(), registry)
    f = tmp_path / "f.txt"
    f.write_text("x")
    with pytest.raises(TargetError, match="not a directory"):
        audit(f, Settings(), registry)
