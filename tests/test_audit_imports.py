"""`spacedoctor audit` of a typical Space stays light: it binds every check module (the
registry's guarantee that code and catalog agree) without loading the probe's and the runtime's
machinery or any heavy library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "broken-space"

HEAVY = (
    "huggingface_hub",
    "httpx",
    "rich",
    "asyncio",
    "pydantic",
    "spacedoctor.sources.live",
    "spacedoctor.sources.runtime",
    "spacedoctor.sources.hub",
)

RUNNER = """
import json, os, sys
from spacedoctor.cli import main
from spacedoctor.checks import PLUGIN
target, names = sys.argv[1], json.loads(sys.argv[2])
sys.argv = ["spacedoctor", "audit", target, "-o", os.devnull]
try:
    main()
except SystemExit as exc:
    code = exc.code
heavy = [m for m in names if m in sys.modules]
unbound = [m for m in PLUGIN.modules if m not in sys.modules]
print(json.dumps({"code": code, "heavy": heavy, "unbound": unbound}))
"""


def test_audit_of_the_example_loads_no_heavy_module() -> None:
    out = subprocess.run(
        [sys.executable, "-c", RUNNER, str(EXAMPLE), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["code"] == 1  # the example has findings: the audit really ran
    assert result["heavy"] == []
    assert result["unbound"] == []  # every check module, live and runtime included, imported
