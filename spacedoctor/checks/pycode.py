"""Python source checks that need no framework knowledge (SD300)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.pyapp import newer_grammar
from spacedoctor.sources.space import SpaceContext

_RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


@check("SD300")
def python_syntax_error(ctx: SpaceContext) -> Iterator[Finding]:
    app = ctx.app
    if not app.modules and not app.problems:
        raise SkipCheck("no Python files")
    for problem in app.problems:
        if problem.message.startswith("cannot be read:"):
            # Too large or not readable here: says nothing about what Python would make of it.
            continue
        if newer_grammar(ctx.repo, problem) is not None:
            continue
        yield Finding(
            f"{problem.path} does not parse ({problem.message}): importing it raises "
            f"SyntaxError, so the app crashes at startup (checked with the Python {_RUNNING} "
            "grammar)",
            Location(problem.path, problem.line),
            fix=_fix(problem.path, problem.line, problem.message),
        )


def _fix(path: str, line: int, message: str) -> str:
    check_cmd = f"python -m py_compile {path}"
    if "null bytes" in message:
        return (
            f"{path} contains NUL bytes: it is binary or corrupted (a bad merge, an editor "
            "that saved UTF-16). Restore it from history or re-save it as UTF-8, then run "
            f"`{check_cmd}`."
        )
    if "codec can't decode" in message or "encoding" in message:
        return (
            f"Re-save {path} as UTF-8 (Python 3 reads source as UTF-8 unless the first two lines "
            f"carry a valid `# -*- coding: <name> -*-` cookie), then run `{check_cmd}`."
        )
    return f"Fix the syntax at {path}:{line}, then run `{check_cmd}` before pushing."
