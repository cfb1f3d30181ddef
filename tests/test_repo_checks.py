"""Repo checks on trees built in tmp_path: cases the fixture folders cannot hold (private keys,
thresholds, Spaces in subfolders), and that secrets never reach a message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spacedoctor.checks import repo_files
from spacedoctor.config import Settings
from spacedoctor.engine import audit
from spacedoctor.model import Finding
from spacedoctor.registry import load_registry
from spacedoctor.sources.repo import Tree
from spacedoctor.sources.space import SpaceContext

README = "---\nsdk: docker\n---\n"
BEGIN = "-----BEGIN "  # split so that no key header appears literally in the sources
KEY_BODY = "MIIEpAIBAAKCAQEAnotarealkeynotarealkeynotarealkey\n"


def write(root: Path, rel: str, data: str | bytes = "x\n") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")


def sparse(root: Path, rel: str, size: int) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)


def run(check: object, root: Path, prefix: str = "") -> list[Finding]:
    ctx = SpaceContext(Tree.walk(root), prefix)
    return list(check(ctx))  # type: ignore[operator]


def where(findings: list[Finding]) -> set[tuple[str | None, int | None]]:
    return {(f.location.path, f.location.line) for f in findings}


def test_private_keys(tmp_path: Path) -> None:
    write(tmp_path, "deploy/id_rsa", f"{BEGIN}RSA PRIVATE KEY-----\n{KEY_BODY}")
    write(tmp_path, "tls/server.key", f"# comment\n{BEGIN}PRIVATE KEY-----\n{KEY_BODY}")
    write(tmp_path, "tls/enc.pem", f"{BEGIN}ENCRYPTED PRIVATE KEY-----\n{KEY_BODY}")
    write(
        tmp_path,
        "tls/old.key",
        f"{BEGIN}RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n{KEY_BODY}",
    )
    write(tmp_path, "tls/pub.pem", f"{BEGIN}PUBLIC KEY-----\n{KEY_BODY}")
    write(tmp_path, "notes/key.md", f"{BEGIN}RSA PRIVATE KEY-----\n")  # not a key file name
    found = run(repo_files.env_file_committed, tmp_path)
    assert where(found) == {("deploy/id_rsa", 1), ("tls/server.key", 2)}
    assert all("notarealkey" not in f.message + (f.fix or "") for f in found)


def test_credentials_json(tmp_path: Path) -> None:
    account = {
        "type": "service_account",
        "project_id": "demo",
        "private_key_id": "abc",
        "private_key": f"{BEGIN}PRIVATE KEY-----\\n{KEY_BODY}",
    }
    write(tmp_path, "creds/sa.json", json.dumps(account, indent=2))
    user = {"type": "authorized_user", "client_id": "x", "refresh_token": "1//0gSECRETVALUE"}
    write(tmp_path, "adc.json", json.dumps(user, indent=2))
    write(tmp_path, "empty.json", json.dumps({**user, "refresh_token": ""}))
    write(tmp_path, "broken.json", '{"private_key": ')
    found = run(repo_files.env_file_committed, tmp_path)
    assert where(found) == {("creds/sa.json", 5), ("adc.json", 4)}
    assert all("SECRETVALUE" not in f.message and "notarealkey" not in f.message for f in found)


def test_env_secret_values_are_never_printed(tmp_path: Path) -> None:
    write(tmp_path, ".env", "API_TOKEN=supersecretvalue123\n")
    write(tmp_path, ".env.local", "X=1\nGITHUB_THING=ghp_" + "a1" * 18 + "\n")
    write(tmp_path, ".env.production", "PASSWORD=\nTOKEN=your_token_here\n")
    write(
        tmp_path,
        "app.env",
        "AUTHOR=Alice\nMAX_TOKENS=512\nTOKEN_LIMIT=4096\nPWD=/app\nSORT_KEY=name\n"
        "CACHE_URL=redis://cache:6379/0\nDB_URL=postgres://app:$DB_PASS@db/app\n"
        "DATABASE_URL=postgres://app:hunter2x@db:5432/app\n",
    )
    found = run(repo_files.env_file_committed, tmp_path)
    assert where(found) == {(".env", 1), (".env.local", 2), ("app.env", 8)}
    text = " ".join(f.message + (f.fix or "") for f in found)
    assert "supersecretvalue123" not in text and "ghp_" not in text and "hunter2x" not in text


def test_binary_threshold(tmp_path: Path) -> None:
    sparse(tmp_path, "at-limit.dat", repo_files.BINARY_LIMIT)
    sparse(tmp_path, "over-limit.dat", repo_files.BINARY_LIMIT + 1)
    write(tmp_path, "text.dat", b"a" * (repo_files.BINARY_LIMIT + 1))
    found = run(repo_files.binary_not_in_lfs, tmp_path)
    assert where(found) == {("over-limit.dat", None)}


def test_space_in_a_subfolder_uses_rules_above_it(tmp_path: Path) -> None:
    write(tmp_path, ".gitattributes", "*.mp4 filter=lfs diff=lfs merge=lfs -text\n")
    write(tmp_path, "spaces/demo/README.md", README)
    sparse(tmp_path, "spaces/demo/static/demo.mp4", 2_000_000)
    sparse(tmp_path, "spaces/demo/static/clip.webm", 2_000_000)
    found = run(repo_files.binary_not_in_lfs, tmp_path, "spaces/demo/")
    assert where(found) == {("static/clip.webm", None)}
    assert run(repo_files.gitattributes_missing, tmp_path, "spaces/demo/") == []


def test_audit_reports_subfolder_paths_and_skips_ci_check(tmp_path: Path) -> None:
    registry = load_registry()
    space = tmp_path / "repo"
    write(space, "README.md", "# a monorepo\n")
    write(space, "spaces/demo/README.md", README)
    sparse(space, "spaces/demo/static/demo.mp4", 2_000_000)
    result = audit(space, Settings(select=("SD501", "SD503", "SD504")), registry)
    assert {(r.id, r.finding.location.path) for r in result.findings} == {
        ("SD501", "spaces/demo/static/demo.mp4"),
        ("SD503", "spaces/demo/.gitattributes"),
    }
    assert any(s.id == "SD504" and "above this Space" in s.reason for s in result.skipped)


def test_repo_total_file_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repo_files, "FILES_LIMIT", 3)
    monkeypatch.setattr(repo_files, "FOLDER_LIMIT", 2)
    for rel in ("a.txt", "b/c.txt", "b/d.txt", "e/f/g.txt"):
        write(tmp_path, rel)
    found = run(repo_files.repo_shape_limits, tmp_path)
    # 4 files > 3; root has a.txt, b/, e/ (3 entries > 2); b has 2 entries (not more than 2)
    assert where(found) == {(".", None)}
    assert [f.message.split(" ")[0] for f in found] == ["the", "folder"]


def test_weights_threshold(tmp_path: Path) -> None:
    sparse(tmp_path, "big.PT", repo_files.WEIGHTS_LIMIT + 1)
    sparse(tmp_path, "edge.gguf", repo_files.WEIGHTS_LIMIT)
    found = run(repo_files.weights_in_repo, tmp_path)
    assert where(found) == {("big.PT", None)}
    assert "preload_from_hub" in (found[0].fix or "")


def test_a_binary_of_exactly_one_mebibyte_is_reported(tmp_path: Path) -> None:
    # huggingface_hub #687 reproduces the rejection with out.truncate(1024 * 1024)
    sparse(tmp_path, "model.bin", 1024 * 1024)
    assert where(run(repo_files.binary_not_in_lfs, tmp_path)) == {("model.bin", None)}
