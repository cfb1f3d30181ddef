"""The platform constants stay in step with huggingface_hub and hold together."""

from __future__ import annotations

import datetime
import re

import pytest

from spacedoctor import platform_data as hub
from spacedoctor.checks.card_keys import duration_seconds, emoji_problem


def test_hardware_covers_the_installed_huggingface_hub() -> None:
    # Fails when huggingface_hub learns a new flavor: update HARDWARE_HUB_LIBRARY and the date.
    from huggingface_hub import SpaceHardware

    missing = {h.value for h in SpaceHardware} - hub.HARDWARE_FLAVORS
    assert not missing, f"flavors unknown to platform_data: {sorted(missing)}"


def test_storage_tiers_match_huggingface_hub() -> None:
    from huggingface_hub import SpaceStorage

    assert {s.value for s in SpaceStorage} == hub.STORAGE_TIERS


def test_constants_are_consistent() -> None:
    datetime.date.fromisoformat(hub.LAST_VERIFIED)
    assert set(hub.DEFAULT_APP_FILE) <= hub.SDKS
    assert not set(hub.RETIRED_SDKS) & hub.SDKS
    assert len(hub.COLORS) == 8
    assert hub.HUB_COLOR_ERROR.format(key="colorTo") == (
        '"colorTo" must be one of [red, yellow, green, blue, indigo, purple, pink, gray]'
    )
    assert str(hub.SHORT_DESCRIPTION_MAX) in hub.HUB_SHORT_DESCRIPTION_ERROR
    assert hub.OAUTH_IMPLICIT_SCOPES <= hub.OAUTH_SCOPES
    assert all(re.fullmatch(r"[a-z0-9.+-]+", lic) for lic in hub.LICENSES)
    assert all(h == h.lower() for h in hub.CUSTOM_HEADERS)
    assert re.fullmatch(hub.PYTHON_VERSION_PATTERN, hub.DEFAULT_PYTHON_VERSION)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30m", 1800),
        ("1h", 3600),
        ("1.5h", 5400),
        ("1h30m", 5400),
        ("2 hours", 7200),
        ("24H", 86400),
    ],
)
def test_durations(text: str, seconds: float) -> None:
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize("text", ["", "60", "one hour", "1 fortnight", "h1", "30m!"])
def test_not_durations(text: str) -> None:
    assert duration_seconds(text) is None


@pytest.mark.parametrize("text", ["🚀", "⚡", "❤️", "🕵🏻‍♂️", "🇫🇷", "1️⃣", "#️⃣", "🚀🔥"])
def test_emoji_only(text: str) -> None:
    assert emoji_problem(text) is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("rocket", "text"),
        (":rocket:", "text"),
        ("🚀 x", "spaces"),
        ("1", "not an emoji"),
        (" ", "empty"),
    ],
)
def test_not_emoji(text: str, why: str) -> None:
    problem = emoji_problem(text)
    assert problem is not None and why in problem
