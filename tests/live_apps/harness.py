"""Helpers for the probe tests: a registry of the live checks only, a bounded probe run, and
the (id, url) view of a result that tests compare exactly."""

from __future__ import annotations

import threading
from typing import Any

from spacedoctor.config import Settings
from spacedoctor.model import RunResult
from spacedoctor.probe import ProbeOptions, build_context, run_checks, run_probe
from spacedoctor.registry import Registry, load_registry
from spacedoctor.sources.live import LiveContext

#: Small limits so that every hostile case ends in a few seconds.
FAST = {"request_timeout": 2.0, "total_budget": 6.0}


def live_registry() -> Registry:
    """The built-in registry; a probe runs only its live checks."""
    return load_registry()


def bounded(fn: Any, *args: Any, limit: float = 30.0, **kwargs: Any) -> Any:
    """Run fn in a thread; fail (instead of hanging the suite) if it does not return."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"the probe did not return within {limit} s"
    if "error" in box:
        raise box["error"]
    return box["value"]


def probe(target: str, registry: Registry | None = None, **opts: Any) -> RunResult:
    options = ProbeOptions(target, **{**FAST, **opts})
    return bounded(run_probe, options, Settings(), registry or live_registry())


def context(target: str, **opts: Any) -> LiveContext:
    return bounded(build_context, ProbeOptions(target, **{**FAST, **opts}))


def check(ctx: LiveContext, registry: Registry | None = None, **settings: Any) -> RunResult:
    return run_checks(ctx, Settings(**settings), registry or live_registry())


def found(result: RunResult) -> set[tuple[str, str | None]]:
    return {(r.id, r.finding.location.url) for r in result.findings}


def finding(result: RunResult, check_id: str) -> Any:
    matches = [r for r in result.findings if r.id == check_id]
    assert len(matches) == 1, [(r.id, r.finding.message) for r in result.findings]
    return matches[0]
