"""The files of an audited tree: one walk that honours .gitignore, never enters .git, virtual
environments or node_modules, and never follows a symlink; reads are bounded and cached.

What git ignores is read the way git reads it: every `.gitignore` from the enclosing work tree's
root down (so a folder audited inside a bigger repo honours the repo's rules too), plus that
repo's `.git/info/exclude`; a `.gitignore` that is a symlink is not followed (git >= 2.32)."""

from __future__ import annotations

import bisect
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

log = logging.getLogger(__name__)

#: Text inputs larger than this are not parsed (a generated file, a data dump).
MAX_TEXT_BYTES = 4 * 1024 * 1024
#: How far git looks for a NUL byte when it decides whether a file is binary (xdiff's heuristic).
BINARY_SNIFF_BYTES = 8000
#: A file this small is read whole when sniffed, so the read that usually follows (a text scan
#: of every file) costs no second open.
_SNIFF_WHOLE_BYTES = 64 * 1024
#: Git LFS pointer files are smaller than this (git-lfs spec), and start with one of these lines.
LFS_POINTER_MAX_BYTES = 1024
LFS_POINTER_PREFIXES = (
    b"version https://git-lfs.github.com/spec/v1",
    b"version https://hawser.github.com/spec/v1",
)
_SKIP_DIRS = frozenset({".git", "node_modules", ".hg", ".svn"})

#: One ignore spec: (prefix of the walked path it applies below, text to put in front, spec).
_Spec = tuple[str, str, object]


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
    _names: list[str] = field(default_factory=list, init=False, repr=False, compare=False)

    def under(self, folder: str) -> list[str]:
        """The sorted paths of the files below `folder` (`.github/workflows/`), found by
        bisection: each Space asks, and a monorepo has tens of thousands of files."""
        if len(self._names) != len(self.files):
            self._names = sorted(self.files)
        names = self._names
        start = bisect.bisect_left(names, folder)
        end = start
        while end < len(names) and names[end].startswith(folder):
            end += 1
        return names[start:end]

    @classmethod
    def walk(cls, root: Path) -> Tree:
        tree = cls(root=root)
        tree._walk(root, "", _outer_specs(root))
        return tree

    def _walk(self, directory: Path, prefix: str, specs: list[_Spec]) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            self.skipped.append((prefix.rstrip("/") or ".", _reason(exc)))
            return
        names = {e.name for e in entries}
        if "pyvenv.cfg" in names and prefix:
            return  # a virtual environment
        if ".gitignore" in names:
            spec = _load_ignore(directory / ".gitignore")
            if isinstance(spec, str):
                self.skipped.append((prefix + ".gitignore", spec))
            elif spec is not None:
                specs = [*specs, (prefix, "", spec)]
        for entry in entries:
            rel = prefix + entry.name
            if entry.name == ".git":
                continue  # the repository itself, or a worktree's/submodule's `gitdir:` file
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

    def read_text(self, rel: str, limit: int = MAX_TEXT_BYTES) -> str:
        """Text of a walked file by its tree path (e.g. a `.gitattributes` above a Space)."""
        info = self.files.get(rel)
        if info is None:
            raise Unreadable("no such file")
        return _decode(_read(self.root / PurePosixPath(rel), info.size, limit))

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


def _ignored(specs: list[_Spec], rel: str, is_dir: bool) -> bool:
    ignored = False
    for base, lead, spec in specs:
        sub = lead + rel[len(base) :]
        if is_dir:
            sub += "/"
        result = spec.check_file(sub)  # type: ignore[attr-defined]
        if result.include is not None:
            ignored = bool(result.include)
    return ignored


def _load_ignore(path: Path) -> object | str | None:
    """The spec of one ignore file; None when there is none to read (a symlink: git does not
    follow those), or the reason it could not be read."""
    import pathspec

    try:
        if path.is_symlink() or not path.is_file():
            return None
        lines = path.read_text("utf-8", errors="replace").splitlines()
    except OSError as exc:
        return _reason(exc)
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _outer_specs(root: Path) -> list[_Spec]:
    """Ignore rules that apply to `root` from outside it: `.git/info/exclude` of the enclosing
    repository and the `.gitignore` files of the folders between that repository's root and
    `root`. A folder those rules ignore as a whole is audited on its own terms instead (someone
    pointed spacedoctor at it on purpose), so then they are dropped."""
    try:
        here = root.resolve()
    except (OSError, RuntimeError):
        return []
    chain = [here, *here.parents]
    top = next((d for d in chain if (d / ".git").exists()), None)
    if top is None:
        return []
    specs: list[_Spec] = []
    candidates: list[tuple[Path, Path]] = []
    if (top / ".git").is_dir():
        candidates.append((top, top / ".git" / "info" / "exclude"))
    candidates.extend((d, d / ".gitignore") for d in reversed(chain[1 : chain.index(top) + 1]))
    for folder, path in candidates:
        spec = _load_ignore(path)
        if spec is None or isinstance(spec, str):
            continue
        lead = "" if folder == here else here.relative_to(folder).as_posix() + "/"
        if lead and _ignored([("", "", spec)], lead.rstrip("/"), True):
            return []  # the audited folder itself is ignored there
        specs.append(("", lead, spec))
    return specs


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
        self._root = os.fspath(self.root)  # joined as strings: pathlib per read is costly
        self._files: dict[str, RepoFile] = {}
        if not prefix and not exclude:
            self._files = dict(tree.files)
        else:
            # Only the paths below the prefix, found by bisection: a monorepo of 50 Spaces
            # would otherwise scan every file of the tree once per Space.
            files = tree.files
            for rel in tree.under(prefix) if prefix else files:
                if exclude and rel.startswith(exclude):
                    continue
                sub = rel[len(prefix) :]
                self._files[sub] = RepoFile(sub, files[rel].size)
        self._text: dict[str, str] = {}
        self._binary: dict[str, bool] = {}
        self._sniffed: tuple[str, bytes] | None = None  # the last file read whole by is_binary

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

    def _fs(self, rel: str) -> str:
        return os.path.join(self._root, rel)

    def read_bytes(self, rel: str, limit: int = MAX_TEXT_BYTES) -> bytes:
        info = self._files.get(rel)
        if info is None:
            raise Unreadable("no such file")
        sniffed = self._sniffed
        if sniffed is not None and sniffed[0] == rel:
            self._sniffed = None
            if info.size <= limit and len(sniffed[1]) <= limit:
                return sniffed[1]
        try:
            return _read(self._fs(rel), info.size, limit)
        except Unreadable as exc:
            self._passed_over(rel, exc)
            raise

    def read_text(self, rel: str, limit: int = MAX_TEXT_BYTES) -> str:
        """Text of a file, decoded as UTF-8; binary or undecodable content is Unreadable."""
        cached = self._text.get(rel)
        if cached is not None:
            return cached
        try:
            text = _decode(self.read_bytes(rel, limit))
        except Unreadable as exc:
            self._passed_over(rel, exc)
            raise
        self._text[rel] = text
        return text

    def _passed_over(self, rel: str, exc: Unreadable) -> None:
        """Record a file a parser needed but could not read (too large, not UTF-8, an I/O
        error) with the tree's skips, so the report says what went unread and why. Binary
        files are not listed: they are not text inputs, and every image would be noise."""
        reason = str(exc)
        if reason.startswith("binary file"):
            return
        path = self.prefix + rel
        if all(skipped != path for skipped, _ in self.tree.skipped):
            self.tree.skipped.append((path, reason))  # the first reason a file went unread

    def head(self, rel: str, n: int = 8192) -> bytes:
        """The first `n` bytes of a file, or b'' if it cannot be read."""
        sniffed = self._sniffed
        if sniffed is not None and sniffed[0] == rel and len(sniffed[1]) < _SNIFF_WHOLE_BYTES:
            return sniffed[1][:n]  # the whole file, read a moment ago
        try:
            with open(self._fs(rel), "rb") as fh:
                return fh.read(n)
        except OSError:
            return b""

    def is_binary(self, rel: str) -> bool:
        """Whether git would call the file binary: a NUL byte in its first 8000 bytes."""
        cached = self._binary.get(rel)
        if cached is None:
            info = self._files.get(rel)
            if not info or not info.size:
                cached = False
            elif info.size < _SNIFF_WHOLE_BYTES:
                data = self.head(rel, _SNIFF_WHOLE_BYTES)
                cached = b"\x00" in data[:BINARY_SNIFF_BYTES]
                if not cached and len(data) < _SNIFF_WHOLE_BYTES:
                    self._sniffed = (rel, data)
            else:
                cached = b"\x00" in self.head(rel, BINARY_SNIFF_BYTES)
            self._binary[rel] = cached
        return cached

    def is_lfs_pointer(self, rel: str) -> bool:
        """Whether the file is a Git LFS pointer (what a checkout without git-lfs leaves)."""
        info = self._files.get(rel)
        # the version line, an `oid sha256:<64 hex>` line and a size line: never under 100 bytes
        if info is None or not 100 <= info.size < LFS_POINTER_MAX_BYTES:
            return False
        head = self.head(rel, LFS_POINTER_MAX_BYTES)
        return head.startswith(LFS_POINTER_PREFIXES) and b"\noid sha256:" in head


def _read(path: str | Path, size: int, limit: int) -> bytes:
    if size > limit:
        raise Unreadable(f"too large to parse ({size} bytes)")
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise Unreadable(_reason(exc)) from None
    if len(data) > limit:
        raise Unreadable(f"too large to parse (over {limit} bytes)")
    return data


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise Unreadable("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"not UTF-8 text (bad byte at offset {exc.start})") from None
