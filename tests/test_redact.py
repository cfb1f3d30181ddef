"""The redaction helper: how much of a secret a report may show."""

from __future__ import annotations

from spacedoctor.redact import redact, redact_in

TOKEN = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


def test_hub_token_keeps_prefix_and_two_characters() -> None:
    assert redact(TOKEN) == "hf_Ab…"


def test_short_secret_shows_at_most_a_quarter() -> None:
    assert redact("hunter22") == "hu…"
    assert redact("abc") == "…"
    assert redact("") == "…"


def test_surrounding_whitespace_is_not_counted() -> None:
    assert redact(f"  {TOKEN}\n") == "hf_Ab…"


def test_redact_in_replaces_every_occurrence() -> None:
    text = f"HF_TOKEN={TOKEN} # again: {TOKEN}"
    out = redact_in(text, TOKEN)
    assert TOKEN not in out
    assert out == "HF_TOKEN=hf_Ab… # again: hf_Ab…"
    assert redact_in("nothing here", "") == "nothing here"


def test_scrub_redacts_secret_shapes_and_leaves_look_alikes() -> None:
    from spacedoctor.redact import scrub

    hf = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh"
    assert scrub(f"huggingface-cli login --token {hf}") == "huggingface-cli login --token hf_Ab…"
    assert scrub("pip install git+https://0123456789abcdefXYZ@host/r") == (
        "pip install git+https://0123…@host/r"
    )
    assert scrub("postgres://app:hunter2pass@db:5432/x") == "postgres://app:hu…@db:5432/x"
    assert scrub("run `hf_hub_download` with --token $HF_TOKEN") == (
        "run `hf_hub_download` with --token $HF_TOKEN"
    )
    assert scrub("the value s3cr3tvalue!", ("s3cr3tvalue!",)) == "the value s3c…"
