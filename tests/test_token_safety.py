"""The HF token never shows: with HF_TOKEN set, and the same token (plus another provider's key)
written all over the audited repo, no report format, log record or error message of any command
contains it. Secrets found in the repo are reported redacted (`hf_Ab…`) in every format. A probe
of a plain URL never sends the token to that server."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from spacedoctor.cli import app
from spacedoctor.redact import redact
from tests.fuzzkit import write_repo

TOKEN = "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"
OTHER = "sk-proj-" + "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNmT3BlbkFJ"  # an OpenAI-shaped key
FORMATS = ["text", "json", "sarif", "github"]

runner = CliRunner()


def _repo(root: Path) -> Path:
    return write_repo(
        root,
        {
            "README.md": (
                "---\nsdk: docker\napp_port: 7860\n"
                f"title: {TOKEN}\nshort_description: token {TOKEN}\nmodels:\n  - {TOKEN}\n---\n"
            ),
            "Dockerfile": (
                f"FROM python:3.11\nARG HF_TOKEN={TOKEN}\nENV HF_TOKEN={TOKEN}\n"
                f"RUN huggingface-cli login --token {TOKEN}\n"
                f"RUN pip install git+https://user:{TOKEN}@huggingface.co/org/repo\n"
                "COPY . /app\nWORKDIR /app\n"
                f'CMD ["sh", "-c", "HF_TOKEN={TOKEN} uvicorn app:app --port 8000"]\n'
            ),
            "app.py": (
                "import os\nfrom fastapi import FastAPI\n"
                f'HF_TOKEN = "{TOKEN}"\nOPENAI_API_KEY = "{OTHER}"\n'
                f'os.environ["HF_TOKEN"] = "{TOKEN}"\napp = FastAPI()\n'
            ),
            "broken.py": f'token = "{TOKEN}" +\n',
            "start.sh": f"export HF_TOKEN={TOKEN}\nexec uvicorn app:app --token {TOKEN}\n",
            ".env": f"HF_TOKEN={TOKEN}\nOPENAI_API_KEY={OTHER}\n",
            "requirements.txt": (
                f"fastapi\ngit+https://{TOKEN}@github.com/o/r.git\n-r {TOKEN}.txt\n"
            ),
            "config.json": f'{{"token": "{TOKEN}"}}\n',
        },
    )


@pytest.fixture
def leaky(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    return _repo(tmp_path)


def _assert_clean(text: str) -> None:
    assert TOKEN not in text
    assert OTHER not in text
    # Nor a long piece of either: anything past the redacted prefix is too much.
    assert TOKEN[5:20] not in text
    assert OTHER[8:24] not in text


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog
    for record in caplog.records:
        _assert_clean(record.getMessage())
        if record.exc_text:
            _assert_clean(record.exc_text)


#: Checks that quote a line holding the token: SD215 quotes `huggingface-cli login --token <token>`
#: from a RUN line, SD408 a `git+https://<token>@host/...` requirement; reports redact both.
LEAKING = ("SD215", "SD408")


def _audit_clean(root: Path, fmt: str, tmp_path: Path, *extra: str) -> None:
    args = ["audit", str(root), "--format", fmt, "--fail-on", "none", *extra]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    _assert_clean(result.stdout)
    _assert_clean(result.stderr)
    # The same report written to a file.
    out = tmp_path / f"report.{fmt}"
    runner.invoke(app, [*args, "--output", str(out)])
    _assert_clean(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_audit_never_prints_the_token(
    leaky: Path, fmt: str, logs: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    _audit_clean(leaky, fmt, tmp_path)


@pytest.mark.parametrize("check_id", LEAKING)
def test_checks_that_quote_the_token(leaky: Path, check_id: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(leaky), "-f", "json", "--select", check_id])
    assert check_id in result.stdout  # the check does report the line that holds the token ...
    _audit_clean(leaky, "json", tmp_path, "--select", check_id)  # ... redacted


@pytest.mark.parametrize("fmt", FORMATS)
def test_secrets_in_the_repo_are_reported_redacted(leaky: Path, fmt: str) -> None:
    result = runner.invoke(app, ["audit", str(leaky), "--format", fmt, "--select", "SD306"])
    assert result.exit_code in (0, 1), result.output
    assert "SD306" in result.stdout  # the hard-coded token is found ...
    shown = redact(TOKEN)
    assert shown == "hf_kP…"
    # ... and named by its first characters (JSON may escape the ellipsis).
    assert shown in result.stdout or "hf_kP\\u2026" in result.stdout
    _assert_clean(result.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["checks"],
        ["checks", "--format", "json"],
        ["explain", "SD306"],
        ["audit", ".", "--select", TOKEN],
        ["--version"],
        # The token pasted where something else was expected: the error echoes the argument.
        ["explain", TOKEN],
        ["audit", TOKEN],
        ["audit", ".", "--format", TOKEN],
    ],
    ids=lambda a: " ".join(a).replace(TOKEN, "<token>"),
)
def test_other_commands_and_their_errors_never_print_the_token(
    leaky: Path, args: list[str], logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(leaky)
    result = runner.invoke(app, args)
    _assert_clean(result.stdout)
    _assert_clean(result.stderr)


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(str(self.headers))
        body = b"<html><body>hello</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET

    def do_OPTIONS(self) -> None:
        type(self).seen.append(str(self.headers))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Recorder.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_probe_of_a_plain_url_neither_sends_nor_prints_the_token(
    server: str, fmt: str, monkeypatch: pytest.MonkeyPatch, logs: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    result = runner.invoke(app, ["probe", server, "--format", fmt, "--fail-on", "none"])
    assert result.exit_code in (0, 1), result.output
    assert _Recorder.seen, "the probe made no request"
    for headers in _Recorder.seen:
        assert TOKEN not in headers
    _assert_clean(result.stdout)
    _assert_clean(result.stderr)
