"""`audit PATH --url URL`: the static audit and the live probe in one report, with the static
finding the probe proved real marked as confirmed. The app runs on a real uvicorn server."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from spacedoctor.cli import app
from tests.live_apps.servers import AppServer

SPACE = Path(__file__).parent / "fixtures" / "confirm-space"
runner = CliRunner()


def _load_app(path: Path) -> object:
    # The test runs the app itself; spacedoctor only reads the code.
    spec = importlib.util.spec_from_file_location("confirm_space_main", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def test_static_cors_finding_is_confirmed_by_the_probe(tmp_path: Path) -> None:
    space = tmp_path / "space"
    shutil.copytree(SPACE, space)
    with AppServer(_load_app(space / "main.py")) as server:
        result = runner.invoke(
            app,
            [
                "audit",
                str(space),
                "--url",
                server.url,
                "--path",
                "/files/case.txt",
                "--origin",
                "https://frontend.example",
                "--format",
                "json",
                "--select",
                "SD302,SD6",
            ],
        )
    assert result.exit_code == 0, result.output  # high findings; fail-on is critical
    findings = json.loads(result.stdout)["findings"]
    static = next(f for f in findings if f["id"] == "SD302")
    assert static["location"] == {"path": "main.py", "line": 22}
    assert static["confirmed_by"] == ["SD603"]
    live = [f for f in findings if f["id"].startswith("SD6")]
    assert [(f["id"], f["location"]["url"]) for f in live] == [
        ("SD603", server.url + "/files/case.txt")
    ]


def test_origin_without_url_is_a_usage_error() -> None:
    result = runner.invoke(app, ["audit", str(SPACE), "--origin", "https://x.example"])
    assert result.exit_code == 2
    assert "--origin and --path go with --url" in result.stderr
