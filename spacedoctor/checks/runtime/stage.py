"""What the Hub's runtime API says about the Space: its stage, hardware, Dev Mode, domains."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from spacedoctor.api import Finding, Location, SkipCheck, check

if TYPE_CHECKING:
    from spacedoctor.sources.runtime import LogTail, RuntimeContext

#: Log lines quoted with a stage error.
EVIDENCE_LINES = 20

#: Stage -> (what it means, the log that explains it).
_ERRORS: dict[str, tuple[str, str | None]] = {
    "BUILD_ERROR": ("its image failed to build", "build"),
    "RUNTIME_ERROR": (
        "its app crashed, or did not answer in time after starting",
        "run",
    ),
    "CONFIG_ERROR": ("the Hub cannot configure it from its README front matter", None),
    "NO_APP_FILE": (
        "it has no app file: a Dockerfile at the root for `sdk: docker`, or the file "
        "`app_file` names (default app.py) for Gradio",
        None,
    ),
}


def _error_fix(ctx: RuntimeContext) -> str:
    rid = ctx.repo_id
    if ctx.stage == "BUILD_ERROR":
        return (
            f"Read the whole build log (`hf spaces logs {rid} --build`), reproduce the build "
            "locally (`docker build .` for a Docker Space), and run `spacedoctor audit` on the "
            "repo before pushing again; SD707 findings name the cause when spacedoctor knows it."
        )
    if ctx.stage == "RUNTIME_ERROR":
        return (
            f"Read the run log (`hf spaces logs {rid}`), fix the error and push; to retry "
            f"without a change, `hf spaces restart {rid}` (`--factory-reboot` rebuilds without "
            "the build cache). SD707 findings name the cause when spacedoctor knows it."
        )
    if ctx.stage == "CONFIG_ERROR":
        return (
            "Fix the YAML front matter at the top of README.md (`spacedoctor audit` reports "
            "what is wrong with it, SD1xx) and push."
        )
    return (
        "Add the app file: a Dockerfile at the repo root for `sdk: docker`, or the file "
        "`app_file` names (default app.py) for Gradio; `spacedoctor audit` reports it as SD106."
    )


def _evidence(ctx: RuntimeContext, tail: LogTail | None) -> str | None:
    parts = []
    if ctx.error_message:
        parts.append(f"errorMessage: {ctx.error_message}")
    if tail is not None and tail.lines:
        shown = tail.last(EVIDENCE_LINES)
        parts.append(f"last {len(shown)} lines of the {tail.kind} log:")
        parts.extend(f"  {line}" for line in shown)
    return "\n".join(parts) or None


@check("SD701")
def stage_error(ctx: RuntimeContext) -> Iterator[Finding]:
    meaning = _ERRORS.get(ctx.stage)
    if meaning is None:
        return
    what, log_kind = meaning
    tail = {"build": ctx.build_log, "run": ctx.run_log}.get(log_kind or "")
    yield Finding(
        f"Space {ctx.repo_id} is in {ctx.stage}: {what}",
        Location(field="runtime.stage"),
        fix=_error_fix(ctx),
        evidence=_evidence(ctx, tail),
    )


@check("SD702")
def stage_stuck(ctx: RuntimeContext) -> Iterator[Finding]:
    if not ctx.is_intermediate:
        return
    if not ctx.error_message:
        # The runtime API gives no time for the stage, and log lines may belong to an earlier
        # container: how long the Space has been in it cannot be told honestly.
        raise SkipCheck(
            f"Space {ctx.repo_id} is in {ctx.stage}, and the Hub does not say since when; run "
            f"again later, or wait for it with `hf spaces wait {ctx.repo_id} --timeout 30m`"
        )
    yield Finding(
        f"Space {ctx.repo_id} is in {ctx.stage}, and the Hub reports an error for it: it is "
        "not going to finish this stage by itself",
        Location(field="runtime.stage"),
        fix=(
            f"Read the error and the logs (`hf spaces logs {ctx.repo_id}`, add `--build` for "
            f"the build); after fixing the cause, push or `hf spaces restart {ctx.repo_id}`."
        ),
        evidence=f"errorMessage: {ctx.error_message}",
    )


@check("SD703")
def paused_or_stopped(ctx: RuntimeContext) -> Iterator[Finding]:
    rid = ctx.repo_id
    if ctx.stage == "PAUSED":
        yield Finding(
            f"Space {rid} is paused: it stays down, and visits do not wake it, until its owner "
            "restarts it",
            Location(field="runtime.stage"),
            fix=f"Restart it: `hf spaces restart {rid}` (or Settings > Restart this Space).",
        )
    elif ctx.stage == "STOPPED":
        after = (
            f" after {_duration(ctx.sleep_time)} without visitors"
            if ctx.sleep_time and ctx.sleep_time > 0
            else ""
        )
        yield Finding(
            f"Space {rid} is sleeping (STOPPED){after}: the next visit wakes it, and that "
            "visitor waits for the app to start",
            Location(field="runtime.stage"),
            fix=(
                f"Open the Space page or `hf spaces restart {rid}` to wake it. On upgraded "
                f"hardware the sleep time can be changed: `hf spaces settings {rid} "
                "--sleep-time -1` (never sleep)."
            ),
        )


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


@check("SD704")
def hardware_mismatch(ctx: RuntimeContext) -> Iterator[Finding]:
    current, requested = ctx.hardware, ctx.requested_hardware
    if ctx.stage != "RUNNING" or not current or not requested or current == requested:
        return
    yield Finding(
        f"Space {ctx.repo_id} runs on {current}, but {requested} is requested: the switch has "
        "not happened (it was requested moments ago, or the requested hardware cannot be "
        "given: capacity, quota or billing)",
        Location(field="runtime.hardware"),
        fix=(
            "Run the diagnosis again in a few minutes; if it persists, read the Space's "
            "Settings page for a billing or quota message, or request the hardware again: "
            f"`hf spaces settings {ctx.repo_id} --hardware {requested}`."
        ),
        evidence=f"hardware.current: {current}, hardware.requested: {requested}",
    )


@check("SD708")
def dev_mode_on(ctx: RuntimeContext) -> Iterator[Finding]:
    if not ctx.dev_mode:
        return
    yield Finding(
        f"Dev Mode is on for Space {ctx.repo_id}: changes made inside the container are not "
        "saved to the repo, and are discarded when Dev Mode is turned off or the Space sleeps",
        Location(field="runtime.devMode"),
        fix=(
            "Commit and push from inside the container (`git add`, `git commit`, `git push` "
            "over SSH or VS Code) before leaving; turn Dev Mode off when done: "
            f"`hf spaces dev-mode {ctx.repo_id} --stop`."
        ),
    )


@check("SD710")
def domain_not_ready(ctx: RuntimeContext) -> Iterator[Finding]:
    # The *.hf.space host is the platform's own; only a custom domain waits on its owner's DNS.
    for domain in (d for d in ctx.domains if d.is_custom):
        if domain.stage is None or domain.stage.upper() == "READY":
            continue
        yield Finding(
            f"the custom domain {domain.name} of Space {ctx.repo_id} is {domain.stage}, not "
            "READY: it does not serve the Space yet",
            Location(field="runtime.domains"),
            fix=(
                f"Add a CNAME record for {domain.name} pointing to hf.space at the domain's DNS "
                "host; the domain turns READY once the Hub sees it."
            ),
            evidence=f"domain: {domain.name}, stage: {domain.stage}",
        )
