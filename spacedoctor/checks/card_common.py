"""Helpers shared by the front matter checks: the usable card, value display, suggestions."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from typing import Any

from spacedoctor.api import SkipCheck
from spacedoctor.sources.card import Card
from spacedoctor.sources.space import SpaceContext


def usable_card(ctx: SpaceContext) -> Card:
    """The parsed front matter, or SkipCheck when SD101 reports it missing, broken or empty."""
    card = ctx.card
    if card.path is None:
        raise SkipCheck("no README.md (see SD101)")
    if card.error is not None or not card.present:
        raise SkipCheck("no valid front matter (see SD101)")
    if not card.data:
        raise SkipCheck("the front matter is empty (see SD101)")
    return card


def show(card: Card, key: str, value: Any | None = None) -> str:
    """A value the way the README spells it: its source text for plain scalars, else JSON."""
    if value is None and key in card.raw:
        return card.raw[key]
    if value is None:
        value = card.data.get(key)
    return yaml_text(value)


def yaml_text(value: Any, limit: int = 120) -> str:
    """A front matter value as a message quotes it, at most `limit` characters: YAML aliases can
    make a tiny file describe a structure of billions of items, so never serialise it whole."""
    out: list[str] = []
    _quote(value, out, [limit], depth=0)
    text = "".join(out)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote(value: Any, out: list[str], budget: list[int], depth: int) -> None:
    if budget[0] <= 0:
        return
    if isinstance(value, str):
        piece = value if depth == 0 else json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bool):
        piece = "true" if value else "false"
    elif value is None:
        piece = "null"
    elif isinstance(value, int | float):
        piece = str(value)
    elif isinstance(value, list | tuple | dict) and depth < 3:
        is_map = isinstance(value, dict)
        out.append("{" if is_map else "[")
        budget[0] -= 1
        items: list[Any] = list(value.items())[:8] if isinstance(value, dict) else list(value[:8])
        for i, item in enumerate(items):
            if budget[0] <= 0:
                break
            if i:
                out.append(", ")
            if is_map:
                out.append(f"{json.dumps(str(item[0]), ensure_ascii=False)}: ")
                _quote(item[1], out, budget, depth + 1)
            else:
                _quote(item, out, budget, depth + 1)
        if len(value) > 8:
            out.append(", …")
        out.append("}" if is_map else "]")
        return
    else:
        piece = "…" if isinstance(value, list | tuple | dict) else str(value)[:200]
    out.append(piece)
    budget[0] -= len(piece)


def kind(value: Any) -> str:
    """How YAML typed a value, in the words of the config reference."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty (null)"
    return type(value).__name__


def closest(value: str, choices: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The allowed value the user most likely meant: a case or spacing variant, else a near one."""
    options = sorted(choices)
    folded = value.strip().lower().replace("_", "-").replace(" ", "-")
    for option in options:
        if option.lower() == folded:
            return option
    near = difflib.get_close_matches(folded, options, n=1, cutoff=cutoff)
    return near[0] if near else None


def quoted(text: str) -> str:
    """A YAML scalar for `text` that round-trips as a string."""
    return json.dumps(text, ensure_ascii=False)
