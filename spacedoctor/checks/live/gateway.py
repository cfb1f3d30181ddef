"""Requests the Spaces gateway cuts off (~60 s, then 504)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from spacedoctor.api import Finding, Location, Severity, check

if TYPE_CHECKING:
    from spacedoctor.sources.live import LiveContext


@check("SD607")
def gateway_timeout_risk(ctx: LiveContext) -> Iterator[Finding]:
    from spacedoctor.sources.live import Failure, Role

    budget = ctx.timeout_budget
    # The root's own 5xx is SD601's; every other 504 is a request the gateway gave up on.
    for ex in ctx.exchanges:
        if ex.role is Role.ROOT or not ex.answered or ex.status != 504:
            continue
        waited = ex.final.elapsed if ex.final else ex.elapsed
        yield Finding(
            f"{ex.method} {ex.url} answered 504 Gateway Timeout after {waited:.1f} s",
            Location(url=ex.url),
            evidence=ex.evidence("server", "content-type"),
        )
    for ex in ctx.by_role(Role.ENDPOINT):
        if ex.answered and ex.final is not None:
            if ex.status == 504:
                continue
            waited = ex.final.elapsed
            if waited > budget:
                yield Finding(
                    f"{ex.method} {ex.url} took {waited:.1f} s to answer, more than the "
                    f"{budget:g} s the Spaces gateway waits: on the Space it ends in 504",
                    Location(url=ex.url),
                    evidence=ex.evidence("content-type", body=False),
                )
            elif waited > 0.8 * budget:
                yield Finding(
                    f"{ex.method} {ex.url} took {waited:.1f} s to answer, within 20% of the "
                    f"{budget:g} s gateway limit: a slower input or a busier Space ends in 504",
                    Location(url=ex.url),
                    severity=Severity.MEDIUM,
                    evidence=ex.evidence("content-type", body=False),
                )
        elif ex.failure in (Failure.TIMEOUT, Failure.BUDGET) and ex.elapsed >= budget:
            yield Finding(
                f"{ex.method} {ex.url} gave no answer within {ex.elapsed:.1f} s, beyond the "
                f"{budget:g} s the Spaces gateway waits: on the Space it ends in 504",
                Location(url=ex.url),
                evidence=ex.evidence(body=False),
            )
