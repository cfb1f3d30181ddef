"""The runtime source without a server: cleaning and redaction of Hub text, the runtime JSON read
field by field, the app port, and Space ids from what users type."""

from __future__ import annotations

from typing import Any

import pytest

from spacedoctor.sources.hub import HubError, endpoint_display, space_id_from
from spacedoctor.sources.runtime import (
    MAX_LINE,
    Domain,
    MountedVolume,
    _clean_lines,
    access_error,
    app_port_of,
    clean_text,
    parse_runtime,
)

TOKEN = "hf_spacedoctorUNITtokenR5tY8uI1oP3aS6"


# --- cleaning ----------------------------------------------------------------------------------


def test_ansi_and_control_characters_go() -> None:
    assert clean_text("\x1b[1;32mINFO\x1b[0m:\tready\x07\x00") == "INFO:    ready"


def test_known_secret_and_token_shapes_are_redacted() -> None:
    text = clean_text(
        f"token={TOKEN} org=api_org_AbCdEfGhIjKlMnOpQrStUv other=hf_Zz9Yy8Xx7Ww6Vv5Uu4Tt3",
        secrets=(TOKEN,),
    )
    assert TOKEN not in text
    assert "api_org_AbCdEfGhIjKlMnOpQrStUv" not in text
    assert "hf_Zz9Yy8Xx7Ww6Vv5Uu4Tt3" not in text
    assert "token=hf_sp…" in text


def test_a_secret_of_any_shape_is_redacted_when_known() -> None:
    assert "s3cr3t-passw0rd" not in clean_text(
        "login s3cr3t-passw0rd ok", secrets=("s3cr3t-passw0rd",)
    )


def test_authorization_header_values_are_redacted() -> None:
    text = clean_text("-H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz123456'")
    assert "abcdefghijklmnopqrstuvwxyz123456" not in text
    assert "Bearer " in text


def test_other_providers_keys_are_redacted() -> None:
    key = "AKIAZ4Q7MR2XB5KW3NTP"
    assert key not in clean_text(f"aws key {key} loaded")


def test_ordinary_text_is_left_alone() -> None:
    line = "INFO: hf_hub_download('gpt2') took 3.2 s; Bearer auth enabled"
    assert clean_text(line) == line


def test_long_lines_are_cut() -> None:
    out = clean_text("x" * (MAX_LINE + 50))
    assert len(out) == MAX_LINE + 1 and out.endswith("…")


def test_a_token_cut_by_the_line_limit_is_still_redacted() -> None:
    out = clean_text("y" * (MAX_LINE - 10) + TOKEN, secrets=(TOKEN,))
    assert TOKEN[:12] not in out


def test_one_event_may_hold_several_lines() -> None:
    assert _clean_lines("first\r\nsecond\n\n   \nthird\n", ()) == ["first", "second", "third"]


# --- the runtime JSON --------------------------------------------------------------------------


def test_documented_shape() -> None:
    raw = {
        "stage": "BUILDING",
        "hardware": {"current": None, "requested": "cpu-basic"},
        "storage": None,
        "gcTimeout": 172800,
        "replicas": {"requested": 1},
        "devMode": False,
        "domains": [{"domain": "user-tmp-test-space.hf.space", "stage": "READY"}],
    }
    ctx = parse_runtime("user/tmp-test-space", raw)
    assert ctx.stage == "BUILDING" and ctx.is_intermediate and not ctx.is_error
    assert (ctx.hardware, ctx.requested_hardware) == (None, "cpu-basic")
    assert ctx.sleep_time == 172800
    assert ctx.replicas_requested == 1 and ctx.replicas_current is None
    assert ctx.domains == (Domain("user-tmp-test-space.hf.space", "READY"),)
    assert not ctx.domains[0].is_custom
    assert ctx.error_message is None and ctx.dev_mode is False


def test_volumes_error_message_and_replicas() -> None:
    raw: dict[str, Any] = {
        "stage": "runtime_error",
        "replicas": {"current": 2, "requested": "auto"},
        "volumes": [
            {"type": "bucket", "source": "owner/b", "mountPath": "/data", "readOnly": False},
            {"source": "owner/m", "mount_path": "/models"},
            {"source": "no mount"},
        ],
        "errorMessage": f"Exit code: 1\nKeyError: {TOKEN}",
        "devMode": True,
    }
    ctx = parse_runtime("owner/demo", raw, secrets=(TOKEN,))
    assert ctx.stage == "RUNTIME_ERROR" and ctx.is_error
    assert ctx.replicas_current == 2 and ctx.replicas_requested == "auto"
    assert ctx.volumes == (
        MountedVolume("bucket", "owner/b", "/data", False),
        MountedVolume("model", "owner/m", "/models", None),
    )
    assert ctx.error_message is not None and TOKEN not in ctx.error_message
    assert ctx.error_message.startswith("Exit code: 1\nKeyError: hf_")
    assert ctx.dev_mode is True


def test_custom_domain() -> None:
    assert Domain("demo.example.org", "PENDING").is_custom
    assert not Domain("owner-demo.hf.space", "PENDING").is_custom


@pytest.mark.parametrize("raw", [{}, {"stage": ""}, {"stage": 3}])
def test_no_stage_is_an_error(raw: dict[str, Any]) -> None:
    with pytest.raises(HubError, match="has no stage"):
        parse_runtime("owner/demo", raw)


@pytest.mark.parametrize(
    ("sdk", "card", "port"),
    [
        ("docker", {"app_port": 8000}, 8000),
        ("docker", {}, 7860),
        ("docker", {"app_port": "8000"}, None),  # the Hub rejects it: do not guess
        ("docker", {"app_port": True}, None),
        ("gradio", {"app_port": 8000}, 7860),  # app_port is used only by Docker Spaces
        ("static", {}, 7860),
        (None, {}, 7860),
    ],
)
def test_app_port(sdk: str | None, card: dict[str, Any], port: int | None) -> None:
    assert app_port_of(sdk, card) == port


# --- errors ------------------------------------------------------------------------------------


class _Response:
    def __init__(self, status: int) -> None:
        self.status_code = status


class _HTTPError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"{status} Client Error for url https://huggingface.co/... {TOKEN}")
        self.response = _Response(status)


@pytest.mark.parametrize("status", [401, 403, 404, 500])
def test_access_errors_never_quote_the_library(status: int) -> None:
    message = str(access_error(_HTTPError(status), "owner/demo", TOKEN))
    assert TOKEN not in message and "Client Error" not in message
    assert "owner/demo" in message


# --- Space ids ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "repo_id"),
    [
        ("owner/demo", "owner/demo"),
        (" owner/my.demo-2 ", "owner/my.demo-2"),
        ("https://huggingface.co/spaces/owner/demo", "owner/demo"),
        ("https://huggingface.co/spaces/owner/demo/blob/main/app.py", "owner/demo"),
        ("https://hf.co/spaces/owner/demo", "owner/demo"),
    ],
)
def test_space_ids(target: str, repo_id: str) -> None:
    assert space_id_from(target) == repo_id


def test_page_on_a_mirror_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "https://hub.example.org")
    assert space_id_from("https://hub.example.org/spaces/owner/demo") == "owner/demo"


@pytest.mark.parametrize(
    "target",
    [
        "https://owner-demo.hf.space",
        "https://owner-demo.hf.space/?view=api",
        "https://huggingface.co/owner/demo",  # a model page
        "https://huggingface.co/spaces/owner",
        "owner/demo/extra",
        "-owner/demo",
        "http://localhost:7860",
    ],
)
def test_not_space_ids(target: str) -> None:
    with pytest.raises(HubError):
        space_id_from(target)


def test_endpoint_display_hides_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "https://user:pa55@hub.example.org/")
    assert endpoint_display() == "https://hub.example.org"
    monkeypatch.setenv("HF_ENDPOINT", "https://hub.example.org")
    assert endpoint_display() == "https://hub.example.org"


def test_runtime_path_stays_light_to_import() -> None:
    """`audit` loads every check module, the runtime ones included: they, the runtime source and
    `spacedoctor.diagnose` must not pull in huggingface_hub or an HTTP client."""
    import subprocess
    import sys

    code = (
        "import sys, spacedoctor.diagnose, spacedoctor.checks.runtime.stage, "
        "spacedoctor.checks.runtime.logs\n"
        "heavy = ('httpx', 'httpx2', 'huggingface_hub', 'asyncio', 'rich')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
