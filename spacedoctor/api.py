"""The public surface for checks, built-in and third-party: decorator, plugin record, types."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from spacedoctor.model import Finding, Location, Severity, Target

__all__ = [
    "CheckFn",
    "Finding",
    "Location",
    "Plugin",
    "Severity",
    "SkipCheck",
    "Target",
    "check",
    "check_id_of",
]

#: A check: a pure function of its context (SpaceContext, LiveContext, ...) yielding findings.
CheckFn = Callable[[Any], Iterable[Finding]]
F = TypeVar("F", bound=CheckFn)

_ATTR = "__spacedoctor_id__"


class SkipCheck(Exception):
    """Raised by a check whose input is absent; the engine records it as skipped with the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check(check_id: str) -> Callable[[F], F]:
    """Bind a function to the catalog entry `check_id`. No registration happens here: the
    registry finds decorated functions in the modules a plugin lists."""

    def bind(fn: F) -> F:
        setattr(fn, _ATTR, check_id)
        return fn

    return bind


def check_id_of(obj: object) -> str | None:
    value = getattr(obj, _ATTR, None)
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Plugin:
    """What an entry point in the `spacedoctor.checks` group resolves to.

    `catalog` is the plugin's own catalog YAML (same shape as spacedoctor's checks.yaml);
    `modules` are imported and every function decorated with @check in them is a check.
    """

    name: str
    catalog: Path
    modules: tuple[str, ...]
