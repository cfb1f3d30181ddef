"""Repos built to break a linter: symlink loops and links out of the repo, a FIFO, a 1 GB sparse
file, a 200,000-line file, undecodable file names, unreadable folders, an empty repo, files
where folders are expected. `spacedoctor audit` runs as a real process (with a timeout, so a
hang fails instead of stalling CI), finishes, lists what it passed over and why, and exits
0, 1 or 2 as documented: never a traceback, never an internal error."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from spacedoctor.config import Settings
from spacedoctor.engine import audit
from tests.fuzzkit import audit_process, registry, write_repo

README = "---\nsdk: docker\napp_port: 7860\n---\n"
DOCKERFILE = (
    "FROM python:3.11\nRUN useradd -m -u 1000 user\nUSER user\nWORKDIR /home/user/app\n"
    'COPY --chown=user . .\nCMD ["python", "app.py"]\n'
)
GB = 1 << 30


def _clean_exit(proc: Any, allowed: tuple[int, ...] = (0, 1)) -> None:
    assert proc.returncode in allowed, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    assert "internal error" not in proc.stderr


def _json(proc: Any) -> dict[str, Any]:
    _clean_exit(proc)
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def _skips(doc: dict[str, Any]) -> dict[str, str]:
    """Skipped inputs as {path: reason}."""
    out = {}
    for s in doc["skipped"]:
        if s["id"] == "input":
            path, _, reason = s["reason"].partition(": ")
            out[path] = reason
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    write_repo(
        root,
        {
            "README.md": README,
            "Dockerfile": DOCKERFILE,
            "app.py": "import os\nprint(os.getcwd())\n",
            "requirements.txt": "fastapi\n",
        },
    )
    os.symlink("loop2", root / "loop1")
    os.symlink("loop1", root / "loop2")
    os.symlink(".", root / "self")  # a folder link back into the repo: not followed
    os.symlink("/etc/passwd", root / "passwd")
    os.symlink("../..", root / "up")
    os.symlink("missing", root / "dangling")
    os.mkfifo(root / "pipe")  # opening it for reading would block forever
    (root / "sub").mkdir()
    os.mkfifo(root / "sub" / "start.sh")
    with open(root / "weights.bin", "wb") as fh:  # 1 GB, sparse: no disk used
        fh.truncate(GB)
    with open(root / "huge.py", "wb") as fh:
        fh.truncate(GB)
    return root


def test_hostile_repo_finishes_and_lists_what_it_skipped(hostile: Path) -> None:
    doc = _json(audit_process(hostile, "--format", "json", timeout=120))
    skips = _skips(doc)
    assert skips["loop1"] == "broken or looping symlink"
    assert skips["dangling"] == "broken or looping symlink"
    assert skips["passwd"] == "symlink points outside the repo"
    assert skips["up"] == "symlink points outside the repo"
    assert skips["pipe"] == "not a regular file"
    assert skips["sub/start.sh"] == "not a regular file"
    assert skips["huge.py"].startswith("too large to parse")
    assert "self" not in skips  # a link inside the repo is simply not followed
    assert doc["errors"] == []
    paths = {f["location"].get("path") for f in doc["findings"]}
    assert not paths & {"loop1", "passwd", "up", "pipe", "self"}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_hostile_repo_in_every_format(hostile: Path, fmt: str) -> None:
    _clean_exit(audit_process(hostile, "--format", fmt, timeout=120))


def test_two_hundred_thousand_line_files(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "README.md": README,
            "Dockerfile": DOCKERFILE,
            "app.py": "x = 1\n" * 200_000,
            "start.sh": "echo hi\n" * 200_000,
            "requirements.txt": "fastapi\n" * 200_000,
            "data.csv": "a,b,c\n" * 200_000,
        },
    )
    doc = _json(audit_process(tmp_path, "--format", "json", timeout=300))
    assert doc["errors"] == []


# A file name that is not UTF-8: Linux allows any bytes but "/" and NUL.
BAD_NAME = b"bad\xff\xfe.py"
BAD_DIR = b"dir\xff"


@pytest.fixture(scope="module")
def badnames(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("badnames")
    write_repo(root, {"README.md": README, "Dockerfile": DOCKERFILE, "app.py": "import os\n"})
    try:
        with open(os.path.join(os.fsencode(root), BAD_NAME), "wb") as fh:
            fh.write(b"def broken(:\n")  # a syntax error, so a finding names this file
        os.mkdir(os.path.join(os.fsencode(root), BAD_DIR))
        with open(os.path.join(os.fsencode(root), BAD_DIR, b"x.py"), "wb") as fh:
            fh.write(b"import os\n")
    except OSError as exc:  # e.g. a file system that insists on UTF-8 names
        pytest.skip(f"this file system refuses non-UTF-8 names: {exc}")
    return root


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_undecodable_file_names_in_every_format(badnames: Path, fmt: str) -> None:
    proc = audit_process(badnames, "--format", fmt, "--select", "SD300", timeout=60)
    _clean_exit(proc)
    assert "bad" in proc.stdout  # the finding about the badly named file is in the report
    # Reports are valid UTF-8: the name's undecodable bytes are shown as \xNN escapes.
    assert "\udcff" not in proc.stdout
    if fmt in ("json", "sarif"):
        json.loads(proc.stdout)


def test_undecodable_file_names_are_audited(badnames: Path) -> None:
    result = audit(badnames, Settings(), registry())
    assert not result.errors
    bad = os.fsdecode(BAD_NAME)
    assert ("SD300", bad) in {(r.id, r.finding.location.path) for r in result.findings}


def test_unreadable_folder_and_file_are_skipped_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_repo(
        tmp_path,
        {
            "README.md": README,
            "Dockerfile": DOCKERFILE,
            "app.py": "import os\n",
            "locked/a.py": "import os\n",
            "secret.py": "import os\n",
        },
    )
    locked, secret = tmp_path / "locked", tmp_path / "secret.py"
    if os.geteuid() != 0:
        locked.chmod(0)
        secret.chmod(0)
    else:
        # root reads mode-000 files: make the same two paths fail the way they would for a user.
        real_scandir, real_open = os.scandir, open

        def scandir(path: Any = ".") -> Any:
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)

        def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, str | os.PathLike) and Path(file) == secret:
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(os, "scandir", scandir)
        monkeypatch.setattr("builtins.open", fake_open)
    try:
        result = audit(tmp_path, Settings(), registry())
    finally:
        locked.chmod(0o755)
        secret.chmod(0o644)
    assert not result.errors
    reasons = {s.reason for s in result.skipped if s.id == "input"}
    assert "locked: permission denied" in reasons
    assert "secret.py: permission denied" in reasons


def test_empty_repo(tmp_path: Path) -> None:
    doc = _json(audit_process(tmp_path, "--format", "json"))
    # Nothing to deploy: the one finding says the Space configuration (README.md) is missing.
    assert [(f["id"], f["location"]["path"]) for f in doc["findings"]] == [("SD101", "README.md")]


def test_repo_with_only_a_git_folder(tmp_path: Path) -> None:
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    doc = _json(audit_process(tmp_path, "--format", "json"))
    assert {f["location"]["path"] for f in doc["findings"]} == {"README.md"}


def test_files_where_folders_are_expected_and_folders_where_files_are(tmp_path: Path) -> None:
    for name in ("README.md", "Dockerfile", "requirements.txt", "pyproject.toml", ".gitignore"):
        (tmp_path / name).mkdir()
    (tmp_path / ".gitattributes").mkdir()
    (tmp_path / "node_modules").write_text("not a folder\n")
    (tmp_path / ".git").write_text("gitdir: /nonexistent/worktree\n")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "workflows").write_text("not a folder\n")
    (tmp_path / "app.py").write_text("import os\n")
    doc = _json(audit_process(tmp_path, "--format", "json"))
    assert doc["errors"] == []


def test_config_file_that_is_a_folder(tmp_path: Path) -> None:
    write_repo(tmp_path, {"README.md": README, "Dockerfile": DOCKERFILE})
    (tmp_path / ".spacedoctor.yaml").mkdir()
    _clean_exit(audit_process(tmp_path, "--format", "json"), allowed=(0, 1, 2))


def test_target_that_is_a_file_or_missing_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import os\n")
    for target in (tmp_path / "app.py", tmp_path / "missing", Path("/dev/null")):
        proc = audit_process(target)
        _clean_exit(proc, allowed=(2,))
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("spacedoctor: error: ")


@pytest.mark.skipif(sys.platform != "linux", reason="/proc is Linux's")
def test_target_that_is_a_pseudo_file_system_folder_finishes() -> None:
    # /proc/self/fd is full of links to pipes and sockets; /sys/class/net of links out.
    for target in ("/proc/self/fd", "/sys/class/net"):
        if Path(target).is_dir():
            _clean_exit(audit_process(Path(target), "--format", "json", timeout=60))
