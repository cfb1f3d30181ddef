"""Settings: selection by id prefix (longest match wins), file config, precedence, bad config."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacedoctor.config import ConfigError, Settings, build_settings, find_config
from spacedoctor.model import Severity


@pytest.mark.parametrize(
    ("select", "ignore", "check_id", "name", "want"),
    [
        (None, (), "SD204", "cache-dir-unwritable", True),
        (None, ("SD2",), "SD204", "cache-dir-unwritable", False),
        (None, ("SD2",), "SD301", "long-sync-endpoint", True),
        (("SD2",), ("SD20",), "SD204", "x", False),  # ignore is longer
        (("SD204",), ("SD2",), "SD204", "x", True),  # select is longer
        (("SD204",), ("SD2",), "SD206", "x", False),
        (("SD3",), (), "SD204", "x", False),
        (("cache-dir-unwritable",), ("SD2",), "SD204", "cache-dir-unwritable", True),
        (("SD2",), ("SD2",), "SD204", "x", False),  # a tie goes to ignore
        (("ALL",), ("SD204",), "SD204", "x", False),
        (("sd2",), (), "SD204", "x", True),  # prefixes are case-insensitive
    ],
)
def test_selection(
    select: tuple[str, ...] | None, ignore: tuple[str, ...], check_id: str, name: str, want: bool
) -> None:
    assert Settings(select=select, ignore=ignore).selected(check_id, name) is want


def test_yaml_config_and_cli_precedence(tmp_path: Path) -> None:
    (tmp_path / ".spacedoctor.yaml").write_text(
        "select: [SD2]\nignore: [SD216]\nfail-on: high\nseverity:\n  sd207: low\n"
        "per-file-ignores:\n  'legacy/*': [SD3]\nmount-paths: [/data]\ntimeout-budget: 30\n"
    )
    path, data = find_config(tmp_path, None)
    assert path == tmp_path / ".spacedoctor.yaml"
    s = build_settings(data, path)
    assert s.select == ("SD2",)
    assert s.ignore == ("SD216",)
    assert s.fail_on is Severity.HIGH
    assert s.severity == {"SD207": Severity.LOW}
    assert s.mount_paths == ("/data",)
    assert s.timeout_budget == 30.0
    assert s.ignored_for_path("SD301", "legacy/app.py")
    assert not s.ignored_for_path("SD301", "app.py")
    # command line (or SPACEDOCTOR_* env, which Typer folds into the same value) wins
    s2 = build_settings(data, path, select="SD3", fail_on="none")
    assert s2.select == ("SD3",)
    assert s2.fail_on is None


def test_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.spacedoctor]\nignore = ["SD1"]\nfail_on = "medium"\n'
    )
    path, data = find_config(tmp_path, None)
    s = build_settings(data, path)
    assert s.ignore == ("SD1",)
    assert s.fail_on is Severity.MEDIUM


def test_pyproject_without_table_is_no_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(tmp_path, None) == (None, {})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("select: [SD2\n", "not valid YAML"),
        ("selekt: [SD2]\n", "unknown key(s) selekt"),
        ("fail-on: severe\n", "fail-on must be one of"),
        ("severity: {SD204: huge}\n", "'huge' is not a severity"),
        ("select: 3\n", "select must be a list of strings"),
        ("timeout-budget: -1\n", "timeout-budget must be a positive number"),
        ("- a\n- b\n", "must be a mapping"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / ".spacedoctor.yaml"
    cfg.write_text(text)
    with pytest.raises(ConfigError) as err:
        path, data = find_config(tmp_path, None)
        build_settings(data, path)
    assert message in str(err.value)


def test_explicit_config_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config"):
        find_config(tmp_path, tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".spacedoctor.yaml", "timeout-budget: " + "1" * 5000 + "\n"),
        ("pyproject.toml", "[tool.spacedoctor]\ntimeout-budget = " + "1" * 5000 + "\n"),
    ],
)
def test_huge_integers_in_config_are_a_config_error(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    with pytest.raises(ConfigError):
        find_config(tmp_path, None)
