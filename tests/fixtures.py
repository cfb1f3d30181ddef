"""Fixture repos for checks: tests/checks/<ID>-<slug>/<good|bad>-<what>/ are tiny Space repos.

Expected findings are marked in the files themselves: a comment `expect: SD204` (several ids
separated by commas) on a line of its own marks the next code line, a trailing one marks its own
line (the same rule as suppressions). Findings at places a marker cannot go (a missing file, a
binary file) are listed in an optional `EXPECT` file, one `SD204 path:line` a line."""

from __future__ import annotations

import re
from pathlib import Path

CHECKS_DIR = Path(__file__).parent / "checks"
_MARK = re.compile(r"(?P<open>#|<!--|//)\s*expect:\s*(?P<ids>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def fixture_dirs() -> list[Path]:
    out = []
    for check_dir in sorted(CHECKS_DIR.iterdir()):
        if not check_dir.is_dir() or not re.match(r"^[A-Z]+[0-9]{3}-", check_dir.name):
            continue
        out.extend(
            sub
            for sub in sorted(check_dir.iterdir())
            if sub.is_dir() and sub.name.startswith(("good", "bad"))
        )
    return out


def check_id_for(fixture: Path) -> str:
    return fixture.parent.name.split("-", 1)[0]


def expected(fixture: Path) -> set[tuple[str, str, int]]:
    out: set[tuple[str, str, int]] = set()
    for path in sorted(fixture.rglob("*")):
        if not path.is_file() or path.name == "EXPECT":
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (UnicodeDecodeError, OSError):
            continue
        rel = path.relative_to(fixture).as_posix()
        for idx, raw in enumerate(lines):
            m = _MARK.search(raw)
            if not m:
                continue
            target = idx
            if not raw[
                : m.start()
            ].strip():  # a marker on a line of its own marks the next code line
                target = idx + 1
                while target < len(lines) and (
                    not lines[target].strip() or lines[target].lstrip().startswith("#")
                ):
                    target += 1
            for cid in m.group("ids").split(","):
                out.add((cid.strip(), rel, target + 1))
    expect_file = fixture / "EXPECT"
    if expect_file.is_file():
        for raw in expect_file.read_text(encoding="utf-8").splitlines():
            if raw.strip() and not raw.startswith("#"):
                cid, where = raw.split()
                path, line = where.rsplit(":", 1)
                out.add((cid, path, int(line)))
    return out
