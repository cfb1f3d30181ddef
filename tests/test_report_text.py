"""The text report: plain output without rich, coloured output through rich with the same text."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from spacedoctor.model import CheckError, Finding, Location, Reported, RunResult, Severity, Skipped
from spacedoctor.report import FORMATS, render
from tests import report_sample

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _text(result: RunResult, color: bool = False) -> str:
    out = io.StringIO()
    render("text", result, out, color=color)
    return out.getvalue()


def test_plain_has_no_escapes_and_ends_with_summary() -> None:
    text = _text(report_sample.sample())
    assert "\x1b" not in text
    assert text.endswith(
        "\n6 findings (2 critical, 2 high, 1 low, 1 info) · 1 suppressed · 1 skipped"
        " · 1 error · 6 checks run\n"
    )


def test_color_is_the_same_text_styled() -> None:
    result = report_sample.sample()
    colored = _text(result, color=True)
    assert "\x1b[" in colored
    # critical in bold red
    assert re.search(r"\x1b\[1;31mcritical\x1b\[0m", colored)
    assert ANSI.sub("", colored) == _text(result)


def test_color_does_not_interpret_markup_in_messages() -> None:
    finding = Finding("[bold]x[/bold] :smile:", Location("a.py", 1))
    result = RunResult(target="t", findings=(Reported(report_sample.SD204, finding, Severity.LOW),))
    assert "  [bold]x[/bold] :smile:\n" in ANSI.sub("", _text(result, color=True))


def test_grouped_by_file_sorted_by_line_then_urls_then_fields() -> None:
    text = _text(report_sample.sample())
    groups = [line for line in text.splitlines() if line and not line.startswith(" ")]
    assert groups[:6] == [
        "Dockerfile",
        "README.md",
        "src/my app.py",
        "https://demo-space.hf.space/?view=a%20b",
        "field runtime.stage",
        "error SD206: check crashed: ValueError: bad port 'abc'",
    ]
    heads = [line.split("  SD")[0].strip() for line in text.splitlines() if "  SD" in line]
    assert heads == ["12:5", "20", "1", "3", "", ""]


def test_finding_block() -> None:
    text = _text(report_sample.sample())
    assert (
        "README.md\n"
        "  1  SD101 critical  frontmatter-missing\n"
        "    README.md has no YAML front matter block (--- ... ---) at its top\n"
        "    fix: Start README.md with a block like:\n"
        "           ---\n"
        "           title: My Space\n"
    ) in text
    assert "    evidence: HTTP/1.1 502 Bad Gateway\n" in text


def test_errors_listed() -> None:
    text = _text(report_sample.errors_only())
    assert "error SD101: README.md: cannot read: permission denied\n" in text
    assert "error dockerfile: unparsable\n" in text
    assert text.splitlines()[-1] == "No findings · 2 errors · 0 checks run"


def test_no_findings() -> None:
    assert _text(report_sample.clean()) == "No findings · 3 checks run\n"


def test_summary_counts_distinct_skipped_checks() -> None:
    result = RunResult(
        target="t",
        findings=(),
        skipped=(Skipped("SD204", "a: no Dockerfile"), Skipped("SD204", "b: no Dockerfile")),
        errors=(CheckError("SD205", "boom"),),
        checks=(report_sample.SD204, report_sample.SD205, report_sample.SD101),
        suppressed=2,
    )
    assert _text(result).splitlines()[-1] == (
        "No findings · 2 suppressed · 1 skipped · 1 error · 1 check run"
    )


def test_plain_report_does_not_import_rich() -> None:
    code = (
        "import io, sys\n"
        "from spacedoctor.report import render\n"
        "from tests import report_sample\n"
        "for fmt in ('text', 'json', 'sarif', 'github'):\n"
        "    render(fmt, report_sample.sample(), io.StringIO(), color=False)\n"
        "assert 'rich' not in sys.modules, sorted(m for m in sys.modules if m.startswith('rich'))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=_repo_root())


def _repo_root() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent)


@pytest.mark.parametrize("fmt", FORMATS)
def test_dispatch(fmt: str) -> None:
    from importlib import import_module

    module = import_module(f"spacedoctor.report.{fmt}")
    via_render, direct = io.StringIO(), io.StringIO()
    render(fmt, report_sample.sample(), via_render, color=False)
    module.render(report_sample.sample(), direct)
    assert via_render.getvalue() == direct.getvalue() != ""


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render("xml", report_sample.clean(), io.StringIO(), color=False)
