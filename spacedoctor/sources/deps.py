"""The dependencies a Space declares, each parsed once with its line: requirements.txt and
pre-requirements.txt (with `-r`/`-c` includes inside the Space), pyproject.toml
[project.dependencies], packages.txt, and `pip install` commands in Dockerfile RUN lines.

Requirement lines follow pip's requirements-file format: comments, backslash continuations,
option lines (`--extra-index-url`, `-r`, `-c`, `-e`, ...), per-line options (`--hash`), direct
references (`name @ url`, `git+https://...`, bare URLs and paths). Each entry is parsed with
`packaging` (PEP 508). Nothing here raises on bad input: an unparsable line is recorded with
its line and the reason.

`install_plan(ctx)` answers what a Space's build will install: the requirement files the
platform (Gradio SDK) or the Dockerfile uses, the packages the platform preinstalls, and
whether that picture is complete (False when the build installs from something unread).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from packaging.markers import InvalidMarker, Marker, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PepRequirement
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from spacedoctor.sources.deps_data import GRADIO_PREINSTALLED, canonical
from spacedoctor.sources.repo import RepoFiles, Unreadable

if TYPE_CHECKING:
    from spacedoctor.sources.space import SpaceContext

REQUIREMENTS = "requirements.txt"
PRE_REQUIREMENTS = "pre-requirements.txt"
PACKAGES = "packages.txt"
PYPROJECT = "pyproject.toml"
MAX_INCLUDE_DEPTH = 10


@dataclass(frozen=True)
class Requirement:
    """One dependency: a requirement line, a pyproject entry or a `pip install` argument."""

    path: str
    line: int
    text: str  # as written, without comment and per-line options
    name: str | None  # canonical (PEP 503); None when it cannot be known (a bare path/URL)
    specifier: SpecifierSet = field(default_factory=SpecifierSet)
    extras: frozenset[str] = frozenset()
    marker: Marker | None = None
    url: str | None = None
    editable: bool = False
    guessed: bool = False  # name taken from a URL's file or repository name
    constraint: bool = False  # from a `-c` constraints file: pins, installs nothing

    @property
    def pinned(self) -> Version | None:
        """The exact version of a `==X` / `===X` pin (no wildcard), else None."""
        specs = list(self.specifier)
        for s in specs:
            if s.operator in ("==", "===") and not s.version.endswith(".*"):
                try:
                    return Version(s.version)
                except InvalidVersion:
                    return None
        return None

    @property
    def unversioned(self) -> bool:
        """A registry requirement with no version constraint at all (`torch`)."""
        return self.url is None and not self.editable and not list(self.specifier)

    def applies(self, python: str | None = None) -> bool:
        """Whether the marker (if any) holds on Linux with the given Python (`3.13`); without
        a Python version every requirement counts as applying."""
        if self.marker is None or python is None:
            return True
        env = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"}
        env["python_version"] = ".".join(python.split(".")[:2])
        env["python_full_version"] = python if python.count(".") >= 2 else python + ".0"
        try:
            return bool(self.marker.evaluate(env))
        except (UndefinedEnvironmentName, InvalidMarker, ValueError, TypeError):
            return True


@dataclass(frozen=True)
class Option:
    """A pip option line such as `--extra-index-url URL` (long name, value or None)."""

    path: str
    line: int
    name: str
    value: str | None


@dataclass(frozen=True)
class Include:
    """`-r other.txt` / `-c constraints.txt`; `resolved` is the Space path, None if not in it."""

    path: str
    line: int
    constraint: bool
    target: str
    resolved: str | None


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    text: str
    reason: str


@dataclass
class RequirementsFile:
    path: str
    requirements: list[Requirement] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None  # the file could not be read


# pip's option names, short -> long; options that take a value.
_SHORT = {
    "-r": "--requirement",
    "-c": "--constraint",
    "-e": "--editable",
    "-i": "--index-url",
    "-f": "--find-links",
}
_VALUE_OPTIONS = frozenset(
    {
        "--requirement",
        "--constraint",
        "--editable",
        "--index-url",
        "--extra-index-url",
        "--find-links",
        "--trusted-host",
        "--no-binary",
        "--only-binary",
        "--use-feature",
        "--config-settings",
        "--global-option",
        "--hash",
        "--progress-bar",
    }
)
_COMMENT = re.compile(r"(^|\s+)#.*$")
_PER_LINE_OPTION = re.compile(r"\s+--(hash|config-settings|global-option|install-option)(=|\s+)\S+")
_WHEEL = re.compile(r"^(?P<name>[A-Za-z0-9_.]+?)-\d[^-]*(-[^-]+)?-[^-]+-[^-]+-[^-]+\.whl$")
_SDIST = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+?)-\d[A-Za-z0-9_.+!-]*\.(tar\.gz|zip|tar\.bz2)$")
_EGG = re.compile(r"[#&]egg=(?P<name>[A-Za-z0-9_.-]+)")


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, joined text) with pip's continuation rule: a line ending in a
    backslash continues on the next, unless it is a comment."""
    parts: list[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.endswith("\\") or _COMMENT.match(line):
            if _COMMENT.match(line):
                line = " " + line
            if parts:
                parts.append(line)
                yield first, "".join(parts)
                parts = []
            else:
                yield number, line
        else:
            if not parts:
                first = number
            parts.append(line[:-1])
    if parts:
        yield first, "".join(parts)


def _split_option(text: str) -> tuple[str, str | None]:
    """`-r x.txt` / `-rx.txt` / `--requirement=x.txt` -> ("--requirement", "x.txt")."""
    head, _, rest = text.partition(" ")
    rest = rest.strip()
    if head.startswith("--"):
        name, eq, value = head.partition("=")
        if eq:
            return name, (value + (" " + rest if rest else "")).strip() or None
        return name, rest or None
    short = head[:2]
    long = _SHORT.get(short, head)
    inline = head[2:]
    if inline.startswith("="):
        inline = inline[1:]
    if inline:
        return long, (inline + (" " + rest if rest else "")).strip()
    return long, rest or None


def parse_requirement(
    text: str, path: str, line: int, *, editable: bool = False
) -> Requirement | Problem:
    """One requirement specifier (PEP 508, or a pip URL/path form) -> Requirement."""
    text = text.strip()
    if (
        re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text)
        or text.startswith(("git+", "git@"))
        or _is_path(text)
    ):
        return _url_requirement(text, path, line, editable)
    try:
        req = PepRequirement(text)
    except InvalidRequirement as exc:
        return Problem(path, line, text, str(exc).splitlines()[0])
    return Requirement(
        path=path,
        line=line,
        text=text,
        name=canonical(req.name),
        specifier=req.specifier,
        extras=frozenset(canonical(e) for e in req.extras),
        marker=req.marker,
        url=req.url,
        editable=editable,
    )


def _is_path(text: str) -> bool:
    return (
        text in (".", "..")
        or text.startswith(("./", "../", "/", "~"))
        or text.endswith((".whl", ".tar.gz", ".zip"))
    )


def _url_requirement(text: str, path: str, line: int, editable: bool) -> Requirement:
    marker: Marker | None = None
    url = text
    if ";" in text:
        url, _, marker_text = text.partition(";")
        url = url.strip()
        try:
            marker = Marker(marker_text.strip())
        except InvalidMarker:
            marker = None
    name: str | None = None
    egg = _EGG.search(url)
    if egg:
        name = canonical(egg.group("name").split("[")[0])
        return Requirement(path, line, text, name, marker=marker, url=url, editable=editable)
    base = url.split("#", 1)[0].split("?", 1)[0]
    if base.startswith(("git+", "git@")) or "github.com" in base or "gitlab.com" in base:
        repo = (
            base.rsplit("@", 1)[0]
            if base.count("@") > (1 if base.startswith("git@") else 0)
            else base
        )
        stem = repo.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
        if stem and not _is_path(text):
            name = canonical(stem)
        return Requirement(
            path, line, text, name, marker=marker, url=url, editable=editable, guessed=True
        )
    filename = base.rstrip("/").rsplit("/", 1)[-1]
    m = _WHEEL.match(filename) or _SDIST.match(filename)
    if m:
        name = canonical(m.group("name"))
    return Requirement(
        path, line, text, name, marker=marker, url=url, editable=editable, guessed=name is not None
    )


def parse_requirements_text(
    text: str,
    path: str,
    resolve: Callable[[str], str | None] | None = None,
    constraint: bool = False,
) -> RequirementsFile:
    """Parse one requirements file. `resolve` maps an include target to a Space path."""
    out = RequirementsFile(path)
    for line, raw in logical_lines(text):
        stripped = _COMMENT.sub("", raw).strip()
        if not stripped:
            continue
        if stripped.startswith("-"):
            name, value = _split_option(stripped)
            if name in ("--requirement", "--constraint"):
                if value is None:
                    out.problems.append(Problem(path, line, stripped, f"{name} needs a file name"))
                    continue
                target = value.split()[0]
                resolved = resolve(target) if resolve else None
                out.includes.append(Include(path, line, name == "--constraint", target, resolved))
            elif name == "--editable":
                if value is None:
                    out.problems.append(
                        Problem(path, line, stripped, "--editable needs a path or URL")
                    )
                    continue
                parsed = parse_requirement(value, path, line, editable=True)
                if isinstance(parsed, Problem):
                    out.problems.append(parsed)
                else:
                    out.requirements.append(parsed)
            else:
                out.options.append(Option(path, line, name, value))
            continue
        spec = _PER_LINE_OPTION.sub("", stripped).strip()
        parsed = parse_requirement(spec, path, line)
        if isinstance(parsed, Problem):
            out.problems.append(parsed)
        else:
            if constraint:
                parsed = replace(parsed, constraint=True)
            out.requirements.append(parsed)
    return out


# ---------------------------------------------------------------------------------------------
# packages.txt


@dataclass(frozen=True)
class AptLine:
    path: str
    line: int
    text: str  # the line without comment, stripped
    words: tuple[str, ...]


def parse_packages_text(text: str, path: str = PACKAGES) -> list[AptLine]:
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        words = re.split(r"\s+#", stripped, maxsplit=1)[0].split()
        out.append(AptLine(path, number, stripped, tuple(words)))
    return out


# ---------------------------------------------------------------------------------------------
# pyproject.toml


def parse_pyproject_text(text: str, path: str = PYPROJECT) -> RequirementsFile:
    """[project.dependencies] of a pyproject.toml; the line of each entry is found in the text."""
    import tomllib

    out = RequirementsFile(path)
    try:
        doc = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        out.error = f"not valid TOML: {exc}"
        return out
    project = doc.get("project")
    deps = project.get("dependencies") if isinstance(project, dict) else None
    if not isinstance(deps, list):
        return out
    lines = text.splitlines()
    start = 0
    for idx, raw in enumerate(lines):
        if re.match(r"^\s*dependencies\s*=", raw):
            start = idx
            break
    cursor = start
    for dep in deps:
        if not isinstance(dep, str):
            continue
        line = start + 1
        for idx in range(cursor, len(lines)):
            if f'"{dep}"' in lines[idx] or f"'{dep}'" in lines[idx]:
                line, cursor = idx + 1, idx
                break
        parsed = parse_requirement(dep, path, line)
        if isinstance(parsed, Problem):
            out.problems.append(parsed)
        else:
            out.requirements.append(parsed)
    return out


# ---------------------------------------------------------------------------------------------
# pip install commands (Dockerfile RUN lines)


@dataclass
class PipInstall:
    """What one `pip install ...` command installs."""

    packages: list[str] = field(default_factory=list)
    requirement_files: list[str] = field(default_factory=list)
    constraint_files: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)  # `.`, `-e .`, ./path: a local project
    options: list[tuple[str, str]] = field(default_factory=list)  # (long name, value)


@dataclass
class InstallCommands:
    pips: list[PipInstall] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # conda/poetry/uv sync/...: installers not read
    unparsable: bool = False


_PIP_VALUE_OPTS = frozenset(
    {
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--src",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--trusted-host",
        "--cache-dir",
        "--progress-bar",
        "--upgrade-strategy",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--cert",
        "--client-cert",
        "--only-binary",
        "--no-binary",
        "--config-settings",
        "-C",
        "--global-option",
        "--report",
        "--python",
        "-p",
        "--index-strategy",
        "--extra-index",
        "--default-index",
    }
)
_OTHER_INSTALLERS = re.compile(r"^(conda|mamba|micromamba|poetry|pipenv|pdm|hatch|pipx)$")


def parse_install_commands(command: str) -> InstallCommands:
    """Find pip/uv-pip installs (and installers this module does not read) in a shell command."""
    out = InstallCommands()
    for segment in re.split(r"&&|\|\||;|\||\n", command):
        try:
            words = shlex.split(segment, comments=True)
        except ValueError:
            if "install" in segment:
                out.unparsable = True
            continue
        while words and ("=" in words[0] and not words[0].startswith("-")):
            words = words[1:]  # VAR=value prefixes
        while words and words[0] in ("sudo", "env", "exec", "time", "then", "do", "else", "{", "("):
            words = words[1:]
        if not words:
            continue
        prog = posixpath.basename(words[0])
        rest = words[1:]
        if re.fullmatch(r"python[0-9.]*", prog) and rest[:2] == ["-m", "pip"]:
            rest = rest[2:]
        elif (
            re.fullmatch(r"python[0-9.]*", prog)
            and rest[:2] == ["-m", "uv"]
            and rest[2:3] == ["pip"]
        ):
            rest = rest[3:]
        elif prog == "uv" and rest[:1] == ["pip"]:
            rest = rest[1:]
        elif prog == "uv" and rest[:1] in (["sync"], ["add"]):
            out.other.append(f"uv {rest[0]}")
            continue
        elif re.fullmatch(r"pip[0-9.]*", prog):
            pass
        else:
            if _OTHER_INSTALLERS.match(prog) and any(
                w in ("install", "add", "sync", "create", "env") for w in rest
            ):
                out.other.append(prog)
            continue
        if rest[:1] != ["install"]:
            continue
        out.pips.append(_pip_args(rest[1:]))
    return out


def _pip_args(args: list[str]) -> PipInstall:
    pip = PipInstall()
    i = 0
    while i < len(args):
        word = args[i]
        i += 1
        if word.startswith("-") and word != "-":
            name, value = word, None
            if word.startswith("--") and "=" in word:
                name, value = word.split("=", 1)
            elif (
                not word.startswith("--")
                and len(word) > 2
                and word[:2] in ("-r", "-c", "-e", "-i", "-f")
            ):
                name, value = word[:2], word[2:]
            if name in _PIP_VALUE_OPTS and value is None and i < len(args):
                value = args[i]
                i += 1
            long = _SHORT.get(name, name)
            if long == "--requirement" and value:
                pip.requirement_files.append(value)
            elif long == "--constraint" and value:
                pip.constraint_files.append(value)
            elif long == "--editable" and value:
                (pip.local if _is_path(value) else pip.packages).append(value)
            elif value is not None:
                pip.options.append((long, value))
            continue
        if _is_path(word) and not word.endswith((".whl", ".tar.gz", ".zip")):
            pip.local.append(word)
        else:
            pip.packages.append(word)
    return pip


# ---------------------------------------------------------------------------------------------
# the Space's files


class Deps:
    """The dependency files of one Space, each parsed once on first use."""

    def __init__(self, repo: RepoFiles) -> None:
        self.repo = repo
        self._files: dict[str, RequirementsFile] = {}
        self._pyproject: RequirementsFile | bool | None = False
        self._packages: list[AptLine] | bool | None = False

    def exists(self, rel: str) -> bool:
        return rel in self.repo

    def requirements_file(self, rel: str, constraint: bool = False) -> RequirementsFile | None:
        """The parsed file at `rel` (a Space path), None when the Space has no such file."""
        if rel not in self.repo:
            return None
        cached = self._files.get(rel)
        if cached is not None:
            return cached
        try:
            text = self.repo.read_text(rel)
        except Unreadable as exc:
            parsed = RequirementsFile(rel, error=str(exc))
        else:
            base = posixpath.dirname(rel)

            def resolve(target: str) -> str | None:
                if "$" in target or target.startswith(("/", "http://", "https://")):
                    return None
                joined = posixpath.normpath(posixpath.join(base, target))
                return joined if joined in self.repo and not joined.startswith("..") else None

            parsed = parse_requirements_text(text, rel, resolve, constraint)
        self._files[rel] = parsed
        return parsed

    def with_includes(self, rel: str) -> tuple[list[RequirementsFile], list[Include]]:
        """The file and every file it includes (transitively), and the includes not in the Space."""
        files: list[RequirementsFile] = []
        missing: list[Include] = []
        seen: set[str] = set()

        def walk(path: str, constraint: bool, depth: int) -> None:
            if path in seen or depth > MAX_INCLUDE_DEPTH:
                return
            seen.add(path)
            parsed = self.requirements_file(path, constraint)
            if parsed is None:
                return
            files.append(parsed)
            for inc in parsed.includes:
                if inc.resolved is None:
                    missing.append(inc)
                else:
                    walk(inc.resolved, constraint or inc.constraint, depth + 1)

        walk(rel, False, 0)
        return files, missing

    @property
    def pyproject(self) -> RequirementsFile | None:
        if self._pyproject is False:
            self._pyproject = None
            if PYPROJECT in self.repo:
                try:
                    self._pyproject = parse_pyproject_text(self.repo.read_text(PYPROJECT))
                except Unreadable as exc:
                    self._pyproject = RequirementsFile(PYPROJECT, error=str(exc))
        assert not isinstance(self._pyproject, bool)
        return self._pyproject

    @property
    def packages(self) -> list[AptLine] | None:
        """packages.txt at the Space root (None when absent or unreadable)."""
        if self._packages is False:
            self._packages = None
            if PACKAGES in self.repo:
                try:
                    self._packages = parse_packages_text(self.repo.read_text(PACKAGES))
                except Unreadable:
                    self._packages = None
        assert not isinstance(self._packages, bool)
        return self._packages


# ---------------------------------------------------------------------------------------------
# what the build installs


@dataclass
class InstallPlan:
    """What a Space's build installs, as far as the audit can tell."""

    how: str  # "gradio" (the SDK installs requirements.txt), "docker", or "unknown"
    files: list[RequirementsFile] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)  # files + inline + pyproject
    preinstalled: frozenset[str] = frozenset()
    complete: bool = True
    incomplete: str | None = None  # why not complete
    target: str | None = REQUIREMENTS  # the requirements file a user adds a package to

    @property
    def options(self) -> list[Option]:
        return [o for f in self.files for o in f.options]

    def named(self, name: str, python: str | None = None) -> list[Requirement]:
        """Installing (non-constraint) requirements for canonical `name` whose markers hold."""
        return [
            r
            for r in self.requirements
            if r.name == name and not r.constraint and r.applies(python)
        ]

    def mark_incomplete(self, reason: str) -> None:
        if self.complete:
            self.complete = False
            self.incomplete = reason


def _add_files(plan: InstallPlan, deps: Deps, rel: str) -> None:
    files, missing = deps.with_includes(rel)
    for f in files:
        if f not in plan.files:
            plan.files.append(f)
            plan.requirements.extend(f.requirements)
            if f.error:
                plan.mark_incomplete(f"{f.path} cannot be read: {f.error}")
    for inc in missing:
        plan.mark_incomplete(
            f"{inc.path}:{inc.line} includes {inc.target}, which is not in the Space"
        )


def build_plan(ctx: SpaceContext) -> InstallPlan:
    deps = space_deps(ctx)
    sdk = ctx.sdk
    if sdk == "gradio":
        plan = InstallPlan("gradio", preinstalled=frozenset(GRADIO_PREINSTALLED))
        for rel in (PRE_REQUIREMENTS, REQUIREMENTS):
            if deps.exists(rel):
                _add_files(plan, deps, rel)
        return plan
    if sdk == "docker":
        return _docker_plan(ctx, deps)
    plan = InstallPlan("unknown")
    plan.mark_incomplete(f"sdk is {sdk}" if sdk else "the Space's sdk is unknown")
    if deps.exists(REQUIREMENTS):
        _add_files(plan, deps, REQUIREMENTS)
    return plan


def _docker_plan(ctx: SpaceContext, deps: Deps) -> InstallPlan:
    plan = InstallPlan("docker", target=None)
    try:
        image = ctx.dockerfile
    except NotImplementedError:
        image = None
        plan.mark_incomplete("the Dockerfile model is not available")
    if image is None or image.error is not None:
        plan.mark_incomplete("no parsable Dockerfile")
        # Most Docker Spaces install requirements.txt; the text checks still read it.
        if deps.exists(REQUIREMENTS):
            _add_files(plan, deps, REQUIREMENTS)
            plan.target = REQUIREMENTS
        return plan
    first_from = next((i for i in image.instructions if i.cmd == "FROM"), None)
    if first_from is not None and not _plain_base(first_from.args[0] if first_from.args else ""):
        plan.mark_incomplete(
            f"base image {first_from.args[0] if first_from.args else '?'} may ship Python packages"
        )
    targets: list[str] = []
    for ins in image.instructions:
        if ins.cmd != "RUN":
            continue
        for text in (*ins.args, *ins.heredocs):
            cmds = parse_install_commands(expand_vars(text, ins.env))
            if cmds.unparsable:
                plan.mark_incomplete(f"Dockerfile:{ins.line} has a RUN line that cannot be read")
            for other in cmds.other:
                plan.mark_incomplete(f"Dockerfile:{ins.line} installs with {other}")
            for pip in cmds.pips:
                for f in [*pip.requirement_files, *pip.constraint_files]:
                    rel = _image_to_repo(f, ins.workdir, deps)
                    if rel is None:
                        plan.mark_incomplete(
                            f"Dockerfile:{ins.line} installs from {f}, not found in the Space"
                        )
                    else:
                        _add_files(plan, deps, rel)
                        if f in pip.requirement_files and rel not in targets:
                            targets.append(rel)
                for local in pip.local:
                    rel = _image_to_repo(
                        local.rstrip("/") or ".", ins.workdir, deps, directory=True
                    )
                    project = deps.pyproject if rel in ("", ".") else None
                    if project is None or project.error:
                        plan.mark_incomplete(
                            f"Dockerfile:{ins.line} installs the local project {local}"
                        )
                    else:
                        plan.files.append(project)
                        plan.requirements.extend(project.requirements)
                for spec in pip.packages:
                    if "$" in spec:
                        plan.mark_incomplete(f"Dockerfile:{ins.line} installs {spec}")
                        continue
                    parsed = parse_requirement(spec, image.path, ins.line)
                    if isinstance(parsed, Requirement):
                        plan.requirements.append(parsed)
                    else:
                        plan.mark_incomplete(f"Dockerfile:{ins.line} installs {spec}")
                for name, value in pip.options:
                    # index options given on the command line count like option lines
                    plan_file = RequirementsFile(
                        image.path, options=[Option(image.path, ins.line, name, value)]
                    )
                    plan.files.append(plan_file)
    # A start script may install packages at runtime: what scripts in the Space install counts.
    for rel in deps.repo.with_suffix(".sh"):
        try:
            script = deps.repo.read_text(rel)
        except Unreadable:
            continue
        if "install" in script or "uv sync" in script:
            _add_commands(plan, deps, parse_install_commands(script), rel, "/", script)
    if len(targets) == 1:
        plan.target = targets[0]
    return plan


def _add_commands(
    plan: InstallPlan, deps: Deps, cmds: InstallCommands, where: str, workdir: str, text: str
) -> None:
    """Count what a shell script installs; anything unreadable makes the plan incomplete."""
    lines = text.splitlines()
    if cmds.unparsable or cmds.other:
        plan.mark_incomplete(f"{where} installs packages in a way the audit cannot read")
    for pip in cmds.pips:
        for f in [*pip.requirement_files, *pip.constraint_files]:
            rel = _image_to_repo(f, workdir, deps)
            if rel is None:
                plan.mark_incomplete(f"{where} installs from {f}, not found in the Space")
            else:
                _add_files(plan, deps, rel)
        if pip.local:
            plan.mark_incomplete(f"{where} installs a local project")
        for spec in pip.packages:
            line = next((i + 1 for i, t in enumerate(lines) if spec in t), 1)
            parsed = parse_requirement(spec, where, line) if "$" not in spec else None
            if isinstance(parsed, Requirement):
                plan.requirements.append(parsed)
            else:
                plan.mark_incomplete(f"{where} installs {spec}")


_VAR = re.compile(r"\$\{(?P<braced>\w+)(?::?-(?P<default>[^}]*))?\}|\$(?P<bare>[A-Za-z_]\w*)")


def expand_vars(text: str, env: Mapping[str, str]) -> str:
    """Substitute `$VAR`, `${VAR}` and `${VAR:-default}` from the ARG/ENV values in effect;
    unknown variables stay as written (and make what uses them unreadable)."""

    def sub(m: re.Match[str]) -> str:
        name = m.group("braced") or m.group("bare")
        if name in env:
            return env[name]
        default = m.group("default")
        return default if default is not None else m.group(0)

    return _VAR.sub(sub, text)


_PLAIN_BASES = re.compile(
    r"^(docker\.io/)?(library/)?(python|debian|ubuntu|alpine|buildpack-deps)(:|@|$)"
    r"|^(docker\.io/)?nvidia/cuda(:|@|$)"
    r"|^(ghcr\.io/astral-sh/uv)(:|@|$)"
)


def _plain_base(image: str) -> bool:
    """A base image that ships no third-party Python packages."""
    return bool(_PLAIN_BASES.match(image.strip().lower())) or image.strip().lower() == "scratch"


def _image_to_repo(path: str, workdir: str, deps: Deps, directory: bool = False) -> str | None:
    """Best guess of the Space file an image path came from: the path relative to WORKDIR,
    or relative to the Space root, when such a file exists in the Space."""
    if "$" in path:
        return None
    candidates = []
    p = posixpath.normpath(path)
    if p.startswith("/"):
        wd = posixpath.normpath(workdir or "/")
        if wd != "/" and (p == wd or p.startswith(wd + "/")):
            candidates.append(posixpath.relpath(p, wd))
    else:
        candidates.append(p)
    for c in candidates:
        if directory and c in (".", ""):
            return "."
        if c in deps.repo:
            return c
    return None


def space_deps(ctx: SpaceContext) -> Deps:
    """The Space's dependency files, parsed once per context (SpaceContext.deps)."""
    return ctx.deps


def install_plan(ctx: SpaceContext) -> InstallPlan:
    """What the Space's build installs, computed once per context (SpaceContext.install_plan)."""
    return ctx.install_plan


def lower_bound_at_least(spec: SpecifierSet, bound: str) -> bool:
    """True when `spec` admits no version below `bound` (some clause sets the floor there)."""
    floor = Version(bound)
    for s in spec:
        raw = s.version.removesuffix(".*")
        try:
            v = Version(raw)
        except InvalidVersion:
            continue
        if s.operator in (">=", "~=", "==", "===") and v >= floor:
            return True
        if s.operator == ">" and v >= floor:
            return True
    return False


def upper_bound_at_most(spec: SpecifierSet, bound: str) -> bool:
    """True when `spec` admits no version at or above `bound`."""
    ceiling = Version(bound)
    for s in spec:
        raw = s.version.removesuffix(".*")
        try:
            v = Version(raw)
        except InvalidVersion:
            continue
        if s.operator == "<" and v <= ceiling:
            return True
        if s.operator == "<=" and v < ceiling:
            return True
        if s.operator in ("==", "===") and not s.version.endswith(".*") and v < ceiling:
            return True
        if s.operator == "==" and s.version.endswith(".*") and _wild_below(raw, ceiling):
            return True
        if s.operator == "~=" and _compatible_below(v, ceiling):
            return True
    return False


def _wild_below(prefix: str, ceiling: Version) -> bool:
    # ==4.* admits everything below 5; compare the bumped prefix with the ceiling
    parts = [int(x) for x in prefix.split(".") if x.isdigit()]
    if not parts:
        return False
    parts[-1] += 1
    return Version(".".join(map(str, parts))) <= ceiling


def _compatible_below(v: Version, ceiling: Version) -> bool:
    release = list(v.release)
    if len(release) < 2:
        return False
    top = release[:-1]
    top[-1] += 1
    return Version(".".join(map(str, top))) <= ceiling


def spec_text(spec: SpecifierSet) -> str:
    return str(spec) or "(any version)"


__all__ = [
    "AptLine",
    "Deps",
    "Include",
    "InstallPlan",
    "Option",
    "PipInstall",
    "Problem",
    "Requirement",
    "RequirementsFile",
    "expand_vars",
    "install_plan",
    "logical_lines",
    "lower_bound_at_least",
    "parse_install_commands",
    "parse_packages_text",
    "parse_pyproject_text",
    "parse_requirement",
    "parse_requirements_text",
    "space_deps",
    "upper_bound_at_most",
]
