"""Python sources under hostile input: syntax errors, other encodings, null bytes, absurd nesting,
and app code whose calls take arguments of every odd shape. The parser never raises (a file it
cannot read or parse is a SyntaxProblem, which SD300 reports) and no check crashes on the trees."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spacedoctor.sources.pyapp import Module, SyntaxProblem, import_sites, parse_module
from tests.fuzzkit import FUZZ, assert_no_crash, audit_files, junk, mutated

README = "---\nsdk: docker\napp_port: 7860\n---\n"
DOCKERFILE = (
    "FROM python:3.11\nRUN useradd -m -u 1000 user\nUSER user\nWORKDIR /home/user/app\n"
    "COPY --chown=user . .\nCMD python app.py\n"
)

# Argument values: literals, names, calls, f-strings, starred forms, the empty and the absurd.
VALUES = st.sampled_from(
    [
        "7860",
        "8000",
        "'7860'",
        "0",
        "-1",
        "10**100",
        "None",
        "True",
        "'0.0.0.0'",
        "'127.0.0.1'",
        "'localhost'",
        "'/'",
        "'/static'",
        "''",
        "'static'",
        "'/tmp/x'",
        "'/data/cache'",
        "f'{x}'",
        "f'/p/{1}'",
        "b'bytes'",
        "['*']",
        "['https://a.b', 1]",
        "[]",
        "()",
        "{}",
        "{'a': 1}",
        "*args",
        "**kw",
        "os.environ['PORT']",
        "os.environ.get('PORT', 7860)",
        "int(os.getenv('PORT', '7860'))",
        "app",
        "demo",
        "demo.app",
        "lambda: 1",
        "x if y else z",
        "(yield)",
        "await g()",
        "...",
        "StaticFiles(directory='static')",
        "StaticFiles(directory=d, html=True)",
        "CORSMiddleware",
        "Middleware(CORSMiddleware, allow_origins=['*'])",
        "gr.Blocks()",
        "FastAPI()",
        "Path(__file__).parent / 'static'",
    ]
)
PLAIN = VALUES.filter(lambda v: not v.startswith("*"))
KWARGS = st.sampled_from(
    [
        "host",
        "port",
        "server_name",
        "server_port",
        "share",
        "root_path",
        "directory",
        "html",
        "name",
        "path",
        "allow_origins",
        "allow_credentials",
        "allow_origin_regex",
        "cache_dir",
        "token",
        "proxy_headers",
        "forwarded_allow_ips",
        "workers",
        "reload",
        "app",
        "routes",
        "middleware",
        "mode",
    ]
)
CALLEES = st.sampled_from(
    [
        "uvicorn.run",
        "demo.launch",
        "demo.queue",
        "app.mount",
        "app.add_middleware",
        "app.include_router",
        "gr.mount_gradio_app",
        "FastAPI",
        "Starlette",
        "Mount",
        "Route",
        "StaticFiles",
        "gr.Interface",
        "gr.Blocks",
        "Flask",
        "app.run",
        "st.file_uploader",
        "open",
        "os.makedirs",
        "Path('x').write_text",
        "hf_hub_download",
        "snapshot_download",
        "pipeline",
        "torch.compile",
        "spaces.GPU",
        "os.environ.setdefault",
        "subprocess.run",
        "requests.get",
        "socket.create_connection",
        "smtplib.SMTP",
        "psycopg2.connect",
        "print",
    ]
)
HEADER = (
    "import os\nimport gradio as gr\nimport uvicorn\nimport spaces\n"
    "from fastapi import FastAPI\nfrom fastapi.staticfiles import StaticFiles\n"
    "from fastapi.middleware.cors import CORSMiddleware\n"
    "from starlette.routing import Mount, Route\nfrom pathlib import Path\n"
    "from huggingface_hub import hf_hub_download, snapshot_download\n"
    "app = FastAPI()\ndemo = gr.Blocks()\n"
)


@st.composite
def call(draw: st.DrawFn) -> str:
    args = sorted(draw(st.lists(VALUES, max_size=3)), key=lambda a: a.startswith("**"))
    kwargs = draw(st.lists(st.tuples(KWARGS, VALUES), max_size=4, unique_by=lambda kv: kv[0]))
    parts = args + [f"{k}={v}" for k, v in kwargs if not v.startswith("*")]
    return f"{draw(CALLEES)}({', '.join(parts)})"


@st.composite
def statement(draw: st.DrawFn) -> str:
    c = draw(call())
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return f"x = {c}"
    if shape == 1:
        route = draw(PLAIN)
        return f"@app.get({route})\nasync def handler{draw(st.integers(0, 9))}():\n    return {c}"
    if shape == 2:
        return f"if __name__ == '__main__':\n    {c}"
    if shape == 3:
        return f"try:\n    import torch\nexcept ImportError:\n    {c}"
    if shape == 4:
        return f"@spaces.GPU\ndef infer(x):\n    return {c}"
    if shape == 5:
        return f"os.environ[{draw(PLAIN)}] = {draw(PLAIN)}"
    if shape == 6:
        return (
            f"class App:\n    def __init__(self):\n        self.app = {c}\n"
            f"    def go(self):\n        {c}"
        )
    if shape == 7:
        return f"with {c} as f:\n    f.write('x')"
    return c


PROGRAM = st.lists(statement(), min_size=1, max_size=10).map(
    lambda stmts: HEADER + "\n".join(stmts) + "\n"
)

COOKIES = st.sampled_from(
    [
        "",
        "# -*- coding: latin-1 -*-\n",
        "# coding: utf-16\n",
        "# coding: bogus-codec\n",
        "# vim: set fileencoding=cp1252 :\n",
        "#!/usr/bin/env python\n# coding=utf-8\n",
        "\ufeff# coding: latin-1\n",
    ]
)

DEEP = [
    "x = " + "not " * 5000 + "1\n",
    "x = 1" + " + 1" * 50000 + "\n",
    "x = " + "-" * 100000 + "1\n",
    "(" * 300 + ")" * 300 + "\n",
    "x = " + "[" * 199 + "]" * 199 + "\n",
    "def f():\n" + "".join(" " * i + "if x:\n" for i in range(1, 99)) + " " * 99 + "pass\n",
    "x = " + "f(" * 150 + ")" * 150 + "\n",
    "a = b = c = " * 2000 + "1\n",
    "x = '" + "\\n" * 100000 + "'\n",
]


def _parse(path: str, data: bytes) -> None:
    result = parse_module(path, data)
    assert isinstance(result, Module | SyntaxProblem)
    if isinstance(result, SyntaxProblem):
        assert result.line >= 1 and result.message
    else:
        for site in import_sites(result):
            assert site.line >= 1


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_parse(data: bytes) -> None:
    _parse("app.py", data)


@FUZZ
@given(COOKIES, st.text(max_size=200))
def test_encodings_parse(cookie: str, body: str) -> None:
    _parse("app.py", cookie.encode("utf-8") + body.encode("utf-8", "surrogatepass"))
    _parse("app.py", (cookie + body).encode("latin-1", "replace"))


@FUZZ
@given(PROGRAM)
def test_generated_programs_parse(source: str) -> None:
    result = parse_module("app.py", source.encode())
    assert isinstance(result, Module), result


@FUZZ
@given(st.one_of(PROGRAM, PROGRAM.flatmap(mutated)))
def test_no_check_crashes_on_app_code(source: str) -> None:
    files: dict[str, str | bytes] = {
        "README.md": README,
        "Dockerfile": DOCKERFILE,
        "app.py": source,
        "requirements.txt": "fastapi\nuvicorn\ngradio\n",
    }
    assert_no_crash(audit_files(files))


@FUZZ
@given(PROGRAM, st.sampled_from(["gradio", "streamlit", "docker"]))
def test_no_check_crashes_per_sdk(source: str, sdk: str) -> None:
    files: dict[str, str | bytes] = {
        "README.md": f"---\nsdk: {sdk}\napp_file: app.py\nsdk_version: 5.0.0\n---\n",
        "app.py": source,
        "pkg/__init__.py": "from .app import *\nfrom .. import x\n",
        "pkg/app.py": source,
    }
    if sdk == "docker":
        files["Dockerfile"] = DOCKERFILE
    assert_no_crash(audit_files(files))


@FUZZ
@given(COOKIES, junk(40), st.binary(max_size=60))
def test_no_check_crashes_on_unparsable_code(cookie: str, text: str, data: bytes) -> None:
    files: dict[str, str | bytes] = {
        "README.md": README,
        "Dockerfile": DOCKERFILE,
        "app.py": cookie + text,
        "raw.py": data,
        "nul.py": b"import os\x00\n",
    }
    assert_no_crash(audit_files(files))


def test_absurd_nesting_is_a_problem_not_a_crash() -> None:
    for i, source in enumerate(DEEP):
        _parse(f"deep{i}.py", source.encode())
    files: dict[str, str | bytes] = {f"deep{i}.py": s for i, s in enumerate(DEEP)}
    files.update({"README.md": README, "Dockerfile": DOCKERFILE})
    files["app.py"] = "import deep5\nimport deep6\n"
    assert_no_crash(audit_files(files))
