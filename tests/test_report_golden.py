"""Golden outputs of every reporter for a hand-built RunResult (tests/report_sample.py).

Regenerate after an intended change with
`SPACEDOCTOR_UPDATE_GOLDEN=1 python -m pytest tests/test_report_golden.py`, and review the diff."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

import spacedoctor
from spacedoctor.report import render
from tests import report_sample

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SPACEDOCTOR_UPDATE_GOLDEN") == "1"

#: golden file -> (format, sample, root)
CASES = {
    "report.txt": ("text", report_sample.sample, None),
    "report.json": ("json", report_sample.sample, None),
    "report.sarif": ("sarif", report_sample.sample, None),
    "report.github.txt": ("github", report_sample.sample, None),
    "report-subdir.github.txt": ("github", report_sample.sample, "spaces/demo"),
    "clean.txt": ("text", report_sample.clean, None),
    "clean.json": ("json", report_sample.clean, None),
    "clean.sarif": ("sarif", report_sample.clean, None),
    "clean.github.txt": ("github", report_sample.clean, None),
}


@pytest.fixture(autouse=True)
def _fixed_version(monkeypatch: pytest.MonkeyPatch) -> None:
    # The goldens must not go stale on every release.
    monkeypatch.setattr(spacedoctor, "__version__", "0.0.0-golden")


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    fmt, make, root = CASES[name]
    out = io.StringIO()
    render(fmt, make(), out, color=False, root=root)
    path = GOLDEN / name
    if UPDATE:
        path.write_text(out.getvalue(), encoding="utf-8", newline="")
    assert path.is_file(), f"missing golden {path}; run with SPACEDOCTOR_UPDATE_GOLDEN=1"
    want = path.read_text(encoding="utf-8")
    assert out.getvalue() == want, (
        f"{name} is stale: rerun with SPACEDOCTOR_UPDATE_GOLDEN=1 and review the diff"
    )


def test_no_orphan_goldens() -> None:
    assert {p.name for p in GOLDEN.iterdir() if p.is_file()} == set(CASES)
