"""Front matter keys that decide how the Space is built or signed in (SD113-SD115, SD117)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacedoctor import platform_data as hub
from spacedoctor.api import Finding, Location, check
from spacedoctor.checks.card_common import closest, kind, show, usable_card, yaml_text
from spacedoctor.sources.card import Card
from spacedoctor.sources.repo import Unreadable
from spacedoctor.sources.space import SpaceContext

if TYPE_CHECKING:
    from packaging.requirements import Requirement

    from spacedoctor.sources.dockerfile import DockerImage


# --- SD113 gradio-version-source ----------------------------------------------------------------


@dataclass(frozen=True)
class _Pin:
    path: str
    line: int
    text: str
    requirement: Requirement


def gradio_requirement(ctx: SpaceContext, name: str = "requirements.txt") -> _Pin | None:
    """The `gradio` line of requirements.txt (markers-free), parsed with packaging."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    if name not in ctx.repo:
        return None
    try:
        text = ctx.repo.read_text(name)
    except Unreadable:
        return None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line or line.startswith("-") or line.endswith("\\"):
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        if canonicalize_name(req.name) == "gradio" and req.marker is None and not req.url:
            return _Pin(name, number, line, req)
    return None


def _version_text(card: Card) -> str | None:
    value = card.data.get("sdk_version")
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return card.raw.get("sdk_version", str(value))
    return None


@check("SD113")
def gradio_version_source(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    if card.sdk != "gradio":
        return
    pin = gradio_requirement(ctx)
    exact = _exact(pin.requirement) if pin else None
    if "sdk_version" not in card.data or card.data["sdk_version"] is None:
        yield Finding(
            "sdk is gradio but there is no sdk_version: the Hub pre-installs the Gradio version "
            "named by sdk_version, and the README is the only place that sets it"
            + (f" (requirements.txt line {pin.line} does not)" if pin else ""),
            Location(card.path, card.line("sdk")),
            fix=f'sdk_version: "{exact}"'
            if exact
            else 'sdk_version: "<the gradio version you test with (pip show gradio)>"',
        )
        return
    value = card.data["sdk_version"]
    raw = card.raw.get("sdk_version")
    if isinstance(value, float) and raw is not None and raw != repr(value):
        yield Finding(
            f"sdk_version is `{raw}` without quotes: YAML reads it as the number {value!r}, so "
            f"the Space asks for Gradio {value!r}, not {raw}",
            Location(card.path, card.line("sdk_version")),
            fix=f'sdk_version: "{raw}"',
        )
        return
    version = _version_text(card)
    if pin is None or version is None:
        return
    from packaging.version import InvalidVersion, Version

    try:
        wanted = Version(version)
    except InvalidVersion:
        return
    if pin.requirement.specifier.contains(wanted, prereleases=True):
        return
    yield Finding(
        f"requirements.txt pins `{pin.text}` but sdk_version is {version}: the Space runs the "
        f"pre-installed Gradio {version}, so the pin does not choose the version (and a "
        "conflicting pin only makes the build reinstall Gradio or fail to resolve)",
        Location(pin.path, pin.line),
        fix=f"Delete requirements.txt line {pin.line} (`{pin.text}`): `sdk_version: {version}` "
        "decides. If the app needs "
        + (
            f'Gradio {exact}, set `sdk_version: "{exact}"` instead.'
            if exact
            else "another Gradio, set that version in sdk_version instead."
        ),
    )


def _exact(req: Requirement) -> str | None:
    specs = list(req.specifier)
    if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
        return specs[0].version
    return None


# --- SD114 oauth-config -------------------------------------------------------------------------

_OAUTH_KEYS = ("hf_oauth_scopes", "hf_oauth_expiration_minutes", "hf_oauth_authorized_org")


@check("SD114")
def oauth_config(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    data = card.data
    enabled = data.get("hf_oauth")
    if enabled is None or enabled is False:
        for key in _OAUTH_KEYS:
            if key in data:
                yield Finding(
                    f"{key} is set but hf_oauth is "
                    + ("false" if enabled is False else "not set")
                    + ": no OAuth app is created for the Space, so this setting has no effect",
                    Location(card.path, card.line(key)),
                    fix="hf_oauth: true",
                )
                break
    if "hf_oauth_scopes" in data:
        yield from _scopes(card)
    if "hf_oauth_expiration_minutes" in data:
        key = "hf_oauth_expiration_minutes"
        value = data[key]
        where = Location(card.path, card.line(key))
        if not isinstance(value, int) or isinstance(value, bool):
            yield Finding(
                f"{key} is `{show(card, key)}` ({kind(value)}); it must be a whole number of "
                f"minutes (default {hub.OAUTH_EXPIRATION_DEFAULT})",
                where,
                fix=f"{key}: {hub.OAUTH_EXPIRATION_DEFAULT}",
            )
        elif value > hub.OAUTH_EXPIRATION_MAX:
            yield Finding(
                f"{key} is {value}: the maximum is {hub.OAUTH_EXPIRATION_MAX} minutes (30 days)",
                where,
                fix=f"{key}: {hub.OAUTH_EXPIRATION_MAX}",
            )
        elif value < 1:
            yield Finding(
                f"{key} is {value}: a token lifetime must be at least one minute",
                where,
                fix=f"{key}: {hub.OAUTH_EXPIRATION_DEFAULT}",
            )
    if "hf_oauth_authorized_org" in data:
        key = "hf_oauth_authorized_org"
        value = data[key]
        ok = isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
        if not ok:
            yield Finding(
                f"{key} is `{show(card, key)}` ({kind(value)}): it must be an organization name "
                "or a list of them",
                Location(card.path, card.line(key)),
                fix=f"{key}: <org-name>",
            )


def _scopes(card: Card) -> Iterator[Finding]:
    key = "hf_oauth_scopes"
    value = card.data[key]
    if isinstance(value, str):
        items = value.replace(",", " ").split()
        yield Finding(
            f"{key} is the string `{value}`; it must be a list of scopes",
            Location(card.path, card.line(key)),
            fix=f"{key}:\n" + "\n".join(f"  - {s}" for s in items),
        )
        return
    if not isinstance(value, list):
        yield Finding(
            f"{key} is {kind(value)}; it must be a list of scopes",
            Location(card.path, card.line(key)),
            fix=f"{key}:\n  - read-repos",
        )
        return
    for i, scope in enumerate(value):
        if isinstance(scope, str) and scope in hub.OAUTH_SCOPES:
            continue
        guess = closest(scope, hub.OAUTH_SCOPES) if isinstance(scope, str) else None
        yield Finding(
            f"hf_oauth_scopes item `{yaml_text(scope)}` is not an OAuth scope the Hub knows "
            f"(checked {hub.LAST_VERIFIED})",
            Location(card.path, card.item_line(key, i)),
            fix=f"  - {guess}"
            if guess
            else "Use scopes from https://huggingface.co/docs/hub/spaces-oauth#scopes",
        )


# --- SD115 preload-cache-mismatch ---------------------------------------------------------------

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


@check("SD115")
def preload_cache_mismatch(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    key = "preload_from_hub"
    if key not in card.data or card.data[key] is None:
        return
    value = card.data[key]
    if isinstance(value, str):
        yield Finding(
            f"{key} is the string `{value}`; it must be a list of entries",
            Location(card.path, card.line(key)),
            fix=f"{key}:\n  - {value}",
        )
        return
    if not isinstance(value, list):
        yield Finding(
            f"{key} is {kind(value)}; it must be a list of `repo [files] [commit]` entries",
            Location(card.path, card.line(key)),
            fix=f"{key}:\n  - openai-community/gpt2 config.json",
        )
        return
    for i, entry in enumerate(value):
        problem, fixed = _preload_entry(entry)
        if problem is not None:
            yield Finding(
                f"{key} entry `{yaml_text(entry)}`: {problem}",
                Location(card.path, card.item_line(key, i)),
                fix=f"  - {fixed}",
            )
    yield from _cache_moved(ctx, card)


def _preload_entry(entry: object) -> tuple[str | None, str]:
    if not isinstance(entry, str):
        return f"it is {kind(entry)}, not a `repo [files] [commit]` string", "<owner>/<repo>"
    parts = entry.split()
    if not parts:
        return "it is empty", "<owner>/<repo>"
    if any(p.endswith(",") for p in parts[:-1]) or any(p.startswith(",") for p in parts[1:]):
        joined = re.sub(r"\s*,\s*", ",", entry.strip())
        return (
            "a space after a comma splits the file list: the Hub reads the words after it as "
            "the commit",
            joined,
        )
    if len(parts) > 3:
        return (
            f"{len(parts)} space-separated parts; the format is `repo`, `repo file1,file2` or "
            "`repo file1,file2 commit`",
            f"{parts[0]} {','.join(parts[1:-1])} {parts[-1]}",
        )
    if not _REPO_ID.match(parts[0]):
        return f"`{parts[0]}` is not a Hub repo id (owner/name)", entry
    return None, entry


def _home_default(image: DockerImage) -> dict[str, str]:
    home = image.home.rstrip("/") or ""
    hf_home = posixpath.join(home or "/", ".cache/huggingface")
    return {
        "XDG_CACHE_HOME": posixpath.join(home or "/", ".cache"),
        "HF_HOME": hf_home,
        "HF_HUB_CACHE": posixpath.join(hf_home, "hub"),
        "HUGGINGFACE_HUB_CACHE": posixpath.join(hf_home, "hub"),
    }


def _cache_moved(ctx: SpaceContext, card: Card) -> Iterator[Finding]:
    if card.sdk != "docker":
        return  # other SDKs set variables in the Space settings, which a repo does not show
    try:
        image = ctx.dockerfile
    except NotImplementedError:
        return  # the Dockerfile source is not available in this build
    if image is None or image.error is not None:
        return
    defaults = _home_default(image)
    for var in hub.PRELOAD_CACHE_VARS:
        if var not in image.env:
            continue
        value = posixpath.normpath(image.env[var]) if image.env[var] else ""
        if value == posixpath.normpath(defaults[var]):
            continue
        line = image.env_lines.get(var)
        where = f"{image.path} line {line}" if line else image.path
        yield Finding(
            f"preload_from_hub downloads into the default cache {defaults['HF_HUB_CACHE']}, but "
            f"{where} sets {var}={image.env[var]}, which moves the cache huggingface_hub reads: "
            "the app does not find the preloaded files and downloads them again at startup",
            Location(card.path, card.line("preload_from_hub")),
            fix=f"Delete `ENV {var}=...` from {image.path} (keep the default cache), or drop "
            "preload_from_hub and download the files in a RUN step of the Dockerfile.",
        )
        return


# --- SD117 static-build-config ------------------------------------------------------------------


@check("SD117")
def static_build_config(ctx: SpaceContext) -> Iterator[Finding]:
    card = usable_card(ctx)
    key = "app_build_command"
    if key not in card.data:
        return
    value = card.data[key]
    where = Location(card.path, card.line(key))
    if card.sdk in ("gradio", "docker"):
        yield Finding(
            f"app_build_command is set but sdk is {card.sdk}: the Hub runs it only for static "
            "Spaces, so it is ignored",
            where,
            fix="Delete the `app_build_command` line"
            + (
                " and build in the Dockerfile (RUN npm ci && npm run build)."
                if card.sdk == "docker"
                else "."
            ),
        )
        return
    if card.sdk != "static":
        return
    if not isinstance(value, str) or not value.strip():
        yield Finding(
            f"app_build_command is `{show(card, key)}` ({kind(value)}); it must be the shell "
            "command that builds the site",
            where,
            fix="app_build_command: npm run build",
        )
        return
    if "app_file" not in card.data:
        yield Finding(
            f"app_build_command is `{value}` but app_file is not set: the Hub serves the file "
            "app_file names inside the build output, so it must point at the built index "
            "(e.g. dist/index.html)",
            where,
            fix="app_file: dist/index.html",
        )
