"""Can the Space page load the app at all, and how long did the first answer take."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from spacedoctor.api import Finding, Location, Severity, SkipCheck, check

if TYPE_CHECKING:
    from spacedoctor.sources.live import Exchange, LiveContext

#: What each Hub stage means for a visitor, for stages that explain an unreachable app.
_STAGE_MEANING = {
    "BUILDING": "is building",
    "RUNNING_BUILDING": "is rebuilding",
    "APP_STARTING": "is starting",
    "RUNNING_APP_STARTING": "is restarting",
    "PAUSED": "is paused by its owner (restart it from Settings or `hf spaces restart`)",
    "STOPPED": "is sleeping (a visit wakes it; wait for it to start)",
    "BUILD_ERROR": "failed to build (read `hf spaces logs --build`)",
    "RUNTIME_ERROR": "crashed at runtime (read `hf spaces logs`)",
    "CONFIG_ERROR": "has a configuration error in its README front matter",
    "NO_APP_FILE": "has no app file (Dockerfile or app_file)",
    "DELETING": "is being deleted",
}


def _stage_note(ctx: LiveContext) -> str:
    stage = (ctx.stage or "").upper()
    meaning = _STAGE_MEANING.get(stage)
    if meaning is None or ctx.space is None:
        return ""
    return f"; the Hub reports {ctx.space.repo_id} as {stage}: it {meaning}"


def _fix(ctx: LiveContext) -> str:
    if ctx.space is not None:
        rid = ctx.space.repo_id
        return (
            f"Check the Space's state and logs: `hf spaces info {rid}`, `hf spaces logs {rid}` "
            f"(add `--build` for the build log); restart it with `hf spaces restart {rid}`."
        )
    if ctx.is_hf_space:
        return (
            "Open the Space page to see its state (Building, Sleeping, Paused, Runtime error), "
            "or probe it by id (`spacedoctor probe owner/name`) to have the Hub's stage reported."
        )
    return (
        "Make sure the app is running and listening on 0.0.0.0 at the published port "
        "(`docker run -p 7860:7860 ...`; uvicorn `--host 0.0.0.0 --port 7860`)."
    )


def _describe(ctx: LiveContext, root: Exchange) -> tuple[str, Severity | None] | None:
    from spacedoctor.sources.live import Failure

    url = root.url
    if root.failure is Failure.CONNECT:
        return f"{url} cannot be reached: {root.error}", None
    if root.failure is Failure.TIMEOUT:
        if root.hops:
            return (
                f"{url} sent its headers (HTTP {root.status}) but not the whole page within "
                f"{root.timeout:g} s",
                None,
            )
        return f"{url} did not answer within {root.timeout:g} s", None
    if root.failure is Failure.BUDGET:
        return f"{url} did not answer before the probe's budget ran out", None
    if root.failure is Failure.PROTOCOL:
        return f"{url}: {root.error}", None
    if root.failure is Failure.REDIRECT_LOOP:
        return f"{url} redirects in a loop: {root.error}", None
    if root.failure is Failure.OFFSITE:
        return (
            f"{url} redirects to another host ({root.offsite}); the app is not served at this "
            "address (the probe does not follow redirects off the app's host)",
            Severity.MEDIUM,
        )
    if root.failure is Failure.OTHER:
        return f"{url}: the request failed: {root.error}", None
    status = root.status
    if ctx.not_serving:
        return f"{url} answered HTTP {status}, but not from the app: the Space is not running", None
    if status is not None and status >= 500:
        if ctx.is_hf_space and root.is_html:
            return (
                f"{url} answered HTTP {status} with an HTML page instead of the app: the Space "
                "is not serving (the Hub shows its own page while a Space is building, "
                "sleeping, paused or crashed), or the app itself failed",
                None,
            )
        return f"{url} answered HTTP {status} at the app's root", None
    return None


@check("SD601")
def app_unreachable(ctx: LiveContext) -> Iterator[Finding]:
    root = ctx.root
    if root is None:
        raise SkipCheck("the root page was not requested")
    described = _describe(ctx, root)
    if described is None:
        return
    message, severity = described
    yield Finding(
        message + _stage_note(ctx),
        Location(url=root.url),
        fix=_fix(ctx),
        severity=severity,
        evidence=root.evidence("content-type", "location")
        if root.offsite
        else root.evidence("content-type"),
    )


@check("SD609")
def cold_start(ctx: LiveContext) -> Iterator[Finding]:
    root = ctx.root
    if root is None or not root.answered or root.final is None:
        raise SkipCheck("the root page did not answer")
    waited = root.hops[0].elapsed
    if waited < ctx.cold_start_after:
        return
    stage = f" (the Hub reported {ctx.stage} before the probe)" if ctx.stage else ""
    yield Finding(
        f"the first answer from {root.url} took {waited:.1f} s{stage}: visitors wait that long "
        "for the page, typically while a sleeping or restarted Space loads its app",
        Location(url=root.url),
        evidence=root.evidence(body=False),
    )
