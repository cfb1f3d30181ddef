"""README.md front matter (the Space's configuration), parsed once with the line of each key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from spacedoctor.sources.repo import RepoFiles, Unreadable

DEFAULT_PORT = 7860
# The Hub's block: optional leading blank space, a line of ---, the YAML, a line of ---.
_BLOCK = re.compile(r"\A(\s*---[ \t]*\r?\n)(.*?)(\r?\n---[ \t]*(?:\r?\n|\Z))", re.S)
_EMPTY_BLOCK = re.compile(r"\A(\s*---[ \t]*\r?\n)(---[ \t]*(?:\r?\n|\Z))", re.S)


@dataclass(frozen=True)
class Card:
    """The front matter of one Space. `path` is None when there is no README.md."""

    path: str | None
    present: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    error_line: int | None = None
    end_line: int = 1
    #: Source text of top-level plain (unquoted) scalar values, before YAML typing: `python_version:
    #: 3.10` is the float 3.1 in `data` and "3.10" here.
    raw: dict[str, str] = field(default_factory=dict)
    #: For a top-level list value: the line of each item, in order.
    item_lines: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: For a top-level mapping value: the line of each of its keys.
    sub_key_lines: dict[str, dict[str, int]] = field(default_factory=dict)

    def line(self, key: str) -> int:
        """1-based README line of a top-level key (the block's first line if the key is absent)."""
        return self.key_lines.get(key, 1)

    def item_line(self, key: str, index: int) -> int:
        """Line of item `index` of the list under `key` (the key's line if unknown)."""
        items = self.item_lines.get(key, ())
        return items[index] if 0 <= index < len(items) else self.line(key)

    def sub_line(self, key: str, sub: str) -> int:
        """Line of `sub` inside the mapping under `key` (the key's line if unknown)."""
        return self.sub_key_lines.get(key, {}).get(sub, self.line(key))

    @property
    def sdk(self) -> str | None:
        value = self.data.get("sdk")
        return value if isinstance(value, str) else None

    @property
    def app_port(self) -> int:
        """The port the platform forwards to: `app_port` for Docker Spaces, else 7860."""
        value = self.data.get("app_port")
        if self.sdk == "docker" and isinstance(value, int) and not isinstance(value, bool):
            return value
        return DEFAULT_PORT


def parse_card(repo: RepoFiles, name: str = "README.md") -> Card:
    if name not in repo:
        return Card(path=None)
    try:
        text = repo.read_text(name)
    except Unreadable as exc:
        return Card(path=name, error=f"README.md cannot be read: {exc}", error_line=1)
    return parse_card_text(text, name)


def parse_card_text(text: str, path: str = "README.md") -> Card:
    import yaml

    m = _BLOCK.match(text)
    if m is None:
        empty = _EMPTY_BLOCK.match(text)
        if empty:
            return Card(path=path, present=True, end_line=text[: empty.end()].count("\n") + 1)
        return Card(path=path)
    first_line = text[: m.start(2)].count("\n") + 1  # line number of the YAML's first line
    end_line = text[: m.end(2)].count("\n") + 2
    body = m.group(2)
    try:
        node = yaml.compose(body, Loader=yaml.SafeLoader)
        data = yaml.safe_load(body)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Card(
            path=path,
            present=True,
            error=f"front matter is not valid YAML: {problem}",
            error_line=line,
            end_line=end_line,
        )
    except RecursionError:
        return Card(
            path=path, present=True, error="front matter nests too deeply", error_line=first_line
        )
    except (ValueError, OverflowError) as exc:
        # Valid YAML that Python refuses to build, e.g. an integer past the 4300-digit limit.
        return Card(
            path=path,
            present=True,
            error=f"front matter holds a value that cannot be read: {str(exc).splitlines()[0]}",
            error_line=first_line,
        )
    if data is None:
        return Card(path=path, present=True, end_line=end_line)
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        return Card(
            path=path,
            present=True,
            error="front matter must be a mapping of keys to values",
            error_line=first_line,
            end_line=end_line,
        )
    lines: dict[str, int] = {}
    raw: dict[str, str] = {}
    items: dict[str, tuple[int, ...]] = {}
    subs: dict[str, dict[str, int]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = str(key_node.value)
        if key in lines:
            continue  # a duplicate key: keep the first occurrence's lines
        lines[key] = first_line + key_node.start_mark.line
        if isinstance(value_node, yaml.ScalarNode) and value_node.style is None:
            raw[key] = str(value_node.value)
        elif isinstance(value_node, yaml.SequenceNode):
            items[key] = tuple(first_line + n.start_mark.line for n in value_node.value)
        elif isinstance(value_node, yaml.MappingNode):
            sub: dict[str, int] = {}
            for sub_key, _ in value_node.value:
                if isinstance(sub_key, yaml.ScalarNode):
                    sub.setdefault(str(sub_key.value), first_line + sub_key.start_mark.line)
            subs[key] = sub
    clean = {str(k): v for k, v in data.items()}
    return Card(
        path=path,
        present=True,
        data=clean,
        key_lines=lines,
        end_line=end_line,
        raw=raw,
        item_lines=items,
        sub_key_lines=subs,
    )


def has_space_front_matter(head: bytes) -> bool:
    """Cheap test used to find Space roots: a front matter block with an `sdk:` key."""
    try:
        text = head.decode("utf-8-sig", errors="replace")
    except Exception:
        return False
    m = _BLOCK.match(text)
    return bool(m and re.search(r"(?m)^sdk\s*:", m.group(2)))
