"""`audit PATH --url URL`: one report of the static audit and the live probe, with each static
finding that a live finding shows to be real marked as confirmed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from spacedoctor.model import Reported, RunResult


def combine(
    static: RunResult, live: RunResult, confirms: Mapping[str, tuple[str, ...]]
) -> RunResult:
    """Static findings first (marked with the live ids that confirm them), then live ones.

    A live check confirms the static checks `confirms[live_id]` names: e.g. SD603 (an asset
    fetched with Origin: lacks Access-Control-Allow-Origin) confirms SD302 (StaticFiles not
    wrapped by CORSMiddleware)."""
    seen_live = {r.id for r in live.findings}
    marked: list[Reported] = []
    for r in static.findings:
        by = tuple(sorted(lid for lid in seen_live if r.id in confirms.get(lid, ())))
        marked.append(replace(r, confirmed_by=by) if by else r)
    return RunResult(
        target=static.target,
        findings=(*marked, *live.findings),
        skipped=(*static.skipped, *live.skipped),
        errors=(*static.errors, *live.errors),
        checks=(*static.checks, *live.checks),
        suppressed=static.suppressed + live.suppressed,
    )
