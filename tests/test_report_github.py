"""GitHub workflow commands: one annotation per finding, escaped as @actions/core escapes them."""

from __future__ import annotations

import io

from spacedoctor.model import Finding, Location, Reported, RunResult, Severity
from spacedoctor.report import render
from spacedoctor.report.github import escape_data, escape_property
from tests import report_sample


def _lines(result: RunResult, root: str | None = None) -> list[str]:
    out = io.StringIO()
    render("github", result, out, color=False, root=root)
    text = out.getvalue()
    assert text.endswith("\n")
    return text.splitlines()


def _one(finding: Finding, severity: Severity = Severity.HIGH) -> str:
    result = RunResult(target="t", findings=(Reported(report_sample.SD204, finding, severity),))
    annotation, summary = _lines(result)
    assert summary == "spacedoctor: 1 finding (1 " + severity.value + ") · 0 checks run"
    return annotation


def test_escape_data() -> None:
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    # `%` first, so an escape sequence already in the text is not decoded by the runner.
    assert escape_data("%0A") == "%250A"


def test_escape_property() -> None:
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


def test_path_properties_are_escaped() -> None:
    annotation = _one(
        Finding("bad: a, b\n100%", Location("dir,1/a:b.py", 7, 3), fix="do x:\n  y"),
    )
    assert annotation == (
        "::error file=dir%2C1/a%3Ab.py,line=7,col=3,title=SD204 cache-dir-unwritable"
        "::bad: a, b%0A100%25%0A%0AFix: do x:%0A  y"
    )


def test_levels() -> None:
    where = Location("Dockerfile", 1)
    assert _one(Finding("m", where), Severity.CRITICAL).startswith("::error ")
    assert _one(Finding("m", where), Severity.HIGH).startswith("::error ")
    assert _one(Finding("m", where), Severity.MEDIUM).startswith("::warning ")
    assert _one(Finding("m", where), Severity.LOW).startswith("::notice ")
    assert _one(Finding("m", where), Severity.INFO).startswith("::notice ")


def test_url_and_field_findings_have_no_file() -> None:
    url = _one(Finding("502", Location(url="https://x.hf.space/a,b")))
    assert url == (
        "::error title=SD204 cache-dir-unwritable::https://x.hf.space/a,b: 502%0A%0AFix: "
        + escape_data(report_sample.SD204.fix.rstrip())
    )
    field = _one(Finding("stage", Location(field="runtime.stage")))
    assert field.startswith("::error title=SD204 cache-dir-unwritable::runtime.stage: stage%0A")
    assert "file=" not in url + field


def test_path_without_line() -> None:
    annotation = _one(Finding("m", Location("requirements.txt")))
    assert annotation.startswith("::error file=requirements.txt,title=")


def test_root_prefixes_files_only() -> None:
    lines = _lines(report_sample.sample(), root="spaces/demo/")
    files = [part for line in lines for part in line.split(",") if "file=" in part]
    assert files == [
        "::error file=spaces/demo/Dockerfile",
        "::notice file=spaces/demo/Dockerfile",
        "::error file=spaces/demo/README.md",
        "::notice file=spaces/demo/src/my app.py",
    ]
    assert _lines(report_sample.sample(), root=".") == _lines(report_sample.sample())


def test_every_line_is_one_command_then_summary() -> None:
    result = report_sample.sample()
    lines = _lines(result)
    assert len(lines) == len(result.findings) + len(result.errors) + 1
    assert all(line.startswith("::") for line in lines[:-1])
    assert lines[-2] == "::error title=SD206 error::check crashed: ValueError: bad port 'abc'"
    assert lines[-1].startswith("spacedoctor: 6 findings (2 critical, 2 high, 1 low, 1 info)")
