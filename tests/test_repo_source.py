"""The repo walk sees what git would push: ignore rules (nested, negated, from folders above the
audited one, .git/info/exclude), no .git, no virtual environments or node_modules, no symlinks
followed; and the byte-level facts checks read (binary, LFS pointer)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spacedoctor.sources.repo import RepoFiles, Tree, Unreadable


def write(root: Path, rel: str, data: str | bytes = "x\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def walked(root: Path) -> set[str]:
    return set(Tree.walk(root).files)


def test_plain_files_with_sizes(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "print(1)\n")
    write(tmp_path, "static/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    tree = Tree.walk(tmp_path)
    assert set(tree.files) == {"app.py", "static/logo.png"}
    assert tree.files["app.py"].size == 9
    assert tree.files["static/logo.png"].size == 10


def test_gitignore_patterns_negation_and_directories(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "*.log\n!keep.log\nbuild/\n/only-root.txt\n")
    write(tmp_path, "a.log")
    write(tmp_path, "keep.log")
    write(tmp_path, "build/out.bin")
    write(tmp_path, "src/build/deep.bin")
    write(tmp_path, "only-root.txt")
    write(tmp_path, "src/only-root.txt")
    assert walked(tmp_path) == {".gitignore", "keep.log", "src/only-root.txt"}


def test_nested_gitignore_is_relative_to_its_folder_and_can_reinclude(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "*.bin\n")
    write(tmp_path, "models/.gitignore", "!tiny.bin\n/local.txt\n")
    write(tmp_path, "models/tiny.bin")
    write(tmp_path, "models/big.bin")
    write(tmp_path, "models/local.txt")
    write(tmp_path, "local.txt")
    assert walked(tmp_path) == {
        ".gitignore",
        "models/.gitignore",
        "models/tiny.bin",
        "local.txt",
    }


def test_file_inside_an_ignored_directory_cannot_be_reincluded(tmp_path: Path) -> None:
    # git does not descend into an excluded directory, so `!` below it has no effect
    write(tmp_path, ".gitignore", "data/\n!data/keep.csv\n")
    write(tmp_path, "data/keep.csv")
    assert walked(tmp_path) == {".gitignore"}


def test_never_enters_git_venv_or_node_modules(tmp_path: Path) -> None:
    write(tmp_path, ".git/config", "[core]\n")
    write(tmp_path, ".git/objects/ab/cdef", b"\x00")
    write(tmp_path, "node_modules/left-pad/index.js")
    write(tmp_path, "web/node_modules/x/index.js")
    write(tmp_path, "env/pyvenv.cfg", "home = /usr/bin\n")
    write(tmp_path, "env/lib/site.py")
    write(tmp_path, "app.py")
    assert walked(tmp_path) == {"app.py"}


def test_a_git_file_is_not_a_repo_file(tmp_path: Path) -> None:
    # worktrees and submodules have a `.git` *file* ("gitdir: ..."); git never commits it
    write(tmp_path, ".git", "gitdir: ../.git/worktrees/space\n")
    write(tmp_path, "vendored/.git", "gitdir: ../../.git/modules/vendored\n")
    write(tmp_path, "vendored/lib.py")
    assert walked(tmp_path) == {"vendored/lib.py"}


def test_pyvenv_cfg_at_the_root_is_an_ordinary_file(tmp_path: Path) -> None:
    write(tmp_path, "pyvenv.cfg", "x = 1\n")
    write(tmp_path, "app.py")
    assert walked(tmp_path) == {"pyvenv.cfg", "app.py"}


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_symlinks_are_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, "secret.txt", "s\n")
    repo = tmp_path / "repo"
    write(repo, "app.py")
    write(repo, "real/inner.txt")
    (repo / "out").symlink_to(outside, target_is_directory=True)
    (repo / "out-file").symlink_to(outside / "secret.txt")
    (repo / "inside").symlink_to(repo / "real", target_is_directory=True)
    (repo / "dangling").symlink_to(repo / "nope")
    tree = Tree.walk(repo)
    assert set(tree.files) == {"app.py", "real/inner.txt"}
    reasons = dict(tree.skipped)
    assert reasons["out"] == "symlink points outside the repo"
    assert reasons["out-file"] == "symlink points outside the repo"
    assert reasons["dangling"] == "broken or looping symlink"
    assert "inside" not in reasons  # inside the repo: git stores the link, not what it points to


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_a_symlinked_gitignore_is_not_followed(tmp_path: Path) -> None:
    # git >= 2.32 refuses to follow an in-tree .gitignore that is a symlink
    write(tmp_path, "elsewhere/rules", "*.py\n")
    repo = tmp_path / "repo"
    write(repo, "app.py")
    (repo / ".gitignore").symlink_to(tmp_path / "elsewhere" / "rules")
    assert "app.py" in walked(repo)


def test_gitignore_of_the_enclosing_repo_applies_to_an_audited_subfolder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".gitignore", "*.ckpt\n")
    write(tmp_path, "spaces/.gitignore", "/demo/cache/\n")
    write(tmp_path, "spaces/demo/app.py")
    write(tmp_path, "spaces/demo/model.ckpt")
    write(tmp_path, "spaces/demo/cache/blob")
    assert walked(tmp_path / "spaces" / "demo") == {"app.py"}


def test_git_info_exclude_applies(tmp_path: Path) -> None:
    write(tmp_path, ".git/info/exclude", "notes.txt\n")
    write(tmp_path, "notes.txt")
    write(tmp_path, "space/notes.txt")
    write(tmp_path, "space/app.py")
    assert walked(tmp_path) == {"space/app.py"}
    assert walked(tmp_path / "space") == {"app.py"}


def test_rules_above_that_ignore_the_audited_folder_itself_are_dropped(tmp_path: Path) -> None:
    # e.g. a dotfiles repo in $HOME that ignores everything: auditing ~/work/space must still work
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".gitignore", "/*\n")
    write(tmp_path, "work/space/app.py")
    assert walked(tmp_path / "work" / "space") == {"app.py"}


def test_rules_above_stop_at_the_nearest_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".gitignore", "*.py\n")
    write(tmp_path, "space/.git/HEAD", "ref: refs/heads/main\n")
    write(tmp_path, "space/app.py")
    assert walked(tmp_path / "space") == {"app.py"}


def test_outside_any_repository_only_in_tree_rules_apply(tmp_path: Path) -> None:
    write(tmp_path, "app.py")
    write(tmp_path, ".gitignore", "*.tmp\n")
    write(tmp_path, "x.tmp")
    assert walked(tmp_path) == {"app.py", ".gitignore"}


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_folder_is_recorded_not_fatal(tmp_path: Path) -> None:
    write(tmp_path, "app.py")
    locked = tmp_path / "locked"
    write(locked, "x.py")
    locked.chmod(0)
    try:
        tree = Tree.walk(tmp_path)
    finally:
        locked.chmod(0o755)
    assert set(tree.files) == {"app.py"}
    assert ("locked", "permission denied") in tree.skipped


def test_binary_is_a_nul_byte_in_the_first_8000_bytes(tmp_path: Path) -> None:
    write(tmp_path, "logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp_path, "late-nul.txt", b"a" * 8000 + b"\x00")
    write(tmp_path, "latin1.txt", "caf\xe9\n".encode("latin-1"))
    write(tmp_path, "empty.bin", b"")
    repo = RepoFiles(Tree.walk(tmp_path), "")
    assert repo.is_binary("logo.png")
    assert not repo.is_binary("late-nul.txt")  # git looks no further than 8000 bytes
    assert not repo.is_binary("latin1.txt")  # not UTF-8, but text to git
    assert not repo.is_binary("empty.bin")
    assert not repo.is_binary("missing")


def test_lfs_pointer(tmp_path: Path) -> None:
    pointer = (
        "version https://git-lfs.github.com/spec/v1\n"
        "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
        "size 12345\n"
    )
    write(tmp_path, "model.bin", pointer)
    write(tmp_path, "README.md", "see version https://git-lfs.github.com/spec/v1\n")
    write(tmp_path, "big.txt", pointer + "x" * 2000)
    repo = RepoFiles(Tree.walk(tmp_path), "")
    assert repo.is_lfs_pointer("model.bin")
    assert not repo.is_lfs_pointer("README.md")  # mentions the spec, does not start with it
    assert not repo.is_lfs_pointer("big.txt")  # pointers are under 1024 bytes


def test_tree_read_text_reads_above_a_space(tmp_path: Path) -> None:
    write(tmp_path, ".gitattributes", "*.png filter=lfs\n")
    write(tmp_path, "space/logo.png", b"\x00")
    tree = Tree.walk(tmp_path)
    assert tree.read_text(".gitattributes") == "*.png filter=lfs\n"
    with pytest.raises(Unreadable, match="binary"):
        tree.read_text("space/logo.png")
    with pytest.raises(Unreadable, match="no such file"):
        tree.read_text("nope")


def test_space_view_excludes_nested_spaces(tmp_path: Path) -> None:
    write(tmp_path, "app.py")
    write(tmp_path, "sub/app.py")
    write(tmp_path, "sub/inner/app.py")
    tree = Tree.walk(tmp_path)
    repo = RepoFiles(tree, "sub/", exclude=("sub/inner/",))
    assert repo.names() == ["app.py"]
    assert repo.read_text("app.py") == "x\n"
