"""README front matter under hostile input: broken YAML, wrong types, huge values, alias bombs.
Whatever the README holds, parsing returns a Card (with `error` set when the YAML is unusable)
and no check crashes on it."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from spacedoctor.sources.card import has_space_front_matter, parse_card_text
from tests.fuzzkit import (
    FUZZ,
    assert_no_crash,
    audit_files,
    audit_process,
    junk,
    lines_of,
    mutated,
    write_repo,
)

KEYS = [
    "sdk",
    "app_port",
    "app_file",
    "sdk_version",
    "python_version",
    "title",
    "emoji",
    "colorFrom",
    "colorTo",
    "pinned",
    "license",
    "models",
    "datasets",
    "hf_oauth",
    "hf_oauth_scopes",
    "suggested_hardware",
    "suggested_storage",
    "short_description",
    "preload_from_hub",
    "startup_duration_timeout",
    "custom_headers",
    "fullWidth",
    "header",
    "disable_embedding",
    "tags",
    "base_path",
    "thumbnail",
]

SCALARS = st.one_of(
    st.sampled_from(
        [
            "docker",
            "gradio",
            "streamlit",
            "static",
            "Docker",
            "7860",
            "0",
            "-1",
            "65536",
            str(10**100),
            "1e309",
            ".nan",
            "3.10",
            "3.1",
            "4.44.1",
            "true",
            "yes",
            "null",
            "~",
            "''",
            '""',
            "'unterminated",
            '"unterminated',
            "[red",
            "{a: 1",
            "[1, [2, [3]]]",
            "{a: {b: {c: d}}}",
            "!!python/object:os.system echo",
            "!!binary aGk=",
            "!custom x",
            "*undefined",
            "&a 1",
            "|\n  block\n  text",
            ">-\n  folded",
            "2024-01-01",
            "0x1F",
            "0o17",
            "1_000",
            "x" * 5000,
            "🩺",
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    junk(30),
)


@st.composite
def front_matter_line(draw: st.DrawFn) -> str:
    key = draw(st.one_of(st.sampled_from(KEYS), st.text(max_size=10)))
    indent = draw(st.sampled_from(["", "", "", "  ", "\t", " "]))
    sep = draw(st.sampled_from([": ", ":", " : ", ":\t", " ", ": - "]))
    value = draw(SCALARS)
    if draw(st.integers(0, 5)) == 0:
        return f"{indent}- {value}"
    return f"{indent}{key}{sep}{value}"


@st.composite
def readme(draw: st.DrawFn) -> str:
    body = draw(lines_of(front_matter_line()))
    opener = draw(st.sampled_from(["---\n", "---\r\n", "\n---\n", "--- \n", "---", "\ufeff---\n"]))
    closer = draw(st.sampled_from(["\n---\n", "\n---", "\n--- \n", "\n...\n", "\n"]))
    tail = draw(st.text(max_size=40))
    return opener + body + closer + tail


GOOD = (
    "---\ntitle: Demo\nemoji: 🩺\ncolorFrom: blue\ncolorTo: gray\nsdk: docker\napp_port: 7860\n"
    "models:\n  - a/b\n  - c/d\ncustom_headers:\n  cross-origin-opener-policy: same-origin\n"
    "short_description: A demo\n---\n\n# Demo\n"
)

# An alias bomb: each level refers to the previous one nine times. PyYAML shares the nodes,
# so loading is cheap; anything that walks the values as a tree would take forever.
BOMB = "---\nsdk: docker\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}]\n"
    for i in range(9)
)
BOMB += "tags: *j\nmodels: *j\ntitle: *j\n---\n"


def _check_card(text: str) -> None:
    card = parse_card_text(text)
    assert card.path == "README.md"
    if card.error is not None:
        assert card.error_line is not None and card.error_line >= 1
    for line in card.key_lines.values():
        assert 1 <= line <= text.count("\n") + 2
    has_space_front_matter(text.encode("utf-8", "surrogateescape"))


@FUZZ
@given(readme())
def test_generated_front_matter_parses(text: str) -> None:
    _check_card(text)


@FUZZ
@given(mutated(GOOD))
def test_mutated_front_matter_parses(text: str) -> None:
    _check_card(text)


@FUZZ
@given(st.text(max_size=300))
def test_any_text_parses(text: str) -> None:
    _check_card(text)


@FUZZ
@given(st.one_of(readme(), mutated(GOOD)))
def test_no_check_crashes_on_front_matter(text: str) -> None:
    assert_no_crash(audit_files({"README.md": text}))


@FUZZ
@given(st.binary(max_size=200))
def test_no_check_crashes_on_readme_bytes(data: bytes) -> None:
    assert_no_crash(audit_files({"README.md": b"---\nsdk: docker\n" + data}))


def test_alias_bomb_parses() -> None:
    card = parse_card_text(BOMB)
    assert card.sdk == "docker"
    assert card.key_lines["tags"] == 13


def test_alias_bomb_audit_finishes(tmp_path: Path) -> None:
    write_repo(tmp_path, {"README.md": BOMB})
    proc = audit_process(tmp_path, "--select", "SD1", "--format", "json", timeout=20)
    assert proc.returncode in (0, 1), proc.stderr


def test_huge_values() -> None:
    text = (
        f"---\nsdk: docker\napp_port: {10**400}\ntitle: {'t' * 200_000}\n"
        f"models:\n{'  - a/b' + chr(10)}" * 1 + "---\n"
    )
    card = parse_card_text(text)
    assert card.data["app_port"] == 10**400
    assert card.app_port == 10**400  # an int, if absurd: SD1xx report it, nothing raises
    assert_no_crash(audit_files({"README.md": text}))


def test_deep_nesting() -> None:
    text = "---\nsdk: docker\ntags: " + "[" * 5000 + "]" * 5000 + "\n---\n"
    card = parse_card_text(text)
    assert card.present
    assert_no_crash(audit_files({"README.md": text}))


def test_integer_past_pythons_digit_limit_is_an_error_not_a_crash() -> None:
    card = parse_card_text("---\nsdk: docker\napp_port: " + "1" * 5000 + "\n---\n")
    assert card.error is not None and "cannot be read" in card.error
    assert card.error_line == 2
    assert_no_crash(audit_files({"README.md": "---\nsdk: docker\nx: " + "9" * 5000 + "\n---\n"}))
