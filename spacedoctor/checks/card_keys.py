"""Front matter values against the Hub's allowed values and limits (SD102-SD112, SD116)."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from spacedoctor import platform_data as hub
from spacedoctor.api import Finding, Location, Severity, check
from spacedoctor.checks.card_common import closest, kind, quoted, show, usable_card, yaml_text
from spacedoctor.sources.card import Card
from spacedoctor.sources.space import SpaceContext

_SDK_LIST = ", ".join(sorted(hub.SDKS))


def _at(card: Card, key: str) -> Location:
    return Location(card.path, card.line(key))


@check("SD102")
def sdk_invalid(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    if "sdk" not in card.data:
        yield Finding(
            f"the front matter has no `sdk` key: the Hub cannot tell how to build or serve the "
            f"Space (allowed: {_SDK_LIST})",
            _at(card, "sdk"),
            fix="Add `sdk: docker` (a Dockerfile at the root), `sdk: gradio` (app.py) or "
            "`sdk: static` (index.html) to the front matter.",
        )
        return
    value = card.data["sdk"]
    if isinstance(value, str) and value in hub.SDKS:
        return
    shown = show(card, "sdk")
    if isinstance(value, str) and value.strip().lower() in hub.RETIRED_SDKS:
        since = hub.RETIRED_SDKS[value.strip().lower()]
        yield Finding(
            f"sdk is `{shown}`: Streamlit is no longer a built-in Spaces SDK (changelog {since}); "
            "new Streamlit Spaces are created from the Docker template",
            _at(card, "sdk"),
            fix="Set `sdk: docker` and `app_port: 8501`, and add a Dockerfile that installs "
            "requirements.txt and ends with\n"
            '  CMD ["streamlit", "run", "app.py", "--server.port=8501", '
            '"--server.address=0.0.0.0"]',
            severity=Severity.HIGH,
        )
        return
    guess = closest(value, hub.SDKS) if isinstance(value, str) else None
    yield Finding(
        f"sdk is `{shown}` ({kind(value)}), not one of {_SDK_LIST}",
        _at(card, "sdk"),
        fix=f"sdk: {guess}" if guess else f"Set `sdk` to one of {_SDK_LIST}.",
    )


@check("SD103")
def color_invalid(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    for key in ("colorFrom", "colorTo"):
        if key not in card.data:
            continue
        value = card.data[key]
        if isinstance(value, str) and value in hub.COLORS:
            continue
        guess = None
        if isinstance(value, str):
            guess = "gray" if value.strip().lower() == "grey" else closest(value, hub.COLORS)
        yield Finding(
            f"{key} is `{show(card, key)}`; the Hub rejects the push with: "
            + hub.HUB_COLOR_ERROR.format(key=key),
            _at(card, key),
            fix=f"{key}: {guess}" if guess else f"Set {key} to one of {', '.join(hub.COLORS)}.",
        )


@check("SD104")
def short_description_too_long(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    value = card.data.get("short_description")
    if not isinstance(value, str):
        return
    length = len(value)  # code points: never more than the Hub's count, so no false alarm
    limit = hub.SHORT_DESCRIPTION_MAX
    if length <= limit:
        return
    cut = value[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    yield Finding(
        f"short_description is {length} characters long; the Hub rejects the push with: "
        + hub.HUB_SHORT_DESCRIPTION_ERROR,
        _at(card, "short_description"),
        fix=f"Shorten it to at most {limit} characters, e.g.\n  short_description: "
        + quoted(cut.rstrip(" ,;:-")),
    )


@check("SD105")
def app_port_invalid(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    if "app_port" not in card.data:
        return
    value = card.data["app_port"]
    shown = show(card, "app_port")
    if card.sdk in ("gradio", "static"):
        yield Finding(
            f"app_port is set ({shown}) but sdk is {card.sdk}: the Hub uses app_port only for "
            "Docker Spaces, so it is ignored",
            _at(card, "app_port"),
            fix="Delete the `app_port` line (Gradio Spaces are served on 7860, static Spaces by "
            "the Hub).",
            severity=Severity.INFO,
        )
        return
    problem = _port_problem(value)
    if problem is not None:
        yield Finding(
            f"app_port is `{shown}`: {problem}; the Hub needs the integer port your server "
            "listens on (1-65535)",
            _at(card, "app_port"),
            fix="app_port: 7860   # the port your server binds to, as a bare integer",
        )


def _port_problem(value: Any) -> str | None:
    if value is None:
        return None  # an empty key: the default port applies
    if isinstance(value, bool):
        return "YAML reads it as a boolean"
    if isinstance(value, int):
        return None if 1 <= value <= 65535 else "outside the TCP port range"
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            # "7860" quoted: whether the Hub coerces it is not documented; do not guess.
            return None if 1 <= int(text) <= 65535 else "outside the TCP port range"
        return "not an integer"
    return f"{kind(value)}, not an integer"


@check("SD106")
def app_file_missing(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    sdk = card.sdk
    if sdk == "docker":
        if ctx.repo.find("Dockerfile") is None:
            other = next(
                (f.rel for f in ctx.repo if f.rel.lower() == "dockerfile"),
                None,
            )
            hint = f" (there is `{other}`: the name is case-sensitive)" if other else ""
            yield Finding(
                f"sdk is docker but there is no Dockerfile at the Space root{hint}: the Space "
                'stops at stage NO_APP_FILE ("This Space is missing an app file")',
                _at(card, "sdk"),
                fix=f"git mv {other} Dockerfile"
                if other
                else "Add a Dockerfile at the root of the Space repository.",
            )
        return
    if sdk not in hub.DEFAULT_APP_FILE:
        return
    if sdk == "static" and "app_build_command" in card.data:
        return  # app_file names the build output, which is not in the repository
    raw = card.data.get("app_file")
    if "app_file" in card.data and not isinstance(raw, str):
        return  # not a path at all: nothing to look up
    declared = isinstance(raw, str)
    path = raw if isinstance(raw, str) else hub.DEFAULT_APP_FILE[sdk]
    rel = path.strip()
    while rel.startswith(("./", "/")):
        rel = rel[2:] if rel.startswith("./") else rel[1:]
    if rel in ctx.repo:
        return
    near = [f.rel for f in ctx.repo if f.rel.lower() == rel.lower()]
    if not near:
        base = rel.rsplit("/", 1)[-1]
        near = sorted(f.rel for f in ctx.repo if f.rel.rsplit("/", 1)[-1] == base)
    if not near and not declared:
        # The default is missing: a single top-level file of the same kind is the likely entry.
        suffix = posixpath.splitext(rel)[1]
        top = [f.rel for f in ctx.repo if "/" not in f.rel and f.rel.endswith(suffix)]
        near = top if len(top) == 1 else []
    where = "app_file is" if declared else f"sdk is {sdk} and app_file defaults to"
    hint = f" (found: {', '.join(near[:3])})" if near else ""
    yield Finding(
        f"{where} `{path}` but there is no such file in the repository{hint}: the Space stops "
        'at stage NO_APP_FILE ("This Space is missing an app file")',
        _at(card, "app_file" if declared else "sdk"),
        fix=f"app_file: {near[0]}"
        if near
        else f"Add {rel} (files matched by .gitignore are not pushed) or point `app_file` at "
        "your entry file.",
    )


@check("SD107")
def base_path_invalid(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    if "base_path" not in card.data:
        return
    value = card.data["base_path"]
    shown = show(card, "base_path")
    if card.sdk == "static":
        yield Finding(
            f"base_path is `{shown}` on a static Space: the Hub applies base_path only to "
            "non-static Spaces; static Spaces choose their first page with app_file",
            _at(card, "base_path"),
            fix=f"Replace it with `app_file: {shown.lstrip('/') or 'index.html'}`.",
        )
        return
    if not isinstance(value, str):
        yield Finding(
            f"base_path is `{shown}` ({kind(value)}): it must be a URL path starting with `/`",
            _at(card, "base_path"),
            fix="base_path: /",
        )
    elif not value.startswith("/"):
        yield Finding(
            f"base_path is `{value}`: the Hub requires it to start with `/`",
            _at(card, "base_path"),
            fix=f"base_path: /{value.lstrip()}",
        )


_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*")


def duration_seconds(text: str) -> float | None:
    """Seconds in a duration like `30m`, `1h`, `1h30m`, `2 hours`; None if it is not one."""
    pos, total, parts = 0, 0.0, 0
    while pos < len(text):
        m = _DURATION.match(text, pos)
        if m is None or m.end() == pos:
            return None
        unit = hub.DURATION_UNITS.get(m.group(2).lower())
        if unit is None:
            return None
        total += float(m.group(1)) * unit
        pos, parts = m.end(), parts + 1
    return total if parts else None


@check("SD108")
def startup_timeout_format(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    key = "startup_duration_timeout"
    if key not in card.data:
        return
    value = card.data[key]
    shown = show(card, key)
    if isinstance(value, str) and duration_seconds(value) is not None:
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        yield Finding(
            f"{key} is `{shown}`, a number with no unit: the reference asks for a duration "
            "like `1h` or `30m`",
            _at(card, key),
            fix=f"{key}: {shown}m   # or 1h; the default is 30m",
        )
        return
    yield Finding(
        f"{key} is `{shown}`, which is not a duration (a number and a unit, like `1h` or `30m`)",
        _at(card, key),
        fix=f"{key}: 1h",
    )


@check("SD109")
def custom_headers_invalid(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    key = "custom_headers"
    if key not in card.data:
        return
    headers = card.data[key]
    allowed = ", ".join(hub.CUSTOM_HEADERS)
    if not isinstance(headers, dict):
        yield Finding(
            f"custom_headers is {kind(headers)}; it must be a mapping of header to value",
            _at(card, key),
            fix="custom_headers:\n  cross-origin-embedder-policy: require-corp\n"
            "  cross-origin-opener-policy: same-origin",
        )
        return
    for name, value in headers.items():
        where = Location(card.path, card.sub_line(key, str(name)))
        name_s = str(name)
        lower = name_s.strip().lower()
        if lower not in hub.CUSTOM_HEADERS:
            yield Finding(
                f"custom_headers sets `{name_s}`, which the Hub does not allow (only {allowed})",
                where,
                fix=f"Delete the `{name_s}` entry; send that header from your app instead.",
            )
            continue
        problems = []
        if name_s != lower:
            problems.append("the header name must be lowercase")
        text = yaml_text(value)
        if not isinstance(value, str):
            problems.append(f"the value is {kind(value)}, not a string")
        elif value != value.lower():
            problems.append("the value must be lowercase")
        token = text.split(";", 1)[0].strip().lower()
        if token not in hub.CUSTOM_HEADERS[lower]:
            problems.append(
                f"`{text}` is not a {lower} value ({', '.join(sorted(hub.CUSTOM_HEADERS[lower]))})"
            )
        if not problems:
            continue
        good = token if token in hub.CUSTOM_HEADERS[lower] else _default_value(lower)
        yield Finding(
            f"custom_headers `{name_s}: {text}`: "
            + "; ".join(problems)
            + ' (the Hub: "all headers and values must be lowercase")',
            where,
            fix=f"  {lower}: {good}",
        )


def _default_value(header: str) -> str:
    return {
        "cross-origin-embedder-policy": "require-corp",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "cross-origin",
    }[header]


@check("SD110")
def hardware_flavor_invalid(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    key = "suggested_hardware"
    if key not in card.data:
        return
    value = card.data[key]
    if isinstance(value, str) and value in hub.HARDWARE_FLAVORS:
        return
    guess = closest(value, hub.HARDWARE_FLAVORS, 0.85) if isinstance(value, str) else None
    yield Finding(
        f"suggested_hardware is `{show(card, key)}`, not a hardware flavor the Hub lists "
        f"(checked {hub.LAST_VERIFIED}; `hf spaces hardware` prints today's list)",
        _at(card, key),
        fix=f"suggested_hardware: {guess}"
        if guess
        else "Use a flavor such as cpu-basic, cpu-upgrade, t4-small, l4x1, a10g-small or "
        "a100-large.",
    )


@check("SD111")
def suggested_storage_ignored(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    key = "suggested_storage"
    if key not in card.data:
        return
    yield Finding(
        f"suggested_storage is `{show(card, key)}`, but persistent storage is no longer "
        "available: the Hub ignores this setting and nothing under /data survives a restart "
        "unless a Storage Bucket volume is mounted there",
        _at(card, key),
        fix="Delete the `suggested_storage` line; for files that must persist, mount a Storage "
        "Bucket as a volume (Space settings, or HfApi volumes) and write there.",
    )


_PYTHON_VERSION = re.compile(rf"^{hub.PYTHON_VERSION_PATTERN}$")


@check("SD112")
def python_version_format(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    key = "python_version"
    if key not in card.data:
        return
    value = card.data[key]
    shown = show(card, key)
    if card.sdk in ("docker", "static"):
        yield Finding(
            f"python_version is `{shown}` but sdk is {card.sdk}: the Hub uses it only for "
            "Gradio Spaces, so it is ignored"
            + (" (the Dockerfile's base image decides the Python)" if card.sdk == "docker" else ""),
            _at(card, key),
            fix="Delete the `python_version` line"
            + (
                ", and pick the Python in the Dockerfile (e.g. `FROM python:3.12-slim`)."
                if card.sdk == "docker"
                else "."
            ),
            severity=Severity.INFO,
        )
        return
    if isinstance(value, float) and key in card.raw and card.raw[key] != repr(value):
        raw = card.raw[key]
        yield Finding(
            f"python_version is `{raw}` without quotes: YAML reads it as the number {value!r}, "
            f"so the Space asks for Python {value!r}, not {raw}",
            _at(card, key),
            fix=f'python_version: "{raw}"',
        )
        return
    text = yaml_text(value)
    if isinstance(value, float) or (isinstance(value, str) and _PYTHON_VERSION.match(value)):
        return  # 3.9 or 3.12 unquoted keep their digits; "3.11.9" is the documented form
    guess = re.search(hub.PYTHON_VERSION_PATTERN, text)
    yield Finding(
        f"python_version is `{shown}`: the Hub accepts a `3.x` or `3.x.x` version string",
        _at(card, key),
        fix=f'python_version: "{guess.group(0) if guess else hub.DEFAULT_PYTHON_VERSION}"',
    )


# --- SD116 metadata-types -----------------------------------------------------------------------

_KEYCAP_BASES = set("0123456789#*")
_EMOJI_JOINERS = {"\u200d", "\ufe0f", "\ufe0e", "\u20e3"}


def emoji_problem(text: str) -> str | None:
    """Why `text` is not emoji-only (None when it is)."""
    if not text.strip():
        return "it is empty"
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in _EMOJI_JOINERS or 0xE0020 <= ord(ch) <= 0xE007F:
            continue  # ZWJ, variation selectors, keycap, flag tag characters
        if ch in _KEYCAP_BASES:
            rest = chars[i + 1 : i + 3]
            if "\u20e3" in rest:
                continue
            return f"`{ch}` is not an emoji"
        cat = unicodedata.category(ch)
        if cat in ("So", "Sk", "Mn", "Me", "Cf") and not ch.isspace():
            continue
        if ch.isspace():
            return "it contains spaces"
        return "it contains text"
    return None


@check("SD116")
def metadata_types(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    data = card.data
    if "emoji" in data:
        value = data["emoji"]
        problem = emoji_problem(value) if isinstance(value, str) else f"it is {kind(value)}"
        if problem is not None:
            yield Finding(
                f"emoji is `{show(card, 'emoji')}`: {problem}; the reference allows emoji "
                "characters only",
                _at(card, "emoji"),
                fix="emoji: 🚀",
            )
    header = data.get("header")
    if "header" in data and not (isinstance(header, str) and header in hub.HEADERS):
        value = data["header"]
        guess = closest(value, hub.HEADERS) if isinstance(value, str) else None
        yield Finding(
            f"header is `{show(card, 'header')}`: it can be either `mini` or `default`",
            _at(card, "header"),
            fix=f"header: {guess or 'mini'}",
        )
    for key in hub.BOOLEAN_KEYS:
        if key in data and data[key] is not None and not isinstance(data[key], bool):
            value = data[key]
            truthy = str(value).strip().lower() in ("true", "yes", "1", "on")
            yield Finding(
                f"{key} is `{show(card, key)}` ({kind(value)}); the reference types it as a "
                "boolean",
                _at(card, key),
                fix=f"{key}: {'true' if truthy else 'false'}",
            )
    for key in hub.STRING_LIST_KEYS:
        yield from _string_list(card, key)
    yield from _license(card)
    if "thumbnail" in data:
        value = data["thumbnail"]
        parts = urlsplit(value) if isinstance(value, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            yield Finding(
                f"thumbnail is `{show(card, 'thumbnail')}`: the reference expects the URL of an "
                "image (https://...)",
                _at(card, "thumbnail"),
                fix="thumbnail: https://huggingface.co/spaces/<owner>/<space>/resolve/main/"
                + (value.lstrip("./") if isinstance(value, str) and value else "thumbnail.png"),
            )


def _string_list(card: Card, key: str) -> Iterator[Finding]:
    if key not in card.data or card.data[key] is None:
        return
    value = card.data[key]
    if isinstance(value, str):
        items = [p.strip() for p in value.split(",") if p.strip()]
        yield Finding(
            f"{key} is the string `{value}`; the reference types it as a list of strings",
            _at(card, key),
            fix=f"{key}:\n" + "\n".join(f"  - {item}" for item in items or [value]),
        )
        return
    if not isinstance(value, list):
        yield Finding(
            f"{key} is {kind(value)}; the reference types it as a list of strings",
            _at(card, key),
            fix=f"{key}:\n  - <item>",
        )
        return
    for i, item in enumerate(value):
        if not isinstance(item, str):
            yield Finding(
                f"{key} item `{yaml_text(item)}` is {kind(item)}, not a string",
                Location(card.path, card.item_line(key, i)),
                fix=f"  - {quoted(yaml_text(item))}",
            )


def _license(card: Card) -> Iterator[Finding]:
    if "license" not in card.data or card.data["license"] is None:
        return
    value = card.data["license"]
    if isinstance(value, str) and value in hub.LICENSES:
        return
    guess = closest(value, hub.LICENSES) if isinstance(value, str) else None
    yield Finding(
        f"license is `{show(card, 'license')}`, not a license id from the Hub's list (checked "
        f"{hub.LAST_VERIFIED})",
        _at(card, "license"),
        fix=f"license: {guess}"
        if guess
        else "Use an id from https://huggingface.co/docs/hub/repositories-licenses, or\n"
        "  license: other\n  license_name: <short-name>\n  license_link: LICENSE",
    )
