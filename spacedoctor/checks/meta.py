"""Checks about spacedoctor's own directives."""

from __future__ import annotations

from collections.abc import Iterator

from spacedoctor.api import Finding, Location, check
from spacedoctor.sources.space import SpaceContext


@check("SD001")
def unused_suppression(ctx: SpaceContext) -> Iterator[Finding]:
    """Runs after every other check of the Space, when the engine knows which directives matched."""
    if ctx.suppressions is None:
        return
    for directive, check_id in ctx.suppressions.unused():
        yield Finding(
            f"suppression of {check_id} matches no finding",
            Location(directive.path, directive.line),
            fix=f"remove {check_id} from the ignore comment on line {directive.line}",
        )
