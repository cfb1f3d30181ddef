"""What the app serves: Git LFS pointers instead of files, and the Gradio version it runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from spacedoctor.api import Finding, Location, SkipCheck, check

if TYPE_CHECKING:
    from spacedoctor.sources.live import LiveContext
from spacedoctor.sources.web import LFS_POINTER_PREFIX


@check("SD608")
def lfs_pointer_served(ctx: LiveContext) -> Iterator[Finding]:
    seen: set[str] = set()
    for ex in ctx.exchanges:
        if not ex.answered or ex.status is None or not 200 <= ex.status < 300:
            continue
        if not ex.body.lstrip().startswith(LFS_POINTER_PREFIX) or ex.final_url in seen:
            continue
        seen.add(ex.final_url)
        text = ex.body[:512].decode("utf-8", errors="replace")
        size = re.search(r"(?m)^size (\d+)$", text)
        real = f" of a {int(size.group(1)):,}-byte file" if size else ""
        yield Finding(
            f"{ex.final_url} serves a {len(ex.body)}-byte Git LFS pointer{real} instead of the "
            "file: the image was built from a checkout without the LFS objects",
            Location(url=ex.final_url),
            evidence=ex.evidence("content-type", "content-length"),
        )


def _same_version(a: str, b: str) -> bool:
    """4.44 and 4.44.0 are the same release; unparsable versions compare as text."""
    from packaging.version import InvalidVersion, Version

    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a.strip() == b.strip()


@check("SD612")
def gradio_config(ctx: LiveContext) -> Iterator[Finding]:
    from spacedoctor.sources.live import Role

    wanted = ctx.sdk_version
    if wanted is None:
        raise SkipCheck(
            "no sdk_version known: probe the Space by id (owner/name) so the Hub's card is read"
        )
    configs = [e for e in ctx.by_role(Role.CONFIG) if e.ok and e.is_json]
    doc = configs[0].json() if configs else None
    if not (isinstance(doc, dict) and isinstance(doc.get("version"), str) and "mode" in doc):
        raise SkipCheck("the app serves no Gradio /config")
    served = doc["version"].strip()
    if _same_version(served, wanted):
        return
    url = configs[0].final_url
    yield Finding(
        f"{url} reports gradio {served}, but the card's sdk_version is {wanted}: the app runs "
        "another Gradio than the one the Space declares",
        Location(url=url),
        fix=f"Set `sdk_version` in README.md to the Gradio you develop with (the app serves "
        f"{served}), and rebuild the Space so the running image matches the card.",
        evidence=f"{configs[0].final.status_line if configs[0].final else ''}; version: {served}",
    )
