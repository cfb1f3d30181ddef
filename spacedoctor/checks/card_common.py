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


def yaml_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


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
