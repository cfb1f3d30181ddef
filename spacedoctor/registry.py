"""Loads the catalogs and the check code of every plugin (built-ins included) and binds them by id.

The registry refuses to start when code and catalog disagree, naming the culprit: a catalog
entry with no code, code with no catalog entry, a duplicate id or name, or a malformed entry.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from spacedoctor.api import CheckFn, Plugin, check_id_of
from spacedoctor.model import CheckInfo, Severity, Target

ENTRY_POINT_GROUP = "spacedoctor.checks"
_ID_RE = re.compile(r"^[A-Z][A-Z0-9]*[0-9]{3}$")
_NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_REQUIRED = ("id", "name", "severity", "target", "title", "why", "fix")


class RegistryError(Exception):
    """Code and catalog disagree, or a catalog or plugin is malformed."""


@dataclass(frozen=True)
class BoundCheck:
    info: CheckInfo
    fn: CheckFn


@dataclass(frozen=True)
class Registry:
    checks: tuple[BoundCheck, ...]

    def by_id(self, check_id: str) -> BoundCheck | None:
        for bound in self.checks:
            if bound.info.id == check_id:
                return bound
        return None

    def lookup(self, key: str) -> BoundCheck | None:
        """Find a check by id (case-insensitive) or by name."""
        key_l = key.lower()
        for bound in self.checks:
            if bound.info.id.lower() == key_l or bound.info.name == key_l:
                return bound
        return None

    def infos(self) -> tuple[CheckInfo, ...]:
        return tuple(b.info for b in self.checks)


def builtin_plugin() -> Plugin:
    from spacedoctor.checks import PLUGIN

    return PLUGIN


def load_catalog(path: Path, plugin: str) -> list[CheckInfo]:
    """Parse and validate one catalog file."""
    import yaml

    # libyaml's loader reads the catalog ~8x faster than the pure-Python one (startup matters).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = path.read_text(encoding="utf-8")
        doc = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader, C or Python
    except OSError as exc:
        raise RegistryError(f"{plugin}: cannot read catalog {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise RegistryError(f"{plugin}: catalog {path} is not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("checks"), list):
        raise RegistryError(f"{plugin}: catalog {path} must be a mapping with a 'checks' list")
    out: list[CheckInfo] = []
    for i, entry in enumerate(doc["checks"]):
        out.append(_entry(entry, f"{plugin}: {path.name} entry {i + 1}", plugin))
    return out


def _entry(entry: Any, where: str, plugin: str) -> CheckInfo:
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: must be a mapping")
    missing = [k for k in _REQUIRED if not isinstance(entry.get(k), str) or not entry[k].strip()]
    if missing:
        raise RegistryError(
            f"{where} ({entry.get('id', '?')}): missing or empty {', '.join(missing)}"
        )
    cid = entry["id"]
    if not _ID_RE.match(cid):
        raise RegistryError(f"{where}: id {cid!r} must look like SD204 (letters then 3 digits)")
    if not _NAME_RE.match(entry["name"]):
        raise RegistryError(f"{where} ({cid}): name {entry['name']!r} must be kebab-case")
    try:
        severity = Severity(entry["severity"])
        target = Target(entry["target"])
    except ValueError as exc:
        raise RegistryError(f"{where} ({cid}): {exc}") from None
    refs = entry.get("references") or []
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise RegistryError(f"{where} ({cid}): references must be a list of strings")
    unknown = set(entry) - {*_REQUIRED, "references"}
    if unknown:
        raise RegistryError(f"{where} ({cid}): unknown keys {', '.join(sorted(unknown))}")
    return CheckInfo(
        id=cid,
        name=entry["name"],
        severity=severity,
        target=target,
        title=entry["title"].strip(),
        why=entry["why"].strip(),
        fix=entry["fix"].strip(),
        references=tuple(refs),
        plugin=plugin,
    )


def _collect(plugin: Plugin) -> dict[str, CheckFn]:
    found: dict[str, CheckFn] = {}
    for modname in plugin.modules:
        try:
            module = importlib.import_module(modname)
        except Exception as exc:  # a broken plugin must not take the CLI down with a traceback
            raise RegistryError(f"{plugin.name}: cannot import {modname}: {exc}") from None
        for attr in vars(module).values():
            cid = check_id_of(attr)
            if cid is None or not callable(attr):
                continue
            if cid in found and found[cid] is not attr:
                raise RegistryError(f"{plugin.name}: two functions bind {cid} ({modname})")
            found[cid] = attr
    return found


def bind(plugin: Plugin) -> list[BoundCheck]:
    """Bind one plugin's code to its catalog, refusing any disagreement."""
    infos = load_catalog(plugin.catalog, plugin.name)
    code = _collect(plugin)
    catalog_ids = [i.id for i in infos]
    dupes = sorted({c for c in catalog_ids if catalog_ids.count(c) > 1})
    if dupes:
        raise RegistryError(f"{plugin.name}: duplicate ids in catalog: {', '.join(dupes)}")
    no_code = [c for c in catalog_ids if c not in code]
    if no_code:
        raise RegistryError(f"{plugin.name}: catalog entries with no code: {', '.join(no_code)}")
    no_entry = sorted(set(code) - set(catalog_ids))
    if no_entry:
        raise RegistryError(
            f"{plugin.name}: code for ids not in the catalog: {', '.join(no_entry)}"
        )
    return [BoundCheck(info, code[info.id]) for info in infos]


def _entry_point_plugins() -> Iterable[tuple[str, Plugin]]:
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as exc:
            raise RegistryError(f"plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from None
        if not isinstance(obj, Plugin):
            raise RegistryError(f"plugin {ep.name!r} ({ep.value}) is not a spacedoctor.api.Plugin")
        yield ep.name, obj


def load_registry(plugins: Iterable[Plugin] | None = None) -> Registry:
    """Load built-ins and every entry-point plugin (or exactly `plugins`, for tests)."""
    if plugins is None:
        found = dict(_entry_point_plugins())
        # Built-ins are declared as an entry point too; a source checkout run without
        # installing has no metadata, so fall back to the same object.
        if not any(p.name == "builtin" for p in found.values()):
            found["builtin"] = builtin_plugin()
        plugins = found.values()
    bound: list[BoundCheck] = []
    seen_ids: dict[str, str] = {}
    seen_names: dict[str, str] = {}
    for plugin in plugins:
        for b in bind(plugin):
            if b.info.id in seen_ids:
                raise RegistryError(
                    f"{plugin.name}: id {b.info.id} is already used by {seen_ids[b.info.id]}"
                )
            if b.info.name in seen_names:
                raise RegistryError(
                    f"{plugin.name}: name {b.info.name} is already used by "
                    f"{seen_names[b.info.name]}"
                )
            seen_ids[b.info.id] = plugin.name
            seen_names[b.info.name] = plugin.name
            bound.append(b)
    bound.sort(key=lambda b: b.info.id)
    return Registry(tuple(bound))
