"""Fixture repos for checks: tests/checks/<ID>-<slug>/<good|bad>-<what>/ are tiny Space repos.

Expected findings are marked in the files themselves: a comment `expect: SD204` (several ids
separated by commas) on a line of its own marks the next code line, a trailing one marks its own
line (the same rule as suppressions). Findings at places a marker cannot go (a missing file, a
binary file) are listed in an optional `EXPECT` file, one `SD204 path:line` a line, or
`SD204 path` for a finding about a whole file (location line None).

Files too big to commit (a 120 MB checkpoint, 10 001 files in a folder) are described in an
optional `GENERATE` file instead, one per line: `path size=N` (a sparse file of N zero bytes),
`path size=N text` (N bytes of text lines), `folder/ files=N` (N empty files). Such a fixture is
copied to a temporary folder, the files are made there, and the copy is what the tests audit."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

CHECKS_DIR = Path(__file__).parent / "checks"
_MARK = re.compile(r"(?P<open>#|<!--|//)\s*expect:\s*(?P<ids>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def fixture_dirs() -> list[Path]:
    out = []
    for check_dir in sorted(CHECKS_DIR.iterdir()):
        if not check_dir.is_dir() or not re.match(r"^[A-Z]+[0-9]{3}-", check_dir.name):
            continue
        out.extend(
            _materialized(sub) if (sub / "GENERATE").is_file() else sub
            for sub in sorted(check_dir.iterdir())
            if sub.is_dir() and sub.name.startswith(("good", "bad"))
        )
    return out


_GENERATED: list[Path] = []


def _materialized(fixture: Path) -> Path:
    """A copy of `fixture` with the files its GENERATE lists made; same <check>/<name> tail."""
    if not _GENERATED:
        # tmpfs when there is one: some disks take seconds to create the 20 000 files SD506 needs
        shm = Path("/dev/shm")
        where = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
        _GENERATED.append(Path(tempfile.mkdtemp(prefix="spacedoctor-fixtures-", dir=where)))
        atexit.register(shutil.rmtree, _GENERATED[0], True)
    dest = _GENERATED[0] / fixture.parent.name / fixture.name
    if dest.exists():
        return dest
    shutil.copytree(fixture, dest, symlinks=True, ignore=shutil.ignore_patterns("GENERATE"))
    for raw in (fixture / "GENERATE").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        rel, spec, *kind = raw.split()
        key, _, value = spec.partition("=")
        count = int(value)
        target = dest / rel
        if key == "files":
            target.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                (target / f"f{i:06d}.txt").touch()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as fh:
            if kind == ["text"]:
                line = b"generated text, no NUL byte anywhere in this file\n"
                fh.write(line * (count // len(line)) + b"x" * (count % len(line)))
            else:
                fh.truncate(count)
    return dest


def check_id_for(fixture: Path) -> str:
    return fixture.parent.name.split("-", 1)[0]


def expected(fixture: Path) -> set[tuple[str, str, int | None]]:
    out: set[tuple[str, str, int | None]] = set()
    for path in sorted(fixture.rglob("*")):
        if not path.is_file() or path.name == "EXPECT" or not 0 < path.stat().st_size <= 1e6:
            continue  # no markers in empty files, nor in the big generated ones
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
            # a marker on a line of its own marks the next code line
            if not raw[: m.start()].strip():
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
                if re.search(r":[0-9]+$", where):
                    path, line = where.rsplit(":", 1)
                    out.add((cid, path, int(line)))
                else:
                    out.add((cid, where, None))
    return out
