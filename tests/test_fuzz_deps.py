"""Dependency files, .gitattributes and secret scanning under hostile input: requirements files
with every pip option shape, include loops, bad markers and URLs; broken pyproject.toml;
packages.txt; pip commands in RUN lines. Parsers never raise and no check crashes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spacedoctor.sources.deps import (
    parse_install_commands,
    parse_packages_text,
    parse_pyproject_text,
    parse_requirements_text,
)
from spacedoctor.sources.gitattributes import parse_gitattributes
from spacedoctor.sources.secrets import find_secrets
from tests.fuzzkit import FUZZ, assert_no_crash, audit_files, junk, lines_of, mutated

REQ_LINES = st.sampled_from(
    [
        "fastapi",
        "uvicorn[standard]>=0.30",
        "gradio==5.0.0",
        "torch==2.3.0+cu121",
        "numpy<2; python_version < '3.9'",
        "numpy<2; python_version <",
        "pkg; bogus_marker == '1'",
        "pkg[",
        "pkg ==",
        "pkg===weird-version",
        "pkg~=1",
        "pkg>=1,<=0",
        "pkg @ https://example.com/pkg-1.0.tar.gz",
        "pkg @",
        "git+https://github.com/o/r.git@main#egg=r",
        "git+https://hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789@github.com/o/r.git",
        "https://user:secret@example.com/simple/pkg.whl",
        "./local/pkg",
        "../outside",
        "/abs/path.whl",
        "-e .",
        "-e",
        "--editable git+https://x/y.git#egg=y",
        "-r requirements.txt",
        "-r other.txt",
        "-r ../../etc/passwd",
        "--requirement=other.txt",
        "-c constraints.txt",
        "-c",
        "--extra-index-url https://download.pytorch.org/whl/cu121",
        "--index-url",
        "-i https://pypi.org/simple",
        "--find-links ./wheels",
        "--no-binary :all:",
        "--pre",
        "--trusted-host example.com",
        "--bogus-option",
        "pkg --hash=sha256:" + "a" * 64,
        "pkg \\",
        "  --hash=sha256:" + "b" * 64,
        "# comment",
        "pkg # trailing comment",
        "pkg#not-a-comment",
        "${ENV_VAR}",
        "pkg==${VERSION}",
        "\\",
        "",
        "   ",
        "é",
        "x" * 3000,
    ]
)
REQUIREMENTS = lines_of(st.one_of(REQ_LINES, junk(20)), max_size=20)

PYPROJECT = """[project]
name = "space"
requires-python = ">=3.10"
dependencies = [
    "fastapi>=0.110",
    "uvicorn[standard]",
    "gradio==5.0.0",
]

[project.optional-dependencies]
dev = ["pytest"]
"""

PIP_COMMANDS = st.lists(
    st.sampled_from(
        [
            "pip install -r requirements.txt",
            "pip install --no-cache-dir fastapi uvicorn",
            "pip3 install -U 'pkg<2'",
            'python -m pip install "pkg[extra]>=1"',
            "uv pip install --system -r requirements.txt",
            "pip install -e .",
            "pip install --index-url https://x/simple pkg",
            "pip install",
            "pip install 'unterminated",
            'pip install "a" "b',
            "conda install -y numpy",
            "apt-get install -y ffmpeg",
            "pip install $PKGS",
            "pip install -c",
            "pip install --target",
            "&&",
            "||",
            ";",
            "|",
            "\\\n",
            "#",
        ]
    ),
    max_size=8,
).map(" ".join)

GITATTRIBUTES = lines_of(
    st.sampled_from(
        [
            "*.bin filter=lfs diff=lfs merge=lfs -text",
            "*.safetensors filter=lfs diff=lfs merge=lfs -text",
            "[attr]binary -diff -merge -text",
            "[attr]lfs filter=lfs",
            "[attr]",
            "*.png binary",
            "*.png lfs",
            "!*.txt",
            "-text",
            "**/ text",
            '"quoted name.bin" filter=lfs',
            '"unterminated filter=lfs',
            "\\#literal filter=lfs",
            "a[b filter=lfs",
            "a[!]] -text",
            "*.{png,jpg} filter=lfs",
            "models/** filter=lfs",
            "/abs.bin filter=lfs",
            "x filter",
            "x =",
            "x !filter -filter filter=",
            "# comment",
            "",
        ]
    ),
    max_size=15,
)


@FUZZ
@given(REQUIREMENTS)
def test_requirements_parse(text: str) -> None:
    parsed = parse_requirements_text(text, "requirements.txt", resolve=lambda p: p)
    assert parsed.path == "requirements.txt"


@FUZZ
@given(st.one_of(mutated(PYPROJECT), st.text(max_size=200)))
def test_pyproject_parses(text: str) -> None:
    parse_pyproject_text(text)


@FUZZ
@given(st.one_of(PIP_COMMANDS, junk(40)))
def test_install_commands_parse(command: str) -> None:
    parse_install_commands(command)
    parse_packages_text(command)


@FUZZ
@given(GITATTRIBUTES)
def test_gitattributes_parse(text: str) -> None:
    parse_gitattributes(text)
    parse_gitattributes(text, "sub/dir/.gitattributes")


@FUZZ
@given(st.one_of(REQUIREMENTS, junk(200), st.text(max_size=300)))
def test_secret_scan(text: str) -> None:
    for hit in find_secrets(text):
        assert hit.value in text


@FUZZ
@given(REQUIREMENTS, REQUIREMENTS, st.one_of(mutated(PYPROJECT), junk(30)), PIP_COMMANDS)
def test_no_check_crashes_on_dependency_files(
    req: str, other: str, pyproject: str, pip: str
) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "---\nsdk: docker\n---\n",
        "Dockerfile": (
            "FROM python:3.11\nWORKDIR /app\nCOPY . .\n"
            f"RUN {pip.replace(chr(10), ' ')}\nCMD python app.py\n"
        ),
        "requirements.txt": req,
        "other.txt": other + "\n-r requirements.txt\n",  # an include loop
        "constraints.txt": other,
        "pyproject.toml": pyproject,
        "packages.txt": other,
        "app.py": "import fastapi\nimport numpy\n",
    }
    assert_no_crash(audit_files(files))


@FUZZ
@given(REQUIREMENTS, GITATTRIBUTES, st.sampled_from(["gradio", "streamlit", "static"]))
def test_no_check_crashes_per_sdk(req: str, attrs: str, sdk: str) -> None:
    files: dict[str, str | bytes] = {
        "README.md": f"---\nsdk: {sdk}\nsdk_version: 5.0.0\napp_file: app.py\n---\n",
        "requirements.txt": req,
        "pre-requirements.txt": req,
        ".gitattributes": attrs,
        "model.bin": b"\x00" * 64,
        "app.py": "import gradio as gr\n",
    }
    assert_no_crash(audit_files(files))


def test_self_including_requirements_terminate() -> None:
    files: dict[str, str | bytes] = {
        "README.md": "---\nsdk: gradio\nsdk_version: 5.0.0\n---\n",
        "requirements.txt": "-r requirements.txt\n-r a.txt\nfastapi\n",
        "a.txt": "-r b.txt\n",
        "b.txt": "-r a.txt\n-c requirements.txt\n",
        "app.py": "import fastapi\n",
    }
    assert_no_crash(audit_files(files))
