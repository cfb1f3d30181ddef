"""`spacedoctor diagnose`: each SD7xx check against a canned runtime and logs served by a loopback
Hub (tests/hub_runtime_server.py) that huggingface_hub reaches through HF_ENDPOINT; errors as
one line; the time budget; where the token goes (and never goes)."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spacedoctor.cli import app
from spacedoctor.config import Settings
from spacedoctor.diagnose import DiagnoseError, DiagnoseOptions, run_diagnose
from spacedoctor.model import Reported, RunResult, Severity
from spacedoctor.registry import load_registry
from spacedoctor.report import FORMATS, render
from tests.hub_runtime_server import RuntimeHub, Space, info, runtime

TOKEN = "hf_spacedoctorDIAGtokenQ7xK2vW9mN4pL8"
SPACE = "owner/demo"
runner = CliRunner()


@pytest.fixture
def no_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))  # no saved login either
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "hf-home" / "token"))


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch, no_token: None) -> str:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    return TOKEN


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[RuntimeHub]:
    with RuntimeHub() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server


def diagnose(space: str = SPACE, **opts: Any) -> RunResult:
    return run_diagnose(DiagnoseOptions(space, **opts), Settings(), load_registry())


def found(result: RunResult) -> set[tuple[str, str | None]]:
    return {(r.id, r.finding.location.field) for r in result.findings}


def only(result: RunResult, check_id: str) -> Reported:
    hits = [r for r in result.findings if r.id == check_id]
    assert len(hits) == 1, [r.finding.message for r in result.findings]
    return hits[0]


def skipped(result: RunResult, check_id: str) -> str:
    reasons = [s.reason for s in result.skipped if s.id == check_id]
    assert reasons, result.skipped
    return reasons[0]


HEALTHY_RUN = [
    "===== Application Startup =====",
    "INFO:     Started server process [1]",
    "INFO:     Waiting for application startup.",
    "INFO:     Application startup complete.",
    "INFO:     Uvicorn running on http://0.0.0.0:7860 (Press CTRL+C to quit)",
    'INFO:     10.16.0.1:0 - "GET / HTTP/1.1" 200 OK',
]
HEALTHY_BUILD = [
    "--> FROM docker.io/library/python:3.12-slim",
    "--> RUN pip install --no-cache-dir -r requirements.txt",
    "Successfully installed fastapi-0.115.0 uvicorn-0.30.0",
    "--> Pushing image",
    "DONE 2.1s",
]


# --- a healthy Space ---------------------------------------------------------------------------


def test_healthy_running_space_gives_no_findings(hub: RuntimeHub, no_token: None) -> None:
    hub.add(SPACE, Space(runtime(), info(), build=HEALTHY_BUILD, run=HEALTHY_RUN))
    result = diagnose()
    assert result.findings == ()
    assert result.errors == ()
    assert result.target == SPACE
    assert {c.id for c in result.checks} >= {"SD701", "SD702", "SD703", "SD704", "SD707"}
    # Everything asked of the Hub, and nothing twice.
    paths = sorted(p for p, _ in hub.hub_requests())
    assert paths == sorted(
        [
            "/api/spaces/owner/demo/runtime",
            "/api/spaces/owner/demo",
            "/api/spaces/owner/demo/logs/build",
            "/api/spaces/owner/demo/logs/run",
        ]
    )


# --- SD701 stage-error -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "log_kind"),
    [
        ("BUILD_ERROR", "build"),
        ("RUNTIME_ERROR", "run"),
        ("CONFIG_ERROR", None),
        ("NO_APP_FILE", None),
    ],
)
def test_stage_error(hub: RuntimeHub, no_token: None, stage: str, log_kind: str | None) -> None:
    hub.add(
        SPACE,
        Space(
            runtime(stage, errorMessage=f"the Hub says {stage}"),
            info(),
            build=[*HEALTHY_BUILD[:2], "ERROR: process did not complete: exit code: 1"],
            run=["Traceback (most recent call last):", "ValueError: boom"],
        ),
    )
    result = diagnose()
    hit = only(result, "SD701")
    assert hit.severity is Severity.CRITICAL
    assert hit.finding.location.field == "runtime.stage"
    assert f"is in {stage}" in hit.finding.message
    evidence = hit.finding.evidence or ""
    assert evidence.startswith(f"errorMessage: the Hub says {stage}")
    if log_kind == "build":
        assert "last 3 lines of the build log:" in evidence
        assert "exit code: 1" in evidence and "ValueError" not in evidence
        assert "--build" in hit.fix
    elif log_kind == "run":
        assert "last 2 lines of the run log:" in evidence and "ValueError: boom" in evidence
        assert "exit code: 1" not in evidence
    else:
        assert "log" not in evidence


def test_stage_error_without_error_message_quotes_the_log(hub: RuntimeHub, no_token: None) -> None:
    lines = [f"line {i}" for i in range(50)]
    hub.add(SPACE, Space(runtime("RUNTIME_ERROR"), info(), run=lines))
    evidence = only(diagnose(), "SD701").finding.evidence or ""
    assert evidence.splitlines()[0] == "last 20 lines of the run log:"
    assert evidence.splitlines()[-1] == "  line 49"
    assert "line 29" not in evidence


# --- SD702 stage-stuck -------------------------------------------------------------------------


def test_intermediate_stage_with_an_error_is_stuck(hub: RuntimeHub, no_token: None) -> None:
    hub.add(
        SPACE,
        Space(
            runtime("APP_STARTING", errorMessage="Scheduling failure: unable to schedule"), info()
        ),
    )
    result = diagnose()
    hit = only(result, "SD702")
    assert hit.severity is Severity.HIGH
    assert hit.finding.evidence == "errorMessage: Scheduling failure: unable to schedule"
    # The same text is classified too (capacity, not code), once, at the Hub's message.
    sig = only(result, "SD707")
    assert sig.finding.location.field == "runtime.errorMessage"
    assert sig.severity is Severity.MEDIUM


@pytest.mark.parametrize(
    "stage", ["BUILDING", "RUNNING_BUILDING", "APP_STARTING", "RUNNING_APP_STARTING"]
)
def test_intermediate_stage_alone_is_not_judged(
    hub: RuntimeHub, no_token: None, stage: str
) -> None:
    hub.add(SPACE, Space(runtime(stage), info(), build=HEALTHY_BUILD, run=HEALTHY_RUN[:3]))
    result = diagnose()
    assert result.findings == ()
    reason = skipped(result, "SD702")
    assert f"is in {stage}" in reason and "does not say since when" in reason


# --- SD703 paused-or-stopped -------------------------------------------------------------------


def test_paused(hub: RuntimeHub, no_token: None) -> None:
    hub.add(SPACE, Space(runtime("PAUSED"), info()))
    hit = only(diagnose(), "SD703")
    assert hit.severity is Severity.INFO
    assert "paused" in hit.finding.message
    assert f"hf spaces restart {SPACE}" in hit.fix


def test_sleeping_names_its_sleep_time(hub: RuntimeHub, no_token: None) -> None:
    hub.add(SPACE, Space(runtime("STOPPED", gcTimeout=172800), info()))
    hit = only(diagnose(), "SD703")
    assert "sleeping (STOPPED) after 48 h without visitors" in hit.finding.message


# --- SD704 hardware-mismatch -------------------------------------------------------------------


def test_running_on_other_hardware_than_requested(hub: RuntimeHub, no_token: None) -> None:
    hw = {"current": "cpu-basic", "requested": "t4-small"}
    hub.add(SPACE, Space(runtime("RUNNING", hardware=hw), info()))
    hit = only(diagnose(), "SD704")
    assert hit.finding.location.field == "runtime.hardware"
    assert "runs on cpu-basic, but t4-small is requested" in hit.finding.message
    assert "--hardware t4-small" in hit.fix


@pytest.mark.parametrize(
    ("stage", "hardware"),
    [
        ("BUILDING", {"current": None, "requested": "t4-small"}),  # first build: no hardware yet
        ("APP_STARTING", {"current": "cpu-basic", "requested": "t4-small"}),  # moving now
        ("RUNNING", {"current": "t4-small", "requested": "t4-small"}),
        ("RUNNING", {"current": "t4-small"}),
    ],
)
def test_hardware_in_transition_or_matching_is_fine(
    hub: RuntimeHub, no_token: None, stage: str, hardware: dict[str, Any]
) -> None:
    hub.add(SPACE, Space(runtime(stage, hardware=hardware), info()))
    assert "SD704" not in {r.id for r in diagnose().findings}


# --- SD707 log-signatures ----------------------------------------------------------------------

#: (log line, log, expected severity, a static check its fix names)
SIGNATURES = [
    ("PermissionError: [Errno 13] Permission denied: '/.cache'", "run", Severity.CRITICAL, "SD204"),
    (
        "PermissionError: [Errno 13] Permission denied: '/app/.cache/models--gpt2'",
        "run",
        Severity.CRITICAL,
        "SD204",
    ),
    (
        "PermissionError: [Errno 13] Permission denied: '/app/out.txt'",
        "run",
        Severity.HIGH,
        "SD217",
    ),
    (
        "There was a problem when trying to write in your cache folder (/data). You should set "
        "the environment variable TRANSFORMERS_CACHE to a writable directory.",
        "run",
        Severity.CRITICAL,
        "SD204",
    ),
    ("Memory limit exceeded (16Gi)", "run", Severity.HIGH, None),
    ("Killed", "run", Severity.HIGH, None),
    ("/app/start.sh: line 3:    42 Killed    python app.py", "run", Severity.HIGH, None),
    (
        'ERROR: process "/bin/sh -c pip install -r requirements.txt" did not complete '
        "successfully: exit code: 137",
        "build",
        Severity.HIGH,
        None,
    ),
    ("Workload evicted, storage limit exceeded (50G)", "run", Severity.HIGH, None),
    ("OSError: [Errno 28] No space left on device", "run", Severity.HIGH, None),
    ("Scheduling failure: not enough hardware capacity", "build", Severity.MEDIUM, None),
    ("Launch timed out, workload was not healthy after 30 min", "run", Severity.HIGH, "SD207"),
    ("* Running on local URL:  http://127.0.0.1:7860", "run", Severity.CRITICAL, "SD308"),
    (
        "INFO:     Uvicorn running on http://127.0.0.1:7860 (Press CTRL+C to quit)",
        "run",
        Severity.CRITICAL,
        "SD207",
    ),
    ("[INFO] Listening at: http://127.0.0.1:7860 (7)", "run", Severity.CRITICAL, "SD207"),
    ("OSError: [Errno 98] Address already in use", "run", Severity.HIGH, None),
    ("ModuleNotFoundError: No module named 'sentencepiece'", "run", Severity.HIGH, "SD401"),
    ("ModuleNotFoundError: No module named 'audioop'", "run", Severity.HIGH, "SD403"),
    ("ModuleNotFoundError: No module named 'pyaudioop'", "run", Severity.HIGH, "SD403"),
    (
        "ImportError: cannot import name 'HfFolder' from 'huggingface_hub' "
        "(/usr/local/lib/python3.10/site-packages/huggingface_hub/__init__.py)",
        "run",
        Severity.HIGH,
        "SD402",
    ),
    (
        "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
        "run",
        Severity.HIGH,
        None,
    ),
    (
        "FutureWarning: Using `TRANSFORMERS_CACHE` is deprecated and will be removed in v5 of "
        "Transformers. Use `HF_HOME` instead.",
        "run",
        Severity.LOW,
        "SD205",
    ),
    ("cat: /run/secrets/HF_TOKEN: No such file or directory", "build", Severity.HIGH, "SD210"),
    (
        "FileNotFoundError: [Errno 2] No such file or directory: '/run/secrets/API_KEY'",
        "run",
        Severity.HIGH,
        "SD210",
    ),
    ("/bin/sh: 1: huggingface-cli: not found", "build", Severity.HIGH, "SD215"),
    ("bash: huggingface-cli: command not found", "run", Severity.HIGH, "SD215"),
    ("E: Unable to locate package libgl1-mesa-glx", "build", Severity.HIGH, "SD405"),
    (
        "UserWarning: Setting share=True is not supported on Hugging Face Spaces",
        "run",
        Severity.INFO,
        "SD307",
    ),
]


@pytest.mark.parametrize(
    ("line", "kind", "severity", "prevents"), SIGNATURES, ids=lambda v: str(v)[:40]
)
def test_log_signature(
    hub: RuntimeHub,
    no_token: None,
    line: str,
    kind: str,
    severity: Severity,
    prevents: str | None,
) -> None:
    logs = {"build": [*HEALTHY_BUILD[:2], line], "run": ["Starting app", line, "exiting"]}
    # The stage the line would come with: a build line in a running Space's build log is read too.
    hub.add(
        SPACE,
        Space(
            runtime("RUNNING"),
            info("gradio"),
            build=logs["build"] if kind == "build" else [],
            run=logs["run"] if kind == "run" else [],
        ),
    )
    result = diagnose()
    hit = only(result, "SD707")
    assert hit.finding.location.field == f"logs.{kind}"
    assert hit.severity is severity
    assert hit.finding.evidence == line
    if prevents:
        assert prevents in hit.fix and "spacedoctor audit" in hit.fix
    assert found(result) == {("SD707", f"logs.{kind}")}


def test_signature_names_the_module_and_counts_repeats(hub: RuntimeHub, no_token: None) -> None:
    run = [
        "ModuleNotFoundError: No module named 'torchaudio'",
        "restarting",
        "ModuleNotFoundError: No module named 'torchaudio'",
    ]
    hub.add(SPACE, Space(runtime("RUNTIME_ERROR"), info(), run=run))
    hit = only(diagnose(), "SD707")
    assert "no module named 'torchaudio' (2 lines; the last is quoted)" in hit.finding.message
    assert "`torchaudio`" in (hit.fix or "")


@pytest.mark.parametrize(
    ("sdk", "card", "line", "reported"),
    [
        # Served from app_port 8000: a server on 127.0.0.1:8000 cannot be reached.
        ("docker", {"app_port": 8000}, "Uvicorn running on http://127.0.0.1:8000", True),
        # Behind a reverse proxy on 7860: the app rightly listens on loopback.
        ("docker", {}, "Uvicorn running on http://127.0.0.1:8000", False),
        ("docker", {"app_port": 8000}, "Uvicorn running on http://127.0.0.1:7860", False),
        # Gradio SDK: always port 7860.
        ("gradio", {"app_port": 8000}, "Running on local URL:  http://127.0.0.1:7860", True),
        # Gradio shows 0.0.0.0 as localhost: not loopback-only.
        ("gradio", {}, "Running on local URL:  http://localhost:7860", False),
        ("gradio", {}, "Running on local URL:  http://0.0.0.0:7860", False),
        # Flask prints its loopback URL even when it listens on all addresses.
        ("docker", {}, " * Running on http://127.0.0.1:7860", False),
    ],
)
def test_loopback_only_at_the_app_port(
    hub: RuntimeHub,
    no_token: None,
    sdk: str,
    card: dict[str, Any],
    line: str,
    reported: bool,
) -> None:
    hub.add(SPACE, Space(runtime("APP_STARTING"), info(sdk, **card), run=[line]))
    assert ("SD707" in {r.id for r in diagnose().findings}) is reported


def test_loopback_is_not_judged_without_the_card(hub: RuntimeHub, no_token: None) -> None:
    space = hub.add(
        SPACE,
        Space(runtime("APP_STARTING"), info(), run=["Uvicorn running on http://127.0.0.1:7860"]),
    )
    space.status["info"] = 500
    result = diagnose()
    assert result.findings == ()
    assert any("card could not be read (HTTP 500)" in s.reason for s in result.skipped)


def test_build_error_reads_only_the_build_log(hub: RuntimeHub, no_token: None) -> None:
    hub.add(
        SPACE,
        Space(
            runtime("BUILD_ERROR"),
            info(),
            build=["E: Unable to locate package ffmpeg4"],
            # An earlier container's log: not this revision's.
            run=["ModuleNotFoundError: No module named 'old'"],
        ),
    )
    result = diagnose()
    assert found(result) == {("SD701", "runtime.stage"), ("SD707", "logs.build")}


def test_config_error_reads_no_log(hub: RuntimeHub, no_token: None) -> None:
    hub.add(SPACE, Space(runtime("CONFIG_ERROR"), info(), run=["Killed"], build=["Killed"]))
    result = diagnose()
    assert found(result) == {("SD701", "runtime.stage")}
    assert "nothing was built from this revision" in skipped(result, "SD707")


def test_same_signature_reported_once_at_the_most_direct_source(
    hub: RuntimeHub, no_token: None
) -> None:
    hub.add(
        SPACE,
        Space(
            runtime("RUNTIME_ERROR", errorMessage="Memory limit exceeded (16Gi)"),
            info(),
            run=["loading model", "Memory limit exceeded (16Gi)"],
            build=["Killed"],
        ),
    )
    result = diagnose()
    assert found(result) == {
        ("SD701", "runtime.stage"),
        ("SD707", "runtime.errorMessage"),  # memory, from the Hub's own message
        ("SD707", "logs.build"),  # Killed: another signature
    }


def test_ansi_codes_and_long_lines_are_cleaned(hub: RuntimeHub, no_token: None) -> None:
    line = "\x1b[31mModuleNotFoundError: No module named 'x'\x1b[0m " + "y" * 10_000
    hub.add(SPACE, Space(runtime("RUNTIME_ERROR"), info(), run=[line]))
    evidence = only(diagnose(), "SD707").finding.evidence or ""
    assert evidence.startswith("ModuleNotFoundError: No module named 'x' yyy")
    assert "\x1b" not in evidence
    assert len(evidence) <= 2001


def test_log_lines_bounds_the_tail(hub: RuntimeHub, no_token: None) -> None:
    run = ["ModuleNotFoundError: No module named 'early'", *(f"noise {i}" for i in range(30))]
    hub.add(SPACE, Space(runtime("RUNTIME_ERROR"), info(), run=run))
    assert "SD707" in {r.id for r in diagnose(log_lines=40).findings}
    assert "SD707" not in {r.id for r in diagnose(log_lines=10).findings}


def test_logs_that_need_a_token_are_skipped_with_the_reason(
    hub: RuntimeHub, no_token: None
) -> None:
    space = hub.add(SPACE, Space(runtime("RUNTIME_ERROR"), info(), run=["Killed"]))
    space.status["logs/run"] = 401
    space.status["logs/build"] = 401
    result = diagnose()
    assert found(result) == {("SD701", "runtime.stage")}
    reason = skipped(result, "SD707")
    assert "HTTP 401" in reason and "HF_TOKEN" in reason
    assert any(s.id == "input" and "the run log" in s.reason for s in result.skipped)


# --- SD708 dev-mode-on, SD710 domain-not-ready -------------------------------------------------


def test_dev_mode_on(hub: RuntimeHub, no_token: None) -> None:
    hub.add(SPACE, Space(runtime(devMode=True), info(), run=HEALTHY_RUN))
    hit = only(diagnose(), "SD708")
    assert hit.finding.location.field == "runtime.devMode"
    assert f"hf spaces dev-mode {SPACE} --stop" in hit.fix


def test_custom_domain_pending(hub: RuntimeHub, no_token: None) -> None:
    domains = [
        {"domain": "owner-demo.hf.space", "stage": "READY"},
        {"domain": "demo.example.org", "stage": "PENDING"},
        {"domain": "ok.example.org", "stage": "READY"},
    ]
    hub.add(SPACE, Space(runtime(domains=domains), info()))
    hit = only(diagnose(), "SD710")
    assert "demo.example.org" in hit.finding.message and "PENDING" in hit.finding.message
    assert "CNAME" in hit.fix


def test_platform_domain_not_ready_is_not_the_owners_to_fix(
    hub: RuntimeHub, no_token: None
) -> None:
    hub.add(
        SPACE,
        Space(runtime("BUILDING", domains=[{"domain": "owner-demo.hf.space", "stage": "PENDING"}])),
    )
    assert "SD710" not in {r.id for r in diagnose().findings}


def test_odd_runtime_shapes_do_not_crash(hub: RuntimeHub, no_token: None) -> None:
    raw = {
        "stage": "SOMETHING_NEW",
        "hardware": None,
        "replicas": {"current": 2, "requested": "auto"},
        "domains": [None, {"stage": "READY"}, "x"],
        "volumes": [{"type": "bucket", "source": "owner/b", "mountPath": "/data"}],
        "devMode": "yes",
        "errorMessage": 42,
        "gcTimeout": "never",
    }
    hub.add(SPACE, Space(raw, info()))
    result = diagnose()
    assert result.errors == ()
    assert result.findings == ()


@pytest.mark.parametrize(
    "raw",
    [
        {"hardware": "cpu-basic"},  # huggingface_hub's SpaceRuntime expects a mapping
        {"volumes": [3]},
        {"stage": None},
    ],
)
def test_runtime_answer_the_library_cannot_read(
    hub: RuntimeHub, no_token: None, raw: dict[str, Any]
) -> None:
    hub.add(SPACE, Space({**runtime(), **raw}, info()))
    with pytest.raises(DiagnoseError, match="runtime answer for Space owner/demo"):
        diagnose()


# --- the time budget ---------------------------------------------------------------------------


def _bounded(fn: Any, limit: float = 60.0) -> Any:
    """Run fn in a thread; fail (rather than hang the suite) if it does not return in `limit`."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:
            out["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), "diagnose did not return"
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_hanging_log_stream_ends_within_the_timeout(hub: RuntimeHub, no_token: None) -> None:
    space = hub.add(
        SPACE,
        Space(
            runtime("APP_STARTING"),
            info(),
            run=["INFO:     Uvicorn running on http://127.0.0.1:7860"],
            build=HEALTHY_BUILD,
        ),
    )
    space.hang.add("logs/run")
    result = _bounded(lambda: diagnose(timeout=2.0))
    # The lines sent before the stream went quiet are used.
    assert only(result, "SD707").finding.location.field == "logs.run"
    notes = [s.reason for s in result.skipped if s.id == "input"]
    assert any("the run log was still streaming after 2 s" in n for n in notes)


def test_hanging_runtime_is_a_timeout_error(hub: RuntimeHub, no_token: None) -> None:
    hub.add(SPACE, Space(runtime())).hang.add("runtime")
    with pytest.raises(DiagnoseError, match=r"did not answer within 1 s for Space owner/demo"):
        _bounded(lambda: diagnose(timeout=1.0))


# --- errors: one line, exit 2 ------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_private_space_without_token(hub: RuntimeHub, no_token: None, status: int) -> None:
    hub.add(SPACE, Space(runtime())).status["runtime"] = status
    with pytest.raises(DiagnoseError) as err:
        diagnose()
    message = str(err.value)
    assert f"HTTP {status}" in message
    assert "this Space is private or the token lacks access" in message
    assert "HF_TOKEN" in message
    assert "\n" not in message


def test_token_without_access(hub: RuntimeHub, token: str) -> None:
    hub.add(SPACE, Space(runtime())).status["runtime"] = 403
    with pytest.raises(DiagnoseError, match="the token lacks access") as err:
        diagnose()
    assert TOKEN not in str(err.value)


def test_unknown_space(hub: RuntimeHub, no_token: None) -> None:
    with pytest.raises(
        DiagnoseError,
        match=r"Space owner/missing was not found on http://127\.0\.0\.1:\d+ \(a private Space",
    ):
        diagnose("owner/missing")


def test_hub_unreachable(monkeypatch: pytest.MonkeyPatch, no_token: None) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    with pytest.raises(DiagnoseError, match=rf"cannot reach the Hub at http://127\.0\.0\.1:{port}"):
        diagnose()


def test_hub_server_error(hub: RuntimeHub, no_token: None) -> None:
    hub.add(SPACE, Space(runtime())).status["runtime"] = 502
    with pytest.raises(DiagnoseError, match=r"answered HTTP 502 for Space owner/demo"):
        diagnose()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("https://owner-demo.hf.space", "cannot map back to its id"),
        ("https://owner-demo.hf.space/", "give owner/name"),
        ("https://example.org/spaces/owner/demo", "is not a Space"),
        ("https://huggingface.co/owner/demo", "is not a Space"),
        ("owner", "is not a Space id"),
        ("", "empty Space"),
    ],
)
def test_targets_refused(target: str, message: str, no_token: None) -> None:
    with pytest.raises(DiagnoseError, match=message):
        diagnose(target)


@pytest.mark.parametrize(
    "target",
    [
        "owner/demo",
        "https://huggingface.co/spaces/owner/demo",
        "https://hf.co/spaces/owner/demo/tree/main",
    ],
)
def test_targets_accepted(hub: RuntimeHub, no_token: None, target: str) -> None:
    hub.add(SPACE, Space(runtime("PAUSED"), info()))
    assert diagnose(target).target == SPACE


def test_page_url_on_the_configured_endpoint(hub: RuntimeHub, no_token: None) -> None:
    hub.add(SPACE, Space(runtime("PAUSED"), info()))
    assert diagnose(f"{hub.url}/spaces/owner/demo").target == SPACE


@pytest.mark.parametrize(
    ("opts", "message"), [({"timeout": 0}, "timeout"), ({"log_lines": 0}, "--log-lines")]
)
def test_bad_options(opts: dict[str, Any], message: str) -> None:
    with pytest.raises(DiagnoseError, match=message):
        diagnose(**opts)


# --- the token ---------------------------------------------------------------------------------


def test_token_goes_to_every_hub_request(hub: RuntimeHub, token: str) -> None:
    hub.add(SPACE, Space(runtime(), info(), build=HEALTHY_BUILD, run=HEALTHY_RUN))
    diagnose()
    calls = hub.hub_requests()
    assert len(calls) == 4
    assert all(h.get("authorization") == f"Bearer {TOKEN}" for _, h in calls)
    assert all(h.get("user-agent", "").startswith("spacedoctor/") for _, h in calls)


def test_token_is_not_sent_without_one(hub: RuntimeHub, no_token: None) -> None:
    hub.add(SPACE, Space(runtime(), info(), build=HEALTHY_BUILD, run=HEALTHY_RUN))
    diagnose()
    assert all("authorization" not in h for _, h in hub.requests)


def test_token_does_not_follow_a_redirect_off_the_hub(hub: RuntimeHub, token: str) -> None:
    with RuntimeHub() as elsewhere:
        elsewhere.add(SPACE, Space(runtime("PAUSED"), info()))
        space = hub.add(SPACE, Space(runtime(), info()))
        space.redirect["runtime"] = f"{elsewhere.url}/api/spaces/owner/demo/runtime"
        result = diagnose()
    assert found(result) == {("SD703", "runtime.stage")}  # the redirect was followed
    assert elsewhere.requests and all("authorization" not in h for _, h in elsewhere.requests)
    assert all(h.get("authorization") == f"Bearer {TOKEN}" for _, h in hub.hub_requests())


LEAKY_RUN = [
    f"using token {TOKEN}",
    f"curl -H 'Authorization: Bearer {TOKEN}' https://huggingface.co/api/whoami-v2",
    "another user token hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 in the log",
    f"PermissionError: [Errno 13] Permission denied: '/.cache/{TOKEN}'",
]


@pytest.fixture
def leaky_space(hub: RuntimeHub, token: str) -> RuntimeHub:
    hub.add(
        SPACE,
        Space(
            runtime("RUNTIME_ERROR", errorMessage=f"crashed with HF_TOKEN={TOKEN}"),
            info(),
            run=LEAKY_RUN,
        ),
    )
    return hub


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_never_in_any_output_format(
    leaky_space: RuntimeHub, fmt: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = diagnose()
    assert {r.id for r in result.findings} == {"SD701", "SD707"}
    out = io.StringIO()
    render(fmt, result, out, color=False)
    text = out.getvalue()
    assert "hf_sp…" in text or "hf_s…" in text or "hf_" in text  # shown redacted
    assert TOKEN not in text
    assert "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" not in text
    assert TOKEN not in caplog.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_never_prints_the_token(leaky_space: RuntimeHub, fmt: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["diagnose", SPACE, "--format", fmt])
    assert result.exit_code == 1, (result.exception, result.stderr)  # SD701 is critical
    assert isinstance(result.exception, SystemExit)
    assert TOKEN not in result.stdout and TOKEN not in result.stderr
    written = tmp_path / "report"
    result = runner.invoke(app, ["diagnose", SPACE, "--format", fmt, "-o", str(written)])
    assert result.exit_code == 1, (result.exception, result.stderr)
    assert isinstance(result.exception, SystemExit)
    assert TOKEN not in written.read_text()


def test_cli_errors_never_print_the_token(hub: RuntimeHub, token: str) -> None:
    hub.add(SPACE, Space(runtime())).status["runtime"] = 401
    result = runner.invoke(app, ["diagnose", SPACE])
    assert result.exit_code == 2
    assert result.stderr.startswith("spacedoctor: error: the Hub answered HTTP 401")
    assert TOKEN not in result.stdout + result.stderr


# --- the command line --------------------------------------------------------------------------


def test_cli_json_and_exit_codes(hub: RuntimeHub, no_token: None) -> None:
    hub.add(SPACE, Space(runtime("STOPPED"), info(), run=HEALTHY_RUN))
    result = runner.invoke(app, ["diagnose", SPACE, "--format", "json"])
    assert result.exit_code == 0  # info only: below the default fail-on (critical)
    doc = json.loads(result.stdout)
    assert doc["target"] == SPACE
    assert [(f["id"], f["location"]) for f in doc["findings"]] == [
        ("SD703", {"field": "runtime.stage"})
    ]
    result = runner.invoke(app, ["diagnose", SPACE, "--fail-on", "info"])
    assert result.exit_code == 1
    result = runner.invoke(app, ["diagnose", SPACE, "--ignore", "SD703", "--fail-on", "info"])
    assert result.exit_code == 0


def test_cli_log_lines_from_the_environment(
    hub: RuntimeHub, no_token: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = ["ModuleNotFoundError: No module named 'early'", *(f"noise {i}" for i in range(10))]
    hub.add(SPACE, Space(runtime("RUNTIME_ERROR"), info(), run=run))
    monkeypatch.setenv("SPACEDOCTOR_LOG_LINES", "5")
    result = runner.invoke(app, ["diagnose", SPACE, "--format", "json", "--select", "SD707"])
    assert json.loads(result.stdout)["findings"] == []
    result = runner.invoke(
        app, ["diagnose", SPACE, "--format", "json", "--select", "SD707", "--log-lines", "50"]
    )
    assert [f["id"] for f in json.loads(result.stdout)["findings"]] == ["SD707"]


def test_cli_refuses_an_app_url() -> None:
    result = runner.invoke(app, ["diagnose", "https://owner-demo.hf.space"])
    assert result.exit_code == 2
    assert "cannot map back to its id" in result.stderr
    assert result.stderr.count("\n") == 1
