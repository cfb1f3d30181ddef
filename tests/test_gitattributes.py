"""`.gitattributes` parsing and lookup follow gitattributes(5), checked against git itself where
git is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from spacedoctor.sources.gitattributes import (
    GitAttributes,
    attributes_of,
    parse_gitattributes,
)
from spacedoctor.sources.repo import RepoFiles, Tree

HF_DEFAULT_LINES = """\
*.7z filter=lfs diff=lfs merge=lfs -text
*.bin filter=lfs diff=lfs merge=lfs -text
*.lfs.* filter=lfs diff=lfs merge=lfs -text
saved_model/**/* filter=lfs diff=lfs merge=lfs -text
*.tar.* filter=lfs diff=lfs merge=lfs -text
*tfevents* filter=lfs diff=lfs merge=lfs -text
"""


def attrs(text: str, path: str = ".gitattributes") -> GitAttributes:
    return GitAttributes([parse_gitattributes(text, path)])


def test_parses_lines_with_numbers_and_values() -> None:
    parsed = parse_gitattributes("# comment\n\n*.png filter=lfs diff=lfs merge=lfs -text\n")
    (rule,) = parsed.rules
    assert rule.line == 3
    assert rule.pattern == "*.png"
    assert rule.attrs == (("filter", "lfs"), ("diff", "lfs"), ("merge", "lfs"), ("text", False))
    assert rule.stores_large_files


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("model.bin", True),
        ("weights/deep/model.bin", True),  # no slash in the pattern: any depth
        ("data.tar.gz", True),
        ("x.lfs.json", True),
        ("runs/events.out.tfevents.123.host", True),
        ("saved_model/variables/variables.data", True),
        ("saved_model/saved_model.pb", True),
        ("sub/saved_model/x.pb", False),  # a pattern with a slash is anchored
        ("model.bin.py", False),
        ("tar.gz", False),
        ("app.py", False),
    ],
)
def test_hf_default_patterns(path: str, expected: bool) -> None:
    assert attrs(HF_DEFAULT_LINES).stores_outside_git(path) is expected


def test_last_matching_line_wins_and_unset_or_unspecified_override() -> None:
    a = attrs(
        "*.png filter=lfs\n"
        "icons/*.png -filter\n"
        "*.jpg filter=lfs\n"
        "thumb.jpg !filter\n"
        "*.gif -filter\n"
        "*.gif filter=lfs\n"
    )
    assert a.stores_outside_git("demo.png")
    assert not a.stores_outside_git("icons/a.png")
    assert a.stores_outside_git("other/icons/a.png")  # `icons/*.png` is anchored at the root
    assert not a.stores_outside_git("thumb.jpg")
    assert a.stores_outside_git("photo.jpg")
    assert a.stores_outside_git("anim.gif")
    value, rule = a.lookup("icons/a.png", "filter")
    assert value is False and rule is not None and rule.line == 2


def test_lines_that_do_not_mention_the_attribute_do_not_reset_it() -> None:
    a = attrs("*.png filter=lfs\n*.png text\n")
    assert a.stores_outside_git("a.png")


def test_directory_patterns_do_not_reach_files_inside() -> None:
    a = attrs("assets/ filter=lfs\nmedia filter=lfs\nvideos/** filter=lfs\n")
    assert not a.stores_outside_git("assets/a.mp4")
    assert not a.stores_outside_git("media/a.mp4")
    assert a.stores_outside_git("videos/a.mp4")
    assert a.stores_outside_git("videos/deep/a.mp4")
    assert a.stores_outside_git("media")  # a file called `media` is matched


def test_negative_patterns_are_ignored() -> None:
    a = attrs("*.png filter=lfs\n!keep.png filter=lfs\n")
    assert len(a.files[0].rules) == 1
    assert a.stores_outside_git("keep.png")


def test_quoted_and_posix_class_patterns() -> None:
    a = attrs(
        '"my demo.mp4" filter=lfs\nclip[[:space:]]1.mp4 filter=lfs\n"unterminated.mp4 filter=lfs\n'
    )
    assert a.stores_outside_git("my demo.mp4")
    assert a.stores_outside_git("clip 1.mp4")
    assert not a.stores_outside_git("unterminated.mp4")


def test_xet_filter_counts_as_large_file_storage() -> None:
    assert attrs("*.safetensors filter=xet\n").stores_outside_git("m.safetensors")
    assert not attrs("*.txt filter=crlf\n").stores_outside_git("a.txt")


def test_macros_from_the_top_level_file() -> None:
    top = parse_gitattributes("[attr]big filter=lfs diff=lfs merge=lfs -text\n*.mp4 big\n")
    a = GitAttributes([top])
    assert a.stores_outside_git("a.mp4")
    nested = parse_gitattributes("[attr]big filter=lfs\n*.wav big\n", "sub/.gitattributes")
    assert not GitAttributes([nested]).stores_outside_git("sub/a.wav")
    assert not nested.macros


def test_binary_macro_is_not_lfs() -> None:
    a = attrs("*.png binary\n")
    assert not a.stores_outside_git("a.png")
    value, _ = a.lookup("a.png", "text")
    assert value is False


def test_nested_file_is_relative_to_its_folder_and_wins_over_the_root() -> None:
    root = parse_gitattributes("*.mp4 filter=lfs\n")
    nested = parse_gitattributes("*.wav filter=lfs\n/local.mp4 -filter\n", "assets/.gitattributes")
    a = GitAttributes([nested, root])  # order of the list does not matter
    assert a.stores_outside_git("assets/a.wav")
    assert a.stores_outside_git("assets/deep/a.wav")
    assert not a.stores_outside_git("a.wav")  # outside the nested file's folder
    assert not a.stores_outside_git("assets/local.mp4")
    assert a.stores_outside_git("assets/deep/local.mp4")
    assert a.stores_outside_git("other.mp4")


def write(root: Path, rel: str, data: str = "x\n") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data, encoding="utf-8")


def test_attributes_of_a_space_include_files_above_it(tmp_path: Path) -> None:
    write(tmp_path, ".gitattributes", "*.mp4 filter=lfs\n")
    write(tmp_path, "spaces/.gitattributes", "*.wav filter=lfs\n")
    write(tmp_path, "spaces/demo/.gitattributes", "*.png filter=lfs\n")
    write(tmp_path, "spaces/demo/static/.gitattributes", "*.gif filter=lfs\n")
    write(tmp_path, "spaces/other/.gitattributes", "*.jpg filter=lfs\n")
    tree = Tree.walk(tmp_path)
    repo = RepoFiles(tree, "spaces/demo/")
    a = attributes_of(repo)
    assert [f.path for f in a.files] == [
        ".gitattributes",
        "spaces/.gitattributes",
        "spaces/demo/.gitattributes",
        "spaces/demo/static/.gitattributes",
    ]
    for name in ("x.mp4", "x.wav", "x.png", "static/x.gif"):
        assert a.stores_outside_git(name), name
    assert not a.stores_outside_git("x.jpg")
    assert not a.stores_outside_git("x.gif")
    rules = {a.local_path(r) for r in a.large_file_rules()}
    assert rules == {None, ".gitattributes", "static/.gitattributes"}


GIT = shutil.which("git")

CASES = [
    "a.png",
    "icons/a.png",
    "x/icons/a.png",
    "assets/a.mp4",
    "videos/deep/b.mp4",
    "thumb.jpg",
    "photo.jpg",
    "my demo.mp4",
    "saved_model/v/x.pb",
    "sub/saved_model/x.pb",
    "sub/clip 1.wav",
    "sub/local.bin",
    "sub/deep/local.bin",
    "model.tar.gz",
]
TEXT = (
    "*.png filter=lfs\n"
    "icons/*.png -filter\n"
    "assets/ filter=lfs\n"
    "videos/** filter=lfs\n"
    "*.jpg filter=lfs\n"
    "thumb.jpg !filter\n"
    '"my demo.mp4" filter=lfs\n'
    "saved_model/**/* filter=lfs\n"
    "*.tar.* filter=lfs\n"
    "*.bin filter=lfs\n"
)
SUB = "clip[[:space:]]1.wav filter=lfs\n/local.bin -filter\n"


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_agrees_with_git_check_attr(tmp_path: Path) -> None:
    assert GIT is not None
    subprocess.run([GIT, "init", "-q", str(tmp_path)], check=True)
    write(tmp_path, ".gitattributes", TEXT)
    write(tmp_path, "sub/.gitattributes", SUB)
    out = subprocess.run(
        [GIT, "check-attr", "filter", "--", *CASES],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    git_says = {}
    for row in out:
        path, _, value = row.rsplit(": ", 2)
        git_says[path.strip('"')] = value == "lfs"
    mine = GitAttributes(
        [parse_gitattributes(TEXT), parse_gitattributes(SUB, "sub/.gitattributes")]
    )
    assert {p: mine.stores_outside_git(p) for p in CASES} == git_says
