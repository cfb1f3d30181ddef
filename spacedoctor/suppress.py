"""Inline suppressions: `# spacedoctor: ignore=SD204,SD206 -- reason` in Dockerfiles, Python,
shell scripts, requirements files and README front matter. A directive on a line of its own
covers the next code line (the whole instruction when it continues with a backslash); a trailing
one covers its own line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_DIRECTIVE = re.compile(
    r"#\s*spacedoctor:\s*ignore\s*=\s*(?P<ids>[A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*)"
    r"(?:\s+--\s*(?P<reason>.*?))?\s*$"
)


@dataclass(frozen=True)
class Directive:
    path: str
    line: int  # where the comment is
    covers: tuple[int, int]  # first and last line covered
    ids: tuple[str, ...]
    reason: str | None


@dataclass
class Suppressions:
    directives: list[Directive] = field(default_factory=list)
    used: set[tuple[str, int, str]] = field(default_factory=set)

    def match(self, path: str | None, line: int | None, check_id: str) -> bool:
        if path is None or line is None:
            return False
        hit = False
        for d in self.directives:
            if d.path == path and d.covers[0] <= line <= d.covers[1] and check_id in d.ids:
                self.used.add((d.path, d.line, check_id))
                hit = True
        return hit

    def unused(self) -> Iterable[tuple[Directive, str]]:
        for d in self.directives:
            for cid in d.ids:
                if (d.path, d.line, cid) not in self.used:
                    yield d, cid


def is_suppressible(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return (
        base.startswith("Dockerfile")
        or base.endswith((".dockerfile", ".py", ".sh"))
        or base == "README.md"
        # pip reads `#` to the end of a line as a comment in requirements files
        or (base.startswith("requirements") and base.endswith(".txt"))
    )


def scan(path: str, text: str, front_matter_end: int | None = None) -> list[Directive]:
    """Directives in one file; for README.md only the front matter (up to `front_matter_end`)."""
    if "spacedoctor:" not in text:
        return []
    lines = text.splitlines()
    limit = len(lines) if front_matter_end is None else min(front_matter_end, len(lines))
    out: list[Directive] = []
    for idx in range(limit):
        raw = lines[idx]
        m = _DIRECTIVE.search(raw)
        if not m:
            continue
        ids = tuple(i.strip().upper() for i in m.group("ids").split(","))
        reason = m.group("reason")
        lineno = idx + 1
        if raw[: m.start()].strip():
            covers = (lineno, lineno)
        else:
            nxt = idx + 1
            while nxt < limit and (not lines[nxt].strip() or lines[nxt].lstrip().startswith("#")):
                nxt += 1
            if nxt >= limit:
                covers = (lineno, lineno)
            else:
                end = nxt
                while end + 1 < len(lines) and lines[end].rstrip().endswith("\\"):
                    end += 1
                covers = (nxt + 1, end + 1)
        out.append(Directive(path, lineno, covers, ids, reason.strip() if reason else None))
    return out
