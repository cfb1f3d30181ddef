"""Shared pieces of the property-based (hypothesis) suites: one deterministic profile, a way to
audit a throwaway repo in-process, and small strategies for text that parsers find hostile.

The profile is derandomized and database-less so CI sees the same examples on every run, and
modest in size so every parser's suite stays in seconds on two cores."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from spacedoctor.config import Settings
from spacedoctor.engine import audit
from spacedoctor.model import RunResult
from spacedoctor.registry import Registry, load_registry

#: The profile every fuzz test uses (`@FUZZ`).
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)


@cache
def registry() -> Registry:
    return load_registry()


def audit_files(files: Mapping[str, str | bytes]) -> RunResult:
    """Audit a fresh repo holding `files` (path -> text or bytes) with every built-in check."""
    root = Path(tempfile.mkdtemp(prefix="sdfuzz-"))
    try:
        return audit(write_repo(root, files), Settings(), registry())
    finally:
        shutil.rmtree(root, ignore_errors=True)


def write_repo(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogateescape")
    return root


def audit_process(
    root: Path, *args: str, timeout: float = 60, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`spacedoctor audit root *args` as a separate process, killed after `timeout` seconds (a
    hang fails the test with TimeoutExpired instead of stalling the suite)."""
    return subprocess.run(
        [sys.executable, "-m", "spacedoctor", "audit", str(root), *args],
        capture_output=True,
        text=True,
        errors="surrogateescape",  # a report may name a file whose name is not UTF-8
        timeout=timeout,
        env=None if env is None else dict(env),
        check=False,
    )


def assert_no_crash(result: RunResult) -> None:
    """Every check either reported, skipped with a reason, or found nothing: none crashed."""
    assert not result.errors, "\n".join(f"{e.id}: {e.message}" for e in result.errors)


#: Characters that stress line handling, quoting and decoding in every text format.
NASTY = st.sampled_from(
    [
        "\r\n",
        "\r",
        "\t",
        "\x00",
        "\x0b",
        "\x0c",
        "\u2028",
        "\ufeff",
        "\\",
        "\\\n",
        '"',
        "'",
        "`",
        "$",
        "${",
        "$(",
        "{",
        "}",
        "[",
        "]",
        "#",
        ":",
        "- ",
        "<<",
        "é",
        "🩺",
        "\udcff",
    ]
)


def junk(max_size: int = 12) -> st.SearchStrategy[str]:
    """Short text mixing hostile pieces with arbitrary characters."""
    return st.lists(
        st.one_of(NASTY, st.characters(exclude_categories=("Cs",))), max_size=max_size
    ).map("".join)


def lines_of(piece: st.SearchStrategy[str], max_size: int = 25) -> st.SearchStrategy[str]:
    """Whole texts made of `piece` lines, with a random line ending style."""
    return st.builds(
        lambda parts, eol, last: eol.join(parts) + (eol if last else ""),
        st.lists(piece, max_size=max_size),
        st.sampled_from(["\n", "\r\n"]),
        st.booleans(),
    )


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    """`base` with a few random edits: cut a range, insert junk, duplicate or drop a line."""
    text = base
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "insert", "dup", "drop", "swap"]))
        if not text:
            kind = "insert"
        if kind in ("cut", "insert"):
            i = draw(st.integers(0, len(text)))
            if kind == "cut":
                j = draw(st.integers(i, min(len(text), i + 40)))
                text = text[:i] + text[j:]
            else:
                junk_text = draw(junk())
                text = text[:i] + junk_text + text[i:]
        else:
            lines = text.split("\n")
            k = draw(st.integers(0, len(lines) - 1))
            if kind == "dup":
                lines.insert(k, lines[k])
            elif kind == "drop":
                del lines[k]
            else:
                m = draw(st.integers(0, len(lines) - 1))
                lines[k], lines[m] = lines[m], lines[k]
            text = "\n".join(lines)
    return text
