"""The files of an audited tree: one walk that honours .gitignore, never enters .git, virtual
environments or node_modules, and never follows a symlink; reads are bounded and cached."""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

log = logging.getLogger(__name__)

#: Text inputs larger than this are not parsed (a generated file, a data dump).
MAX_TEXT_BYTES = 4 * 1024 * 1024
_SKIP_DIRS = frozenset({".git", "node_modules", ".hg", ".svn"})


class Unreadable(Exception):
    """A file the audit needed could not be read as text; the message says why, in a few words."""


@dataclass(frozen=True)
class RepoFile:
    rel: str  # posix path relative to the walked root
    size: int


@dataclass
class Tree:
    """Every file under `root` that git would see, plus what was passed over and why."""

    root: Path
    files: dict[str, RepoFile] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def walk(cls, root: Path) -> Tree:
        tree = cls(root=root)
        tree._walk(root, "", [])
        return tree

    def _walk(self, directory: Path, prefix: str, specs: list[tuple[str, object]]) -> None:
        import pathspec

        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            self.skipped.append((prefix.rstrip("/") or ".", _reason(exc)))
            return
        names = {e.name for e in entries}
        if "pyvenv.cfg" in names and prefix:
            return  # a virtual environment
        if ".gitignore" in names:
            try:
                lines = (directory / ".gitignore").read_text("utf-8", errors="replace").splitlines()
                specs = [*specs, (prefix, pathspec.GitIgnoreSpec.from_lines(lines))]
            except OSError as exc:
                self.skipped.append((prefix + ".gitignore", _reason(exc)))
        for entry in entries:
            rel = prefix + entry.name
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                self.skipped.append((rel, _reason(exc)))
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            if _ignored(specs, rel, is_dir):
                continue
            if stat.S_ISLNK(st.st_mode):
                self._link(entry, rel)
            elif is_dir:
                if entry.name not in _SKIP_DIRS:
                    self._walk(Path(entry.path), rel + "/", specs)
            elif stat.S_ISREG(st.st_mode):
                self.files[rel] = RepoFile(rel, st.st_size)
            else:
                self.skipped.append((rel, "not a regular file"))

    def _link(self, entry: os.DirEntry[str], rel: str) -> None:
        try:
            target = Path(entry.path).resolve(strict=True)
        except (OSError, RuntimeError):
            self.skipped.append((rel, "broken or looping symlink"))
            return
        try:
            target.relative_to(self.root.resolve())
        except ValueError:
            self.skipped.append((rel, "symlink points outside the repo"))


def _ignored(specs: list[tuple[str, object]], rel: str, is_dir: bool) -> bool:
    ignored = False
    for base, spec in specs:
        sub = rel[len(base) :]
        if is_dir:
            sub += "/"
        result = spec.check_file(sub)  # type: ignore[attr-defined]
        if result.include is not None:
            ignored = bool(result.include)
    return ignored


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or type(exc).__name__


class RepoFiles:
    """The files of one Space: a view of a Tree below `prefix`, minus nested Spaces."""

    def __init__(self, tree: Tree, prefix: str, exclude: tuple[str, ...] = ()) -> None:
        self.tree = tree
        self.prefix = prefix  # "" or "sub/dir/"
        self.root = tree.root / prefix if prefix else tree.root
        self._files: dict[str, RepoFile] = {}
        for rel, f in tree.files.items():
            if not rel.startswith(prefix) or any(rel.startswith(x) for x in exclude):
                continue
            sub = rel[len(prefix) :]
            self._files[sub] = RepoFile(sub, f.size)
        self._text: dict[str, str] = {}

    def __contains__(self, rel: object) -> bool:
        return rel in self._files

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._files.values())

    def __len__(self) -> int:
        return len(self._files)

    def get(self, rel: str) -> RepoFile | None:
        return self._files.get(rel)

    def names(self) -> list[str]:
        return sorted(self._files)

    def with_suffix(self, *suffixes: str) -> list[str]:
        return sorted(r for r in self._files if r.endswith(suffixes))

    def find(self, name: str) -> str | None:
        """The path of `name` matched case-sensitively at the root, e.g. 'Dockerfile'."""
        return name if name in self._files else None

    def path(self, rel: str) -> Path:
        return self.root / PurePosixPath(rel)

    def read_bytes(self, rel: str, limit: int = MAX_TEXT_BYTES) -> bytes:
        info = self._files.get(rel)
        if info is None:
            raise Unreadable("no such file")
        if info.size > limit:
            raise Unreadable(f"too large to parse ({info.size} bytes)")
        try:
            with open(self.path(rel), "rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            raise Unreadable(_reason(exc)) from None
        if len(data) > limit:
            raise Unreadable(f"too large to parse (over {limit} bytes)")
        return data

    def read_text(self, rel: str, limit: int = MAX_TEXT_BYTES) -> str:
        """Text of a file, decoded as UTF-8; binary or undecodable content is Unreadable."""
        cached = self._text.get(rel)
        if cached is not None:
            return cached
        data = self.read_bytes(rel, limit)
        if b"\x00" in data[:8192]:
            raise Unreadable("binary file (contains NUL bytes)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Unreadable(f"not UTF-8 text (bad byte at offset {exc.start})") from None
        self._text[rel] = text
        return text

    def head(self, rel: str, n: int = 8192) -> bytes:
        """The first `n` bytes of a file, or b'' if it cannot be read."""
        try:
            with open(self.path(rel), "rb") as fh:
                return fh.read(n)
        except OSError:
            return b""
