"""`spacedoctor diagnose`: ask the Hub why a Space does not run (its runtime stage, hardware,
domains, and the tails of its build and run logs), and run the runtime and log (SD7xx) checks."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from spacedoctor.config import Settings
from spacedoctor.engine import run_checks as run_checks_on
from spacedoctor.engine import select_checks
from spacedoctor.model import RunResult, Skipped, Target
from spacedoctor.registry import Registry
from spacedoctor.sources.hub import HubError, get_token, space_id_from
from spacedoctor.sources.runtime import RuntimeContext, fetch_runtime

log = logging.getLogger(__name__)

#: The `id` of skipped entries that are inputs (the card, a log) rather than checks.
INPUT_SKIP = "input"
MAX_LOG_LINES = 10_000


@dataclass(frozen=True)
class DiagnoseOptions:
    space: str  # owner/name or https://huggingface.co/spaces/owner/name
    log_lines: int = 200  # the tail kept of each log
    timeout: float = 30.0  # for everything asked of the Hub


class DiagnoseError(Exception):
    """Bad target, unknown or inaccessible Space, Hub unreachable or too slow: a one-line
    message; the CLI exits 2."""


def build_context(opts: DiagnoseOptions) -> RuntimeContext:
    if opts.timeout <= 0:
        raise DiagnoseError("the timeout must be a positive number of seconds")
    if not 1 <= opts.log_lines <= MAX_LOG_LINES:
        raise DiagnoseError(f"--log-lines must be between 1 and {MAX_LOG_LINES}")
    try:
        repo_id = space_id_from(opts.space)
        # The token is looked up only now that the target is known to be a Space on the Hub,
        # and goes only to the Hub endpoint (HfApi(endpoint=...)).
        return fetch_runtime(repo_id, get_token(), log_lines=opts.log_lines, timeout=opts.timeout)
    except HubError as exc:
        raise DiagnoseError(str(exc)) from None


def run_checks(ctx: RuntimeContext, settings: Settings, registry: Registry) -> RunResult:
    checks = select_checks(registry, settings, [Target.RUNTIME, Target.LOGS])
    result = run_checks_on(ctx, checks, settings, ctx.repo_id)
    inputs = [Skipped(INPUT_SKIP, note) for note in ctx.notes]
    inputs += [
        Skipped(INPUT_SKIP, tail.unavailable)
        for tail in (ctx.build_log, ctx.run_log)
        if tail.unavailable
    ]
    return replace(result, skipped=(*result.skipped, *inputs))


def run_diagnose(opts: DiagnoseOptions, settings: Settings, registry: Registry) -> RunResult:
    return run_checks(build_context(opts), settings, registry)
