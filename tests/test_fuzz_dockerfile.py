"""Dockerfiles and shell scripts under hostile input: heredocs, continuations, bad JSON forms,
escape directives, unterminated quotes, nested `sh -c`. Parsing never raises (BuildKit's
rejections become `DockerImage.error`, which SD200 reports) and no check crashes."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from spacedoctor.sources.dockerfile import DockerImage, parse_text
from spacedoctor.sources.shell import parse_script
from tests.fuzzkit import FUZZ, assert_no_crash, audit_files, junk, lines_of, mutated

README = "---\nsdk: docker\napp_port: 7860\n---\n"

WORDS = st.sampled_from(
    [
        "python",
        "app.py",
        "uvicorn",
        "main:app",
        "--host",
        "0.0.0.0",
        "127.0.0.1",
        "--port",
        "7860",
        "$PORT",
        "${PORT:-7860}",
        "${HOME}",
        "$(id -u)",
        "`date`",
        "/data",
        "/home/user/app",
        "/app",
        ".",
        "*",
        "~",
        "user",
        "1000",
        "1000:1000",
        "root",
        "pip",
        "install",
        "-r",
        "requirements.txt",
        "--no-cache-dir",
        "mkdir",
        "-p",
        "chown",
        "-R",
        "chmod",
        "777",
        "useradd",
        "-m",
        "-u",
        "exec",
        "sh",
        "-c",
        "bash",
        "start.sh",
        "cd",
        "&&",
        "||",
        ";",
        "|",
        "&",
        ">",
        "2>&1",
        "<<EOF",
        "'",
        '"',
        "\\",
        "(",
        ")",
        "{",
        "}",
        "=",
        "A=1",
        "HF_HOME=/data/.cache",
        "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    ]
)
ARGS = st.lists(st.one_of(WORDS, junk(6)), max_size=8).map(" ".join)
JSON_FORMS = st.sampled_from(
    [
        '["python", "app.py"]',
        '["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "7860"]',
        '["sh", "-c", "exec python app.py"]',
        '["bash", "start.sh"]',
        "[]",
        '[""]',
        '["a", ',
        '["a" "b"]',
        "[1, 2]",
        "['single', 'quotes']",
        '["unterminated]',
        '{"a": 1}',
        "[null]",
        '["a\\u0000b"]',
        '["\\ud800"]',
    ]
)
INSTRUCTIONS = st.sampled_from(
    [
        "FROM",
        "RUN",
        "CMD",
        "ENTRYPOINT",
        "ENV",
        "ARG",
        "USER",
        "WORKDIR",
        "COPY",
        "ADD",
        "EXPOSE",
        "VOLUME",
        "LABEL",
        "HEALTHCHECK",
        "SHELL",
        "ONBUILD",
        "STOPSIGNAL",
        "MAINTAINER",
        "from",
        "Run",
        "BOGUS",
    ]
)
FLAGS = st.sampled_from(
    [
        "",
        "--chown=user ",
        "--chown=1000:1000 ",
        "--chown=$U ",
        "--chmod=755 ",
        "--chmod=u+rwx ",
        "--from=builder ",
        "--from=0 ",
        "--mount=type=cache,target=/root/.cache ",
        "--mount=type=secret,id=HF_TOKEN,mode=0444,required=true ",
        "--network=none ",
        "--platform=linux/amd64 ",
        "--link ",
        "--bogus ",
        "--chown= ",
    ]
)


@st.composite
def instruction(draw: st.DrawFn) -> str:
    shape = draw(st.integers(0, 9))
    if shape == 0:
        image = draw(st.sampled_from(["python:3.11", "$BASE", "scratch", "builder", "", "a b"]))
        alias = draw(st.sampled_from(["", " AS builder", " as Bad_Stage", " AS", " AS 0"]))
        return f"FROM {image}{alias}"
    if shape == 1:
        delim = draw(st.sampled_from(["EOF", "'EOF'", '"EOF"', "-EOF", "END"]))
        body = draw(lines_of(ARGS, max_size=4))
        end = draw(st.sampled_from(["EOF", "\tEOF", "END", ""]))
        cmd = draw(st.sampled_from(["RUN", "COPY", "RUN cat", "RUN python3"]))
        return f"{cmd} <<{delim}\n{body}\n{end}"
    if shape == 2:
        n = draw(st.integers(1, 4))
        parts = [draw(ARGS) for _ in range(n)]
        joiner = draw(st.sampled_from([" \\\n", " \\\n    ", " \\\n# comment\n", " \\\n\n", "`\n"]))
        return f"{draw(INSTRUCTIONS)} " + joiner.join(parts)
    if shape == 3:
        return f"{draw(st.sampled_from(['CMD', 'ENTRYPOINT', 'RUN', 'SHELL', 'VOLUME']))} " + draw(
            JSON_FORMS
        )
    if shape == 4:
        key = draw(st.sampled_from(["PORT", "HOME", "HF_HOME", "PATH", "A", "1BAD", ""]))
        value = draw(st.one_of(WORDS, junk(8)))
        form = draw(st.sampled_from(["{k}={v}", "{k} {v}", '{k}="{v}"', "{k}", "{k}={v} B=2"]))
        kind = draw(st.sampled_from(["ENV", "ARG"]))
        return f"{kind} " + form.format(k=key, v=value)
    if shape == 5:
        return f"{draw(st.sampled_from(['COPY', 'ADD']))} {draw(FLAGS)}{draw(ARGS)}"
    if shape == 6:
        return draw(st.sampled_from(["# escape=`", "# syntax=docker/dockerfile:1", "# comment"]))
    if shape == 7:
        check = draw(st.sampled_from(["NONE", "CMD curl -f localhost", "--interval=x CMD true"]))
        return f"HEALTHCHECK {check}"
    if shape == 8:
        return f"ONBUILD {draw(INSTRUCTIONS)} {draw(ARGS)}"
    return f"{draw(INSTRUCTIONS)} {draw(ARGS)}"


DOCKERFILES = st.builds(
    lambda head, body: head + body,
    st.sampled_from(["", "FROM python:3.11\n", "# escape=`\nFROM python:3.11\n", "ARG BASE\n"]),
    lines_of(instruction(), max_size=15),
)

GOOD = """FROM python:3.11-slim AS base
ARG PORT=7860
ENV HF_HOME=/home/user/.cache PORT=${PORT}
RUN useradd -m -u 1000 user && \\
    mkdir -p /home/user/app && chown -R user /home/user/app
RUN <<EOF
pip install --no-cache-dir -r requirements.txt
EOF
USER user
WORKDIR /home/user/app
COPY --chown=user requirements.txt .
COPY --chown=user . .
EXPOSE 7860
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "7860"]
"""

SCRIPT = """#!/bin/sh
set -e
export HF_HOME=/data/.cache
cd /home/user/app || exit 1
if [ -n "$DEBUG" ]; then echo "debug"; fi
cat <<'EOF' > /tmp/x
not a command $HOME
EOF
for f in *.py; do python -m py_compile "$f"; done
exec uvicorn main:app --host 0.0.0.0 --port "${PORT:-7860}" 2>&1 | tee log
"""


def _check_image(text: str) -> DockerImage:
    image = parse_text(text)
    assert isinstance(image, DockerImage)
    if image.error is not None:
        assert image.error_line is not None and image.error_line >= 1
    else:
        for inst in image.instructions:
            assert 1 <= inst.line <= inst.end_line
            inst.commands()
    return image


@FUZZ
@given(DOCKERFILES)
def test_generated_dockerfiles_parse(text: str) -> None:
    _check_image(text)


@FUZZ
@given(mutated(GOOD))
def test_mutated_dockerfiles_parse(text: str) -> None:
    _check_image(text)


@FUZZ
@given(st.text(max_size=300))
def test_any_text_parses_as_dockerfile(text: str) -> None:
    _check_image(text)


@FUZZ
@given(st.one_of(DOCKERFILES, mutated(GOOD)))
def test_no_check_crashes_on_dockerfiles(text: str) -> None:
    files: dict[str, str | bytes] = {
        "README.md": README,
        "Dockerfile": text,
        "requirements.txt": "fastapi\nuvicorn\n",
        "main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "start.sh": SCRIPT,
    }
    assert_no_crash(audit_files(files))


SHELL_TEXT = st.one_of(
    lines_of(ARGS, max_size=12),
    mutated(SCRIPT),
    st.text(st.sampled_from("ab $'\"\\`(){};&|<>\n#=-*~"), max_size=120),
)


@FUZZ
@given(SHELL_TEXT, st.integers(1, 500))
def test_shell_scripts_parse(text: str, first: int) -> None:
    last = first + text.count("\n") + text.count("\r")
    for cmd in parse_script(text, first, {"HOME": "/home/user"}):
        assert first <= cmd.line <= last
        assert all(isinstance(w, str) for w in cmd.argv)


@FUZZ
@given(SHELL_TEXT)
def test_no_check_crashes_on_start_scripts(text: str) -> None:
    files: dict[str, str | bytes] = {
        "README.md": README,
        "Dockerfile": 'FROM python:3.11\nCOPY . /app\nWORKDIR /app\nCMD ["bash", "start.sh"]\n',
        "start.sh": text,
    }
    assert_no_crash(audit_files(files))


def test_deeply_nested_sh_c_is_cut_off() -> None:
    inner = "exec uvicorn main:app --port 7860"
    for _ in range(9):  # each level triples the text: 9 levels are ~90 kB
        inner = "sh -c " + "'" + inner.replace("'", "'\\''") + "'"
    cmds = parse_script(inner)
    assert cmds  # the outer levels are read; the depth limit stops the rest, nothing raises


def test_huge_dockerfile() -> None:
    text = "FROM python:3.11\n" + "RUN echo hi \\\n" * 20000 + "  && true\n" + "ENV A=1\n" * 5000
    text += 'CMD ["python", "app.py"]\n'
    _check_image(text)
    assert_no_crash(audit_files({"README.md": README, "Dockerfile": text}))


def test_undecodable_dockerfile_is_an_error_entry() -> None:
    result = audit_files({"README.md": README, "Dockerfile": b"FROM python:3.11\nRUN \xff\xfe\n"})
    assert_no_crash(result)
    assert [(r.id, r.finding.location.line) for r in result.findings if r.id == "SD200"] == [
        ("SD200", 1)
    ]


def test_lone_surrogate_does_not_crash_the_process() -> None:
    # The Go extension would segfault on a str it cannot encode; parse_text refuses it first.
    code = (
        "from spacedoctor.sources.dockerfile import parse_text\n"
        "image = parse_text('FROM python:3.11\\nRUN echo \\udcff\\n')\n"
        "assert image.error is not None\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-500:]


def test_healthcheck_with_non_ascii_parses() -> None:
    # The extension splits HEALTHCHECK arguments at byte 0xa0, inside "à" (c3 a0), and fails to
    # decode the pieces; parse_text parses again with non-ASCII characters replaced.
    image = parse_text('FROM python:3.11\nHEALTHCHECK CMD echo voilà\nCMD ["x"]\n')
    assert image.error is None
    assert [i.cmd for i in image.instructions] == ["FROM", "HEALTHCHECK", "CMD"]
