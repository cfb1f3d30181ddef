"""SD200: a Dockerfile BuildKit would reject, or one that cannot be read, is a finding."""

from __future__ import annotations

from collections.abc import Iterator

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.space import SpaceContext


@check("SD200")
def dockerfile_unparsable(ctx: SpaceContext) -> Iterator[Finding]:
    if ctx.sdk not in (None, "docker"):
        raise SkipCheck(f"sdk is {ctx.sdk}, not docker")
    image = ctx.dockerfile
    if image is None:
        raise SkipCheck("no Dockerfile")
    if image.error is None:
        return
    yield Finding(
        f"the Space's build would fail before it starts: {image.error}",
        Location(image.path, image.error_line or 1),
    )
