"""Third-party checks plug in through the `spacedoctor.checks` entry-point group, exactly like the
built-ins. The plugin here is installed the way pip leaves a package: a module and a .dist-info
folder with entry_points.txt on the path; the CLI runs in a subprocess and must see it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from spacedoctor.api import Plugin
from spacedoctor.registry import RegistryError, bind, load_registry

PLUGIN_CODE = """
from pathlib import Path
from spacedoctor.api import Finding, Location, Plugin, check

@check("ACME001")
def todo_in_readme(ctx):
    if "README.md" in ctx.repo and "TODO" in ctx.repo.read_text("README.md"):
        yield Finding("README.md still says TODO", Location("README.md", 1))

PLUGIN = Plugin(
    name="acme",
    catalog=Path(__file__).with_name("acme_checks.yaml"),
    modules=("acme_spacedoctor",),
)
"""

PLUGIN_CATALOG = """
version: 1
checks:
  - id: ACME001
    name: readme-todo
    severity: high
    target: repo
    title: The README still has a TODO
    why: Visitors read it.
    fix: Finish the README.
"""


def _install(site: Path, catalog: str = PLUGIN_CATALOG) -> None:
    (site / "acme_spacedoctor.py").write_text(PLUGIN_CODE)
    (site / "acme_checks.yaml").write_text(catalog)
    dist = site / "acme_spacedoctor-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-spacedoctor\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[spacedoctor.checks]\nacme = acme_spacedoctor:PLUGIN\n")


def _run(args: list[str], site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "spacedoctor", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_installed_plugin_is_listed_and_runs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install(site)
    space = tmp_path / "space"
    space.mkdir()
    (space / "README.md").write_text("---\nsdk: static\n---\nTODO: write this\n")
    (space / "index.html").write_text("<p>hi</p>")

    listed = _run(["checks", "--format", "json"], site)
    assert listed.returncode == 0, listed.stderr
    entry = next(c for c in json.loads(listed.stdout) if c["id"] == "ACME001")
    assert entry["plugin"] == "acme"
    assert entry["name"] == "readme-todo"

    audited = _run(["audit", str(space), "--format", "json", "--select", "ACME"], site)
    # high is below the default --fail-on (critical): findings are reported, exit 0
    assert audited.returncode == 0, audited.stderr
    findings = json.loads(audited.stdout)["findings"]
    assert [(f["id"], f["location"]["path"], f["location"]["line"]) for f in findings] == [
        ("ACME001", "README.md", 1)
    ]


def test_plugin_catalog_disagreeing_with_code_refuses_to_start(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install(site, PLUGIN_CATALOG.replace("ACME001", "ACME002"))
    result = _run(["checks"], site)
    assert result.returncode == 2
    assert "acme" in result.stderr
    assert "ACME002" in result.stderr  # the culprit is named
    assert "Traceback" not in result.stderr


def test_catalog_entry_without_code_is_refused(tmp_path: Path) -> None:
    catalog = tmp_path / "c.yaml"
    catalog.write_text(PLUGIN_CATALOG)
    with pytest.raises(RegistryError, match=r"catalog entries with no code: ACME001"):
        bind(Plugin(name="empty", catalog=catalog, modules=()))


def test_bad_catalog_entries_are_named(tmp_path: Path) -> None:
    catalog = tmp_path / "c.yaml"
    catalog.write_text(PLUGIN_CATALOG.replace("severity: high", "severity: severe"))
    with pytest.raises(RegistryError, match=r"ACME001.*'severe' is not a valid Severity"):
        bind(Plugin(name="bad", catalog=catalog, modules=()))
    catalog.write_text(PLUGIN_CATALOG.replace("readme-todo", "Readme_Todo"))
    with pytest.raises(RegistryError, match=r"kebab-case"):
        bind(Plugin(name="bad", catalog=catalog, modules=()))
    catalog.write_text("checks: [\n")
    with pytest.raises(RegistryError, match=r"not valid YAML"):
        bind(Plugin(name="bad", catalog=catalog, modules=()))


def test_builtin_ids_and_names_are_unique_and_well_formed() -> None:
    registry = load_registry()
    ids = [b.info.id for b in registry.checks]
    names = [b.info.name for b in registry.checks]
    assert len(ids) == len(set(ids))
    assert len(names) == len(set(names))
    assert all(i.startswith("SD") for i in ids)


def test_plugin_code_is_not_a_check_when_undecorated(tmp_path: Path) -> None:
    mod = tmp_path / "plain_mod.py"
    mod.write_text(textwrap.dedent("def helper(ctx):\n    return []\n"))
    catalog = tmp_path / "c.yaml"
    catalog.write_text("version: 1\nchecks: []\n")
    sys.path.insert(0, str(tmp_path))
    try:
        assert bind(Plugin(name="plain", catalog=catalog, modules=("plain_mod",))) == []
    finally:
        sys.path.remove(str(tmp_path))
