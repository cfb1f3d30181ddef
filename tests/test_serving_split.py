"""One problem, one id: where a server binds and listens is reported by SD206/SD207 when the
Dockerfile, a script or a command line decides it, and by SD309/SD308 when Python code does.
Every fixture of the four checks, run with all four, gets its findings from its own id only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from spacedoctor.config import Settings
from spacedoctor.engine import audit
from spacedoctor.registry import load_registry
from tests.fixtures import check_id_for, expected, fixture_dirs

PAIRS = {"SD206": "SD309", "SD309": "SD206", "SD207": "SD308", "SD308": "SD207"}
FIXTURES = [f for f in fixture_dirs() if check_id_for(f) in PAIRS]


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_one_problem_one_id(fixture: Path) -> None:
    own = check_id_for(fixture)
    other = PAIRS[own]
    result = audit(fixture, replace(Settings(), select=(own, other)), load_registry())
    assert result.errors == ()
    found: dict[str, set[tuple[str, int | None]]] = {own: set(), other: set()}
    for r in result.findings:
        if r.id in found:
            found[r.id].add((r.finding.location.path, r.finding.location.line))
    assert {(own, *where) for where in found[own]} == expected(fixture)
    assert not found[own] & found[other], "one problem reported under two ids"
    if fixture.name.endswith(f"-is-{other.lower()}"):
        # A good fixture of one half that the other half must report: the problem is moved,
        # never dropped.
        assert found[other]
    elif fixture.name.startswith("bad"):
        assert not found[other]


def test_both_halves_have_fixtures() -> None:
    ids = {check_id_for(f) for f in FIXTURES}
    assert ids == set(PAIRS)
