"""The front matter source: values, the line of every key, list item and nested key, raw scalars."""

from __future__ import annotations

from spacedoctor.sources.card import parse_card_text

README = """

---
title: Demo
python_version: 3.10
sdk_version: "5.20"
pinned: false
tags:
  - a
  -   b
custom_headers:
  cross-origin-opener-policy: same-origin
  Cross-Origin-Embedder-Policy: require-corp
preload_from_hub:
  - >-
    openai-community/gpt2
    config.json
  - coqui/XTTS-v1
---
# Body
sdk: streamlit
"""


def test_key_lines_count_leading_blank_lines() -> None:
    card = parse_card_text(README)
    assert card.present and card.error is None
    assert card.line("title") == 4
    assert card.line("python_version") == 5
    assert card.line("custom_headers") == 11
    assert card.line("missing") == 1
    assert "sdk" not in card.data  # the body is not front matter


def test_raw_keeps_the_source_text_of_plain_scalars_only() -> None:
    card = parse_card_text(README)
    assert card.data["python_version"] == 3.1
    assert card.raw["python_version"] == "3.10"
    assert card.raw["pinned"] == "false"
    assert "sdk_version" not in card.raw  # quoted: YAML kept it a string
    assert card.data["sdk_version"] == "5.20"
    assert "tags" not in card.raw


def test_item_lines_of_lists_including_folded_items() -> None:
    card = parse_card_text(README)
    assert card.item_lines["tags"] == (9, 10)
    assert card.item_line("tags", 1) == 10
    assert card.item_line("preload_from_hub", 0) == 15
    assert card.item_line("preload_from_hub", 1) == 18
    assert card.item_line("tags", 7) == card.line("tags")  # out of range: the key's line


def test_sub_key_lines_of_mappings() -> None:
    card = parse_card_text(README)
    assert card.sub_line("custom_headers", "cross-origin-opener-policy") == 12
    assert card.sub_line("custom_headers", "Cross-Origin-Embedder-Policy") == 13
    assert card.sub_line("custom_headers", "nope") == 11
    assert card.sub_key_lines == {
        "custom_headers": {
            "cross-origin-opener-policy": 12,
            "Cross-Origin-Embedder-Policy": 13,
        }
    }


def test_duplicate_key_keeps_first_line_and_last_value() -> None:
    card = parse_card_text("---\nsdk: gradio\ntitle: x\nsdk: docker\n---\n")
    assert card.data["sdk"] == "docker"  # what a YAML loader keeps
    assert card.line("sdk") == 2
    assert card.raw["sdk"] == "gradio"


def test_existing_fields_unchanged_for_broken_and_empty_blocks() -> None:
    broken = parse_card_text("---\nsdk: [docker\n---\n")
    assert broken.present and broken.error is not None and broken.raw == {}
    empty = parse_card_text("---\n---\n")
    assert empty.present and empty.data == {} and empty.item_lines == {}
    none = parse_card_text("# no front matter\n")
    assert not none.present
