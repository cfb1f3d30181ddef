"""The credential shapes and placeholder rules of spacedoctor.sources.secrets."""

from __future__ import annotations

import pytest

from spacedoctor.sources.secrets import (
    AWS,
    GITHUB,
    HF,
    OPENAI,
    PRIVATE_KEY,
    entropy,
    find_secrets,
    is_placeholder,
)

HF_TOKEN = "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"
OPENAI_KEY = (
    "sk-proj-76UMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5KXSc7Tvo-hBKqFYY-kv5ZJT3BlbkFJr3J1TWDtkwtDDb_"
    "xHKas1VOqg6YYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po"
)


def test_finds_tokens_with_line_and_column() -> None:
    text = f'import os\nTOKEN = "{HF_TOKEN}"\nkey = "AKIA5344TFJGVQ4K7BN7"  # aws\n'
    hits = find_secrets(text)
    assert [(h.provider, h.value, h.line, h.column) for h in hits] == [
        (HF, HF_TOKEN, 2, 10),
        (AWS, "AKIA5344TFJGVQ4K7BN7", 3, 8),
    ]


def test_openai_and_github_shapes() -> None:
    text = f"{OPENAI_KEY}\nghp_xjSI6bWHtP3fS2qHx6kwXoIIXGvOoNZYW2mZ\n"
    assert [h.provider for h in find_secrets(text)] == [OPENAI, GITHUB]


@pytest.mark.parametrize(
    "text",
    [
        "hf_" + "x" * 34,  # template filler
        "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH",  # a run of the alphabet
        "hf_YourTokenHereReplaceMeWithTheRealX",  # words of a tutorial
        "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",  # an identifier: one case only
        HF_TOKEN + "x",  # 35 letters: not the shape
        "my" + HF_TOKEN,  # part of a longer word
        "AKIAIOSFODNN7EXAMPLE",  # AWS's documentation key
        "sk-proj-abc",  # a truncated example
    ],
)
def test_placeholders_and_other_shapes_are_not_secrets(text: str) -> None:
    assert find_secrets(f'value = "{text}"') == []


def test_is_placeholder_uses_entropy() -> None:
    assert is_placeholder("hf_abababababababababababababababab")
    assert not is_placeholder(HF_TOKEN)
    assert entropy("aaaa") == 0.0
    assert entropy("abcd") == 2.0


def test_private_key_needs_key_material() -> None:
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" * 2
    pem = f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"
    hits = find_secrets("x = 1\n" + pem)
    assert [(h.provider, h.line) for h in hits] == [(PRIVATE_KEY, 2)]
    in_json = '{"private_key": "-----BEGIN RSA PRIVATE KEY-----\\n' + body + '\\n"}'
    assert [h.provider for h in find_secrets(in_json)] == [PRIVATE_KEY]
    prose = "Paste the key (it starts with -----BEGIN PRIVATE KEY-----) into a secret.\n"
    assert find_secrets(prose) == []
    encrypted = (
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        f"DEK-Info: AES-128-CBC,1234\n{body}\n"
    )
    assert find_secrets(encrypted) == []
