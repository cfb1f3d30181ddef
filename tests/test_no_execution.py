"""`audit` reads the repo and never runs it. A repo booby-trapped so that importing its code,
building it, running its scripts, loading its YAML unsafely or letting git read its config
would each create a marker file; after auditing it (from inside it, the way a pre-push hook
does, in every format), no marker exists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzzkit import write_repo


def _trap_repo(root: Path, marker_dir: Path) -> None:
    def touch(name: str) -> str:
        return str(marker_dir / name)

    py = "import pathlib; pathlib.Path({!r}).write_text('ran')\n".format
    sh = "touch {}\n".format
    write_repo(
        root,
        {
            "README.md": (
                "---\nsdk: docker\napp_port: 7860\n"
                f"title: !!python/object/apply:os.system ['{sh(touch('yaml-card')).strip()}']\n"
                "---\n"
            ),
            "Dockerfile": (
                "FROM python:3.11\n"
                f"RUN {sh(touch('docker-run'))}"
                "COPY . /app\nWORKDIR /app\n"
                'CMD ["sh", "start.sh"]\n'
            ),
            "start.sh": sh(touch("start-sh")) + "exec python app.py\n",
            "app.py": py(touch("app-import")) + "import helper\n",
            "helper.py": py(touch("helper-import")),
            "pkg/__init__.py": py(touch("pkg-import")),
            "conftest.py": py(touch("conftest")),
            "sitecustomize.py": py(touch("sitecustomize")),
            "usercustomize.py": py(touch("usercustomize")),
            "trap.pth": "import pathlib; pathlib.Path({!r}).write_text('ran')\n".format(
                touch("pth")
            ),
            "setup.py": py(touch("setup-py")),
            "backend.py": py(touch("build-backend")),
            "pyproject.toml": (
                '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
                "[project]\nname = 'trap'\nversion = '0'\ndependencies = ['fastapi']\n"
            ),
            "requirements.txt": "-e .\nfastapi\n",
            "Makefile": f"all:\n\t{sh(touch('make'))}",
            "noxfile.py": py(touch("nox")),
            ".envrc": sh(touch("direnv")),
            # git runs these if anything asks it for status, diff, log with a pager, ...
            ".git/config": (
                "[core]\n"
                f"\tfsmonitor = {sh(touch('git-fsmonitor')).strip()}\n"
                f"\tpager = {sh(touch('git-pager')).strip()}\n"
                f"\thooksPath = hooks\n"
                "[diff]\n"
                f"\texternal = {sh(touch('git-diff')).strip()}\n"
            ),
            ".git/HEAD": "ref: refs/heads/main\n",
            ".git/hooks/post-checkout": "#!/bin/sh\n" + sh(touch("git-hook")),
            "__pycache__/app.cpython-311.pyc": b"\x00" * 32,
        },
    )
    os.chmod(root / "start.sh", 0o755)
    os.chmod(root / ".git" / "hooks" / "post-checkout", 0o755)


@pytest.fixture(scope="module")
def trap(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("trap")
    markers = tmp_path_factory.mktemp("markers")
    _trap_repo(root, markers)
    return root, markers


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_audit_runs_nothing_from_the_repo(trap: tuple[Path, Path], fmt: str) -> None:
    root, markers = trap
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SPACEDOCTOR_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "spacedoctor", "audit", ".", "--format", fmt],
        cwd=root,  # from inside the repo, like a pre-push hook: its files are next to us
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        env=env,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr  # the audit ran to the end
    assert sorted(p.name for p in markers.iterdir()) == []


def test_config_with_a_python_tag_is_refused_not_run(tmp_path: Path) -> None:
    root, markers = tmp_path / "repo", tmp_path / "markers"
    markers.mkdir()
    command = f"touch {markers / 'yaml-config'}"
    write_repo(
        root,
        {
            "README.md": "---\nsdk: static\n---\n",
            ".spacedoctor.yaml": f"select: !!python/object/apply:os.system ['{command}']\n",
        },
    )
    proc = subprocess.run(
        [sys.executable, "-m", "spacedoctor", "audit", "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2 and "not valid YAML" in proc.stderr
    assert list(markers.iterdir()) == []


def test_the_traps_are_real(tmp_path: Path) -> None:
    """The booby traps do fire when the code is run, so the test above means something."""
    root, markers = tmp_path / "repo", tmp_path / "markers"
    markers.mkdir()
    _trap_repo(root, markers)
    subprocess.run([sys.executable, "app.py"], cwd=root, check=True, timeout=60)
    subprocess.run(["sh", "start.sh"], cwd=root, check=False, timeout=60)
    assert {"app-import", "helper-import", "start-sh"} <= {p.name for p in markers.iterdir()}
