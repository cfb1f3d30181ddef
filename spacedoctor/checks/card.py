"""README front matter checks (SD1xx)."""

from __future__ import annotations

from collections.abc import Iterator

from spacedoctor.api import Finding, Location, check
from spacedoctor.sources.space import SpaceContext


@check("SD101")
def frontmatter_missing(ctx: SpaceContext) -> Iterator[Finding]:
    card = ctx.card
    if card.path is None:
        yield Finding(
            "no README.md: the Hub reads the Space's configuration from its front matter",
            Location("README.md", 1),
        )
    elif card.error is not None:
        line = card.error_line or 1
        yield Finding(
            card.error,
            Location(card.path, line),
            fix=f"Correct the YAML on line {line} of {card.path} (close brackets and quotes; "
            "quote values that contain ': ' or ' #').",
        )
    elif not card.present:
        yield Finding(
            "README.md has no YAML front matter block (--- ... ---) at its top",
            Location(card.path, 1),
        )
    elif not card.data:
        yield Finding("the front matter block is empty", Location(card.path, 1))
