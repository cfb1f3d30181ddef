"""`.gitattributes` files parsed with line numbers, and git's rules for which line decides.

git's rules (gitattributes(5)): a line is a pattern and attributes separated by whitespace; `#`
starts a comment; a pattern may be C-quoted. Patterns follow .gitignore rules except that
negative patterns are ignored and a pattern matching a directory does not reach the files in it
(`dir/` matches nothing; `dir/**` does). A pattern without `/` matches a name at any depth below
the file's folder; one with `/` is anchored there. `attr` sets, `-attr` unsets, `!attr` makes
unspecified, `attr=value` gives a value; `[attr]name ...` defines a macro (top level only).
For one attribute of one path, the deepest file wins, and within a file the last matching line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacedoctor.sources.repo import RepoFiles

log = logging.getLogger(__name__)

#: True: set; False: unset (`-attr`); None: unspecified (`!attr`); str: `attr=value`.
Value = bool | str | None

#: The `filter` values that store a file outside git: Git LFS, and the Xet storage HF also speaks.
LARGE_FILE_FILTERS = frozenset({"lfs", "xet"})
NAME = ".gitattributes"
_BUILTIN_MACROS: dict[str, tuple[tuple[str, Value], ...]] = {
    "binary": (("diff", False), ("merge", False), ("text", False)),
}
# POSIX classes that `git lfs track` writes (a space in a name becomes `[[:space:]]`).
_POSIX = {
    "[:space:]": " \t\n\r\f\v",
    "[:blank:]": " \t",
    "[:alpha:]": "a-zA-Z",
    "[:digit:]": "0-9",
    "[:alnum:]": "a-zA-Z0-9",
    "[:upper:]": "A-Z",
    "[:lower:]": "a-z",
    "[:xdigit:]": "0-9A-Fa-f",
}
_DIR_MARK = "ps_d"  # pathspec's group for "matched a directory, and the path goes on below it"


@dataclass(frozen=True)
class Rule:
    """One pattern line of a `.gitattributes` file."""

    path: str  # the file, relative to the tree root
    line: int
    pattern: str
    attrs: tuple[tuple[str, Value], ...]
    base: str  # the folder of the file, relative to the tree root: "" or "sub/"
    regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def get(self, name: str) -> tuple[bool, Value]:
        """(mentioned, value) of one attribute on this line; the last mention counts."""
        found: tuple[bool, Value] = (False, None)
        for attr, value in self.attrs:
            if attr == name:
                found = (True, value)
        return found

    def matches(self, tree_path: str) -> bool:
        if self.regex is None or not tree_path.startswith(self.base):
            return False
        m = self.regex.match(tree_path[len(self.base) :])
        return m is not None and m.groupdict().get(_DIR_MARK) is None

    @property
    def stores_large_files(self) -> bool:
        mentioned, value = self.get("filter")
        return mentioned and value in LARGE_FILE_FILTERS


@dataclass(frozen=True)
class AttrFile:
    path: str  # relative to the tree root
    base: str
    rules: tuple[Rule, ...]
    macros: tuple[tuple[str, tuple[tuple[str, Value], ...]], ...] = ()


def parse_gitattributes(
    text: str,
    path: str = NAME,
    macros: dict[str, tuple[tuple[str, Value], ...]] | None = None,
) -> AttrFile:
    """Parse one file. `path` is its place in the tree; `macros` are those defined above it."""
    base = path[: -len(NAME)] if path.endswith(NAME) else ""
    known = dict(_BUILTIN_MACROS)
    known.update(macros or {})
    defined: list[tuple[str, tuple[tuple[str, Value], ...]]] = []
    rules: list[Rule] = []
    for idx, raw in enumerate(text.splitlines()):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pattern, rest = _split_pattern(line)
        if pattern is None:
            continue
        attrs = _parse_attrs(rest, known)
        if pattern.startswith("[attr]"):
            if base == "":  # git honours macro definitions in the top-level file only
                name = pattern[len("[attr]") :]
                known[name] = attrs
                defined.append((name, attrs))
            continue
        if pattern.startswith("!"):
            continue  # "Negative patterns are ignored in git attributes"
        rules.append(Rule(path, idx + 1, pattern, attrs, base, _compile(pattern)))
    return AttrFile(path, base, tuple(rules), tuple(defined))


def _split_pattern(line: str) -> tuple[str | None, str]:
    if not line.startswith('"'):
        parts = line.split(None, 1)
        return parts[0], parts[1] if len(parts) > 1 else ""
    out: list[str] = []
    i = 1
    while i < len(line):
        ch = line[i]
        if ch == '"':
            return "".join(out), line[i + 1 :]
        if ch == "\\" and i + 1 < len(line):
            nxt = line[i + 1]
            if nxt in "01234567" and re.match(r"[0-7]{3}", line[i + 1 : i + 4]):
                out.append(chr(int(line[i + 1 : i + 4], 8)))
                i += 4
                continue
            out.append({"t": "\t", "n": "\n", "r": "\r"}.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return None, ""  # an unterminated quote: git ignores the line


def _parse_attrs(
    rest: str, macros: dict[str, tuple[tuple[str, Value], ...]]
) -> tuple[tuple[str, Value], ...]:
    out: list[tuple[str, Value]] = []
    for token in rest.split():
        if token.startswith("-"):
            out.append((token[1:], False))
        elif token.startswith("!"):
            out.append((token[1:], None))
        elif "=" in token:
            name, value = token.split("=", 1)
            out.append((name, value))
        else:
            out.extend(_expand(token, macros, set()))
    return tuple(out)


def _expand(
    name: str, macros: dict[str, tuple[tuple[str, Value], ...]], seen: set[str]
) -> Iterator[tuple[str, Value]]:
    yield (name, True)
    if name in macros and name not in seen:
        seen.add(name)
        for attr, value in macros[name]:
            if value is True:
                yield from _expand(attr, macros, seen)
            else:
                yield (attr, value)


def _compile(pattern: str) -> re.Pattern[str] | None:
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    for cls, chars in _POSIX.items():
        pattern = pattern.replace(cls, chars)
    try:
        compiled = GitIgnoreSpecPattern(pattern)
    except (ValueError, re.error):
        log.debug("unusable .gitattributes pattern %r", pattern)
        return None
    regex = compiled.regex
    return regex if isinstance(regex, re.Pattern) else None


class GitAttributes:
    """The attribute files that apply to one Space: those inside it and those in the folders above
    it (up to the audited tree's root). Lookups take paths relative to the Space root."""

    def __init__(self, files: Sequence[AttrFile], prefix: str = "") -> None:
        self.prefix = prefix
        self.files = sorted(files, key=lambda f: (f.base.count("/"), f.base))
        self.errors: list[tuple[str, str]] = []

    def rules(self) -> Iterator[Rule]:
        for f in self.files:
            yield from f.rules

    def lookup(self, rel: str, name: str) -> tuple[Value, Rule | None]:
        """The value of attribute `name` for the Space file `rel`, and the line that decided it."""
        full = self.prefix + rel
        value: Value = None
        decided: Rule | None = None
        for rule in self.rules():
            mentioned, v = rule.get(name)
            if mentioned and rule.matches(full):
                value, decided = v, rule
        return value, decided

    def stores_outside_git(self, rel: str) -> bool:
        """Whether `git add` hands this file to Git LFS / Xet (its `filter` is lfs or xet)."""
        value, _ = self.lookup(rel, "filter")
        return isinstance(value, str) and value in LARGE_FILE_FILTERS

    def large_file_rules(self) -> list[Rule]:
        return [r for r in self.rules() if r.stores_large_files]

    def local_path(self, rule: Rule) -> str | None:
        """The rule's file relative to the Space root, or None when it sits above the Space."""
        if rule.path.startswith(self.prefix):
            return rule.path[len(self.prefix) :]
        return None


def attributes_of(repo: RepoFiles) -> GitAttributes:
    """Every `.gitattributes` that applies to the Space `repo` (cached: ctx.gitattributes)."""
    from spacedoctor.sources.repo import Unreadable

    prefix = repo.prefix
    places: list[str] = []
    # folders above the Space, from the tree root down
    parts = prefix.split("/")[:-1] if prefix else []
    for depth in range(len(parts)):
        above = "/".join(parts[:depth]) + ("/" if depth else "")
        if above + NAME in repo.tree.files:
            places.append(above + NAME)
    places.extend(prefix + rel for rel in repo.names() if rel == NAME or rel.endswith("/" + NAME))
    places.sort(key=lambda p: (p.count("/"), p))

    files: list[AttrFile] = []
    errors: list[tuple[str, str]] = []
    macros: dict[str, tuple[tuple[str, Value], ...]] = {}
    for place in places:
        try:
            if place.startswith(prefix):
                text = repo.read_text(place[len(prefix) :])
            else:
                text = repo.tree.read_text(place)
        except Unreadable as exc:
            errors.append((place, str(exc)))
            continue
        parsed = parse_gitattributes(text, place, macros)
        macros.update(parsed.macros)
        files.append(parsed)
    attrs = GitAttributes(files, prefix)
    attrs.errors = errors
    return attrs
