"""RepoFiles reads a small file once for the binary sniff and the text read that follows it;
limits and answers are the same as two separate reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacedoctor.sources.repo import RepoFiles, Tree, Unreadable

POINTER = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 12345\n"


def _repo(tmp_path: Path, files: dict[str, bytes], prefix: str = "") -> RepoFiles:
    for rel, data in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return RepoFiles(Tree.walk(tmp_path), prefix)


def test_text_after_sniff_is_the_whole_file(tmp_path: Path) -> None:
    big = b"x = 1\n" * 20_000  # over the size read whole when sniffed
    repo = _repo(tmp_path, {"a.py": b"print('hi')\n", "big.py": big})
    for rel, data in (("a.py", b"print('hi')\n"), ("big.py", big)):
        assert not repo.is_binary(rel)
        assert not repo.is_lfs_pointer(rel)
        assert repo.read_bytes(rel) == data
        assert repo.read_bytes(rel) == data  # and again, from disk


def test_limits_hold_after_sniff(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"a.txt": b"0123456789" * 10})
    assert not repo.is_binary("a.txt")
    with pytest.raises(Unreadable, match="too large"):
        repo.read_text("a.txt", limit=50)
    assert repo.read_text("a.txt") == "0123456789" * 10


def test_binary_and_pointer_answers_after_sniff(tmp_path: Path) -> None:
    repo = _repo(
        tmp_path,
        {"img.bin": b"\x89PNG\x00\x01" * 10, "model.bin": POINTER, "late.bin": b"a" * 9000 + b"\0"},
    )
    assert repo.is_binary("img.bin")
    with pytest.raises(Unreadable, match="binary"):
        repo.read_text("img.bin")
    assert not repo.is_binary("model.bin")
    assert repo.is_lfs_pointer("model.bin")
    assert repo.head("model.bin", 7) == b"version"
    assert not repo.is_binary("late.bin")  # git looks at the first 8000 bytes only


def test_nested_spaces_are_excluded_by_prefix(tmp_path: Path) -> None:
    files = {"app.py": b"", "a/app.py": b"", "ab/app.py": b"", "b/x/app.py": b""}
    tree = Tree.walk(_repo(tmp_path, files).tree.root)
    root = RepoFiles(tree, "", ("a/", "b/x/"))
    assert sorted(f.rel for f in root) == ["ab/app.py", "app.py"]
    assert sorted(f.rel for f in RepoFiles(tree, "b/")) == ["x/app.py"]


def test_under_lists_a_folder_sorted(tmp_path: Path) -> None:
    files = {
        ".github/workflows/b.yml": b"",
        ".github/workflows/a.yaml": b"",
        ".github/workflows/sub/c.yml": b"",
        ".github/workflows.yml": b"",
        ".github/other.yml": b"",
        "z.txt": b"",
    }
    tree = _repo(tmp_path, files).tree
    assert tree.under(".github/workflows/") == [
        ".github/workflows/a.yaml",
        ".github/workflows/b.yml",
        ".github/workflows/sub/c.yml",
    ]
    assert tree.under("none/") == []
    assert tree.under("") == sorted(files)
