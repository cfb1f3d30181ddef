"""The command line as a user meets it: help, version, exit codes, formats, errors in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacedoctor import __version__
from spacedoctor.cli import app

runner = CliRunner()


def _space(path: Path, readme: str = "---\nsdk: static\n---\n") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "README.md").write_text(readme)
    (path / "index.html").write_text("<p>hi</p>\n")
    return path


BROKEN = "---\nsdk: static\ncolorFrom: [red\n---\n"


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"spacedoctor {__version__}"


@pytest.mark.parametrize(
    "command", [[], ["audit"], ["probe"], ["diagnose"], ["checks"], ["explain"]]
)
def test_help_everywhere(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage: spacedoctor" in result.stdout


def test_clean_space_exits_0(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(_space(tmp_path)), "--no-color"])
    assert result.exit_code == 0, result.output
    assert "No findings" in result.stdout


def test_critical_finding_exits_1_and_fail_on_moves_the_bar(tmp_path: Path) -> None:
    space = _space(tmp_path, BROKEN)
    assert runner.invoke(app, ["audit", str(space)]).exit_code == 1
    assert runner.invoke(app, ["audit", str(space), "--fail-on", "none"]).exit_code == 0
    env = {"SPACEDOCTOR_FAIL_ON": "none"}
    assert runner.invoke(app, ["audit", str(space)], env=env).exit_code == 0
    # the command line beats the environment
    assert runner.invoke(app, ["audit", str(space), "--fail-on", "high"], env=env).exit_code == 1


def test_select_and_ignore(tmp_path: Path) -> None:
    space = _space(tmp_path, BROKEN)
    result = runner.invoke(app, ["audit", str(space), "--ignore", "SD101", "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["findings"] == []
    env = {"SPACEDOCTOR_SELECT": "frontmatter-missing"}
    result = runner.invoke(app, ["audit", str(space), "-f", "json"], env=env)
    assert [f["id"] for f in json.loads(result.stdout)["findings"]] == ["SD101"]


def test_json_to_output_file(tmp_path: Path) -> None:
    space = _space(tmp_path / "s", BROKEN)
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["audit", str(space), "--format", "json", "--output", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    doc = json.loads(out.read_text())
    assert doc["findings"][0]["location"] == {"path": "README.md", "line": 3}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", "/no/such/dir"], "/no/such/dir: no such file or directory"),
        (["audit", "--format", "xml", "."], "--format must be one of text, json, sarif, github"),
        (["audit", "--fail-on", "severe", "."], "fail-on must be one of"),
        (["explain", "SD999"], "unknown check 'SD999'"),
        (["checks", "--format", "sarif"], "--format must be text or json"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_file_target_and_bad_config(tmp_path: Path) -> None:
    f = tmp_path / "file.txt"
    f.write_text("x")
    result = runner.invoke(app, ["audit", str(f)])
    assert result.exit_code == 2
    assert "not a directory" in result.stderr
    space = _space(tmp_path / "s")
    (space / ".spacedoctor.yaml").write_text("select: [SD1\n")
    result = runner.invoke(app, ["audit", str(space)])
    assert result.exit_code == 2
    assert ".spacedoctor.yaml: not valid YAML" in result.stderr


def test_binary_readme_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    tmp_path.joinpath("README.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    result = runner.invoke(app, ["audit", str(tmp_path), "-f", "json"])
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["id"] == "SD101"
    assert "binary" in finding["message"]


def test_explain_by_name_and_checks_json() -> None:
    result = runner.invoke(app, ["explain", "frontmatter-missing"])
    assert result.exit_code == 0
    assert result.stdout.startswith("SD101 frontmatter-missing (critical, card)")
    assert "Fix:" in result.stdout
    result = runner.invoke(app, ["checks", "--format", "json", "--select", "SD1"])
    ids = [c["id"] for c in json.loads(result.stdout)]
    assert ids and all(i.startswith("SD1") for i in ids)


def test_real_process_plain_output_without_terminal(tmp_path: Path) -> None:
    space = _space(tmp_path, BROKEN)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.run(
        [sys.executable, "-m", "spacedoctor", "audit", str(space)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "\x1b[" not in proc.stdout  # not a terminal: no colour codes
    assert proc.stdout.startswith("README.md\n  3  SD101 critical  frontmatter-missing\n")
