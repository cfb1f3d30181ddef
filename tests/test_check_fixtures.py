"""Each fixture repo, run with only its own check, reports exactly its marked (id, path, line)s."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from spacedoctor.config import build_settings, find_config
from spacedoctor.engine import audit
from spacedoctor.registry import load_registry
from tests.fixtures import check_id_for, expected, fixture_dirs

REGISTRY = load_registry()


@pytest.mark.parametrize("fixture", fixture_dirs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(fixture: Path) -> None:
    check_id = check_id_for(fixture)
    assert REGISTRY.by_id(check_id) is not None, f"no check {check_id}"
    # A fixture may carry its own .spacedoctor.yaml (e.g. mount-paths); only its check runs,
    # except for SD001 (unused suppression), which needs the suppressed checks to run too.
    path, data = find_config(fixture, None)
    settings = build_settings(data, path)
    select = None if check_id == "SD001" else (check_id,)
    result = audit(fixture, replace(settings, select=select, ignore=()), REGISTRY)
    assert result.errors == ()
    got = {
        (r.id, r.finding.location.path, r.finding.location.line)
        for r in result.findings
        if r.id == check_id
    }
    want = expected(fixture)
    if fixture.name.startswith("good"):
        assert not want, "a good fixture must not carry expect markers"
    else:
        assert want, "a bad fixture must mark at least one expected finding"
    assert got == want


def test_every_check_has_good_and_bad_fixtures() -> None:
    kinds: dict[str, set[str]] = {}
    for fixture in fixture_dirs():
        kinds.setdefault(check_id_for(fixture), set()).add(fixture.name.split("-")[0])
    static = [
        b.info.id
        for b in REGISTRY.checks
        if b.info.target.value in {"card", "dockerfile", "python", "deps", "repo"}
    ]
    missing = [cid for cid in static if kinds.get(cid) != {"good", "bad"}]
    assert not missing, f"checks without both good and bad fixtures: {missing}"
