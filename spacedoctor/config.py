"""Settings: command line > SPACEDOCTOR_* env > .spacedoctor.yaml or pyproject.toml > defaults."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacedoctor.model import Severity

FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "info", "none")
_KEYS = {
    "select",
    "ignore",
    "severity",
    "fail-on",
    "per-file-ignores",
    "mount-paths",
    "timeout-budget",
}


class ConfigError(Exception):
    """The configuration file or an option value is wrong; the message says which and where."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] | None = None  # None: every check
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Severity | None = Severity.CRITICAL  # None: never fail on findings
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Where the Space has writable volumes mounted at runtime (e.g. a Storage Bucket at /data).
    #: Empty by default: persistent /data storage no longer exists unless a volume is mounted.
    mount_paths: tuple[str, ...] = ()
    timeout_budget: float = 60.0
    config_path: str | None = None

    def selected(self, check_id: str, name: str) -> bool:
        """flake8's rule: the longest matching prefix wins; ignore wins a tie."""
        sel = _longest(self.select, check_id, name) if self.select is not None else 0
        ign = _longest(self.ignore, check_id, name)
        if ign and ign >= sel:
            return False
        return self.select is None or sel > 0

    def ignored_for_path(self, check_id: str, path: str | None) -> bool:
        if path is None:
            return False
        for pattern, ids in self.per_file_ignores:
            if fnmatch.fnmatch(path, pattern) and any(check_id.startswith(i) for i in ids):
                return True
        return False


def _longest(prefixes: tuple[str, ...], check_id: str, name: str) -> int:
    best = 0
    for p in prefixes:
        if p == name:
            best = max(best, 999)  # a full name is the most specific selector
        elif p and check_id.upper().startswith(p.upper()):
            best = max(best, len(p))
        elif p.upper() == "ALL":
            best = max(best, 1)
    return best


def parse_fail_on(value: str) -> Severity | None:
    v = value.strip().lower()
    if v == "none":
        return None
    try:
        return Severity(v)
    except ValueError:
        raise ConfigError(
            f"fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, not {value!r}"
        ) from None


def split_list(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    return tuple(i.strip() for i in items if i.strip())


def find_config(root: Path, explicit: Path | None) -> tuple[Path | None, dict[str, Any]]:
    """The file config for an audit of `root`: an explicit --config, else .spacedoctor.yaml,
    else [tool.spacedoctor] in pyproject.toml."""
    if explicit is not None:
        return explicit, _read(explicit, required=True)
    for candidate in (root / ".spacedoctor.yaml", root / ".spacedoctor.yml"):
        if candidate.is_file():
            return candidate, _read(candidate, required=True)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        data = _read(pyproject, required=False)
        if data:
            return pyproject, data
    return None, {}


def _read(path: Path, required: bool) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read config {path}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    if path.suffix == ".toml":
        import tomllib

        try:
            doc = tomllib.loads(text)
        except ValueError as exc:  # TOMLDecodeError, or an int past Python's digit limit
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        section = doc.get("tool", {}).get("spacedoctor")
        if section is None:
            if required:
                raise ConfigError(f"{path}: no [tool.spacedoctor] table")
            return {}
        data = section
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise ConfigError(f"{path}: not valid YAML{where}: {problem}") from None
        except (ValueError, RecursionError) as exc:
            raise ConfigError(f"{path}: cannot read it: {str(exc).splitlines()[0]}") from None
        if data is None:
            return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping")
    norm = {str(k).replace("_", "-"): v for k, v in data.items()}
    unknown = sorted(set(norm) - _KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}"
        )
    return norm


def build_settings(
    file_cfg: Mapping[str, Any],
    config_path: Path | None = None,
    *,
    select: str | None = None,
    ignore: str | None = None,
    fail_on: str | None = None,
) -> Settings:
    """Merge command-line/env values (None when not given) over the file config."""
    where = str(config_path) if config_path else "config"

    def str_list(key: str) -> tuple[str, ...] | None:
        raw = file_cfg.get(key)
        if raw is None:
            return None
        if isinstance(raw, str) or (isinstance(raw, list) and all(isinstance(x, str) for x in raw)):
            return split_list(raw)
        raise ConfigError(f"{where}: {key} must be a list of strings")

    sel = split_list(select) if select is not None else str_list("select")
    ign = split_list(ignore) if ignore is not None else (str_list("ignore") or ())

    sev_raw = file_cfg.get("severity") or {}
    if not isinstance(sev_raw, dict):
        raise ConfigError(f"{where}: severity must map check ids to severities")
    severity: dict[str, Severity] = {}
    for k, v in sev_raw.items():
        try:
            severity[str(k).upper()] = Severity(str(v).lower())
        except ValueError:
            raise ConfigError(f"{where}: severity for {k}: {v!r} is not a severity") from None

    fo_raw = fail_on if fail_on is not None else file_cfg.get("fail-on")
    fo = parse_fail_on(str(fo_raw)) if fo_raw is not None else Severity.CRITICAL

    pfi_raw = file_cfg.get("per-file-ignores") or {}
    if not isinstance(pfi_raw, dict):
        raise ConfigError(f"{where}: per-file-ignores must map glob patterns to lists of ids")
    pfi = tuple((str(k), split_list(v)) for k, v in pfi_raw.items())

    mounts = str_list("mount-paths")
    budget_raw = file_cfg.get("timeout-budget", 60.0)
    if not isinstance(budget_raw, int | float) or isinstance(budget_raw, bool) or budget_raw <= 0:
        raise ConfigError(f"{where}: timeout-budget must be a positive number of seconds")
    return Settings(
        select=sel,
        ignore=ign,
        severity=severity,
        fail_on=fo,
        per_file_ignores=pfi,
        mount_paths=mounts or (),
        timeout_budget=float(budget_raw),
        config_path=str(config_path) if config_path else None,
    )
