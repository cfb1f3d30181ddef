"""Inline suppression directives: which lines they cover, ids, reasons."""

from __future__ import annotations

from spacedoctor.suppress import Suppressions, scan


def test_own_line_directive_covers_the_next_instruction_with_continuations() -> None:
    text = (
        "FROM python:3.11\n"
        "# spacedoctor: ignore=SD204,SD206 -- cache is a tmpfs here\n"
        "\n"
        "RUN mkdir /app && \\\n"
        "    chmod 777 /app\n"
        "CMD x\n"
    )
    [d] = scan("Dockerfile", text)
    assert d.line == 2
    assert d.covers == (4, 5)
    assert d.ids == ("SD204", "SD206")
    assert d.reason == "cache is a tmpfs here"


def test_trailing_directive_covers_its_own_line() -> None:
    [d] = scan("app.py", "import os\nx = 1  # spacedoctor: ignore=sd301\n")
    assert d.covers == (2, 2)
    assert d.ids == ("SD301",)
    assert d.reason is None


def test_readme_only_front_matter_counts() -> None:
    text = "---\nsdk: docker  # spacedoctor: ignore=SD102\n---\n# spacedoctor: ignore=SD101\nx\n"
    [d] = scan("README.md", text, front_matter_end=3)
    assert d.line == 2


def test_match_marks_used_and_reports_unused() -> None:
    sup = Suppressions(scan("app.py", "# spacedoctor: ignore=SD301,SD302\ndef f(): pass\n"))
    assert sup.match("app.py", 2, "SD301")
    assert not sup.match("app.py", 3, "SD301")
    assert not sup.match("other.py", 2, "SD301")
    assert [(d.line, cid) for d, cid in sup.unused()] == [(1, "SD302")]


def test_text_without_directives() -> None:
    assert scan("app.py", "# spacedoctor is great\nx = 1\n") == []


def test_requirements_files_take_directives() -> None:
    from spacedoctor.suppress import is_suppressible

    assert is_suppressible("requirements.txt")
    assert is_suppressible("sub/requirements-gpu.txt")
    assert not is_suppressible("packages.txt")
    [d] = scan("requirements.txt", "gradio  # spacedoctor: ignore=SD407 -- tracks sdk_version\n")
    assert d.covers == (1, 1)
