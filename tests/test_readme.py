"""The README's table of checks is generated from the catalog; this test fails when it goes stale.
Regenerate with: SPACEDOCTOR_UPDATE_README=1 python -m pytest tests/test_readme.py"""

from __future__ import annotations

import os
import re
from pathlib import Path

from spacedoctor.registry import load_registry

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- checks-table:start -->", "<!-- checks-table:end -->"


def _table() -> str:
    rows = ["| id | name | severity | target | what it finds |", "|---|---|---|---|---|"]
    for bound in load_registry().checks:
        i = bound.info
        if i.plugin != "builtin":
            continue
        title = i.title.replace("|", "\\|")
        rows.append(f"| {i.id} | `{i.name}` | {i.severity.value} | {i.target.value} | {title} |")
    return "\n".join(rows)


def test_readme_table_matches_catalog() -> None:
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + r"\n.*?" + re.escape(END), re.S)
    assert pattern.search(text), "README lacks the checks-table markers"
    fresh = pattern.sub(lambda _: f"{START}\n{_table()}\n{END}", text)
    if os.environ.get("SPACEDOCTOR_UPDATE_README"):
        README.write_text(fresh, encoding="utf-8")
    assert text == fresh, "README check table is stale: SPACEDOCTOR_UPDATE_README=1 pytest"


def test_quickstart_has_two_command_lines() -> None:
    text = README.read_text(encoding="utf-8")
    block = text.split("## Quickstart", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [ln for ln in block.splitlines() if ln.strip()]
    assert len(lines) == 2
    assert "spacedoctor audit examples/broken-space" in lines[0]
    assert "'.[test]'" in lines[1] and "pytest" in lines[1]
    assert (README.parent / "examples" / "broken-space").is_dir()
