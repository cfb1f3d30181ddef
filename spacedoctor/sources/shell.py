"""Shell scripts and RUN/CMD shell text split into simple commands with their lines, so checks can
see what a start script or a RUN line does (`exec uvicorn ...`, `cd /data`, `cp -n ...`).

INTERFACE SKELETON: the dataclasses and signatures below are the contract checks code against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class SimpleCommand:
    argv: tuple[str, ...]  # words, quotes removed, known $VARS expanded; prefixes like exec/env stripped
    assignments: tuple[tuple[str, str], ...]  # VAR=value words before the command (or `export VAR=value`)
    line: int  # 1-based line where the command starts, in the file it came from
    raw: str


def parse_script(
    text: str, first_line: int = 1, env: Mapping[str, str] | None = None
) -> list[SimpleCommand]:
    raise NotImplementedError


def expand(word: str, env: Mapping[str, str]) -> str:
    """$VAR, ${VAR}, ${VAR:-default} expanded from `env`; unknown variables are left as written."""
    raise NotImplementedError
