"""The Dockerfile of a Docker Space, parsed with the BuildKit parser (the `dockerfile` package)
into stages and instructions with ARG/ENV substituted, plus a model of the final image's
filesystem ownership, so checks can ask "can uid 1000 write this path at runtime?".

Substitution follows BuildKit: ENV, ADD, COPY, WORKDIR, USER, VOLUME, EXPOSE, LABEL, STOPSIGNAL
and ARG values are expanded here (a variable the Dockerfile does not define expands to nothing,
as in BuildKit, except PATH which comes from the base image); RUN, CMD and ENTRYPOINT keep their
text as written, because there the shell expands it: read them with
`shell.parse_script(text, line, instruction.env)`.

The ownership model knows what the Dockerfile itself does (WORKDIR, COPY/ADD, USER, and the
mkdir/chown/chmod/useradd/install/rm commands of RUN lines) on top of a generic Linux base image;
whatever it cannot see it leaves undecided rather than guessing an error.
"""

from __future__ import annotations

import json as jsonlib
import posixpath
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from spacedoctor.config import Settings
from spacedoctor.sources.repo import RepoFiles, Unreadable
from spacedoctor.sources.shell import SimpleCommand, parse_script

#: The uid the Spaces runtime runs every Docker container as, whatever USER says.
SPACE_UID = 1000

KNOWN_INSTRUCTIONS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)
#: Instructions whose arguments BuildKit expands with ARG/ENV values.
_SUBSTITUTED = frozenset(
    {"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG"}
)
_VALID_STAGE = re.compile(r"^[a-z][a-z0-9-_.]*$")
_KEEP_UNKNOWN = frozenset({"PATH"})  # from the base image's config, which we cannot see
_MAX_COPIED_DIRS = 5000


@dataclass(frozen=True)
class Instruction:
    cmd: str  # upper-case keyword: FROM, RUN, COPY, ...
    line: int  # first line, 1-based
    end_line: int
    original: str
    args: tuple[str, ...]  # values with ARG/ENV substituted (shell-form RUN/CMD: one string)
    flags: tuple[str, ...]  # e.g. ("--chown=user",)
    json: bool  # exec (JSON) form
    heredocs: tuple[str, ...]  # heredoc bodies, substituted
    stage: int  # index of the stage it belongs to
    user: str | None  # USER in effect when it runs (None: root)
    workdir: str  # WORKDIR in effect when it runs
    env: Mapping[str, str]  # ARG and ENV values in effect when it runs

    def flag(self, name: str) -> str | None:
        """The value of `--name=value` (substituted), or None."""
        prefix = f"--{name}="
        for f in self.flags:
            if f.startswith(prefix):
                return f[len(prefix) :]
        return None

    def commands(self) -> list[SimpleCommand]:
        """The shell commands of a RUN/CMD/ENTRYPOINT (shell form, exec form, or a heredoc
        script), with lines in the Dockerfile and variables expanded as the shell would."""
        return _instruction_commands(self)


@dataclass(frozen=True)
class ExecSpec:
    """CMD or ENTRYPOINT: exec form (argv) or shell form (run by /bin/sh -c)."""

    argv: tuple[str, ...] | None
    shell: str | None
    line: int


@dataclass(frozen=True)
class Writability:
    """Whether uid 1000 can create/write `path` at runtime, and the Dockerfile lines behind it."""

    path: str
    writable: bool
    reason: str  # e.g. "/app was created by WORKDIR (line 3) before any USER, owned by root"
    lines: tuple[int, ...] = ()
    #: False when the model cannot tell (an owner it cannot resolve); `writable` is then True.
    known: bool = True


@dataclass(frozen=True)
class UserEntry:
    """A passwd entry the Dockerfile (or a known base image) creates."""

    name: str
    uid: int | None
    home: str
    line: int | None  # the RUN line that created it (None: from the base image)
    home_created: bool


@dataclass(frozen=True)
class CopySource:
    """A COPY/ADD from the build context: the image path and the repo path it came from."""

    dest: str  # absolute path in the image
    src: str  # repo-relative path ("" for the whole context)
    is_dir: bool
    line: int


@dataclass
class _Node:
    exists: bool
    uid: int | None  # None: unknown owner
    mode: int | None
    origin: str  # "WORKDIR /app (line 3)", "the base image"
    line: int | None
    subtree: bool = False  # descendants the model does not list share this owner and mode
    changes: tuple[int, ...] = ()  # later lines that changed owner or mode


@dataclass
class _Stage:
    index: int
    name: str | None
    base: str
    from_line: int
    fs: dict[str, _Node]
    users: dict[str, UserEntry]
    env: dict[str, str]
    env_lines: dict[str, int]
    args: dict[str, str]
    user: str | None = None
    user_line: int | None = None
    workdir: str = "/"
    entrypoint: ExecSpec | None = None
    cmd: ExecSpec | None = None
    cmd_from_parent: bool = False
    instructions: list[Instruction] = field(default_factory=list)


@dataclass
class DockerImage:
    path: str
    error: str | None = None
    error_line: int | None = None
    instructions: tuple[Instruction, ...] = ()
    final: tuple[Instruction, ...] = ()
    env: dict[str, str] = field(default_factory=dict)  # runtime ENV of the final stage
    env_lines: dict[str, int] = field(default_factory=dict)
    user: str | None = None
    user_line: int | None = None
    workdir: str = "/"
    home: str = "/"  # HOME the Space's uid 1000 process gets at runtime
    entrypoint: ExecSpec | None = None
    cmd: ExecSpec | None = None
    #: The line that decided `home`: ENV HOME, the useradd of uid 1000, or the final FROM.
    home_line: int | None = None
    #: passwd entries of the final image that the model knows, by name.
    users: dict[str, UserEntry] = field(default_factory=dict)
    base_image: str | None = None  # the final stage's FROM image (after ARG substitution)
    from_line: int | None = None
    copies: tuple[CopySource, ...] = ()  # COPY/ADD from the build context, final stage
    mount_paths: tuple[str, ...] = ()
    fs: dict[str, _Node] = field(default_factory=dict, repr=False)

    # ----------------------------------------------------------------- queries

    def uid_of(self, user: str | None) -> int | None:
        """The uid of a USER value (`name`, `1000`, `name:group`); None when unknown."""
        return _resolve_uid(user, self.users)

    @property
    def runtime_user(self) -> UserEntry | None:
        """The passwd entry of uid 1000, if the image has one."""
        return _user_with_uid(self.users, SPACE_UID)

    def resolve(self, path: str) -> str:
        """`path` made absolute against the final WORKDIR, normalized."""
        return _abspath(path, self.workdir)

    def writable(self, path: str, uid: int = SPACE_UID) -> Writability:
        path = self.resolve(path)
        for mount in self.mount_paths:
            m = _abspath(mount, "/")
            if path == m or path.startswith(m.rstrip("/") + "/"):
                return Writability(path, True, f"{path} is on the volume mounted at {m}")
        return _decide(self, path, uid)

    def owner(self, path: str) -> tuple[int | None, int | None] | None:
        """(uid, line) of the directory at `path` when the model knows it exists, else None."""
        path = self.resolve(path)
        node = self.fs.get(path)
        if node is not None and node.exists:
            return node.uid, node.line
        near = _nearest(self.fs, path)
        if near is not None and near[1].exists and near[1].subtree:
            return near[1].uid, near[1].line
        return None

    def start_command(self) -> tuple[tuple[str, ...], int] | None:
        """The argv the container starts (ENTRYPOINT + CMD semantics; shell forms become
        ("/bin/sh", "-c", text)) and the line of the instruction that set it."""
        ep, cmd = self.entrypoint, self.cmd
        if ep is not None and ep.shell is not None:
            return ("/bin/sh", "-c", ep.shell), ep.line
        if ep is not None and ep.argv:
            return (*ep.argv, *_exec_argv(cmd)), ep.line
        if cmd is not None:
            argv = _exec_argv(cmd)
            return (argv, cmd.line) if argv else None
        return None

    def repo_path(self, image_path: str) -> str | None:
        """The repo file that a COPY/ADD from the build context put at `image_path`, if any
        (the last COPY that wrote there wins)."""
        target = self.resolve(image_path)
        for cp in reversed(self.copies):
            if cp.is_dir:
                prefix = cp.dest.rstrip("/") + "/"
                if target.startswith(prefix):
                    rel = target[len(prefix) :]
                    return posixpath.join(cp.src, rel) if cp.src else rel
            elif target == cp.dest:
                return cp.src
        return None

    def image_path(self, repo_path: str) -> str | None:
        """Where a COPY/ADD from the build context put the repo file `repo_path` (the last COPY
        that copied it wins), or None when no COPY did."""
        for cp in reversed(self.copies):
            if cp.is_dir:
                if not cp.src or cp.src == ".":
                    return posixpath.join(cp.dest, repo_path)
                prefix = cp.src.rstrip("/") + "/"
                if repo_path.startswith(prefix):
                    return posixpath.join(cp.dest, repo_path[len(prefix) :])
            elif cp.src == repo_path:
                return cp.dest
        return None


def _exec_argv(spec: ExecSpec | None) -> tuple[str, ...]:
    if spec is None:
        return ()
    if spec.shell is not None:
        return ("/bin/sh", "-c", spec.shell)
    return spec.argv or ()


# --------------------------------------------------------------------------- parsing


def parse_dockerfile(
    repo: RepoFiles, settings: Settings, name: str = "Dockerfile"
) -> DockerImage | None:
    rel = repo.find(name)
    if rel is None:
        return None
    try:
        text = repo.read_text(rel)
    except Unreadable as exc:
        return DockerImage(path=rel, error=f"the Dockerfile cannot be read: {exc}", error_line=1)
    return parse_text(text, rel, settings.mount_paths, repo)


def parse_text(
    text: str,
    path: str = "Dockerfile",
    mount_paths: tuple[str, ...] = (),
    repo: RepoFiles | None = None,
) -> DockerImage:
    """A Dockerfile's text made into a DockerImage (an `error` when BuildKit would reject it)."""
    import dockerfile

    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        # A lone surrogate would crash the Go extension itself; files never hold one (they are
        # decoded as strict UTF-8), but no caller may bring the process down.
        line = text.count("\n", 0, exc.start) + 1
        return DockerImage(path=path, error="the Dockerfile is not valid UTF-8", error_line=line)
    try:
        commands = _parse_string(text)
    except dockerfile.GoParseError as exc:
        msg = str(exc)
        return DockerImage(path=path, error=msg, error_line=_error_line(text, msg))
    problem = _validate(commands)
    if problem is not None:
        return DockerImage(path=path, error=problem[0], error_line=problem[1])
    return _Builder(path, mount_paths, repo).build(commands)


def _parse_string(text: str) -> Any:
    import dockerfile

    try:
        return dockerfile.parse_string(text)
    except UnicodeDecodeError:
        # The extension splits some arguments (HEALTHCHECK's) at byte 0xa0, which may sit inside
        # a UTF-8 sequence, and then fails to decode the pieces. Parse again with non-ASCII
        # characters replaced: lines and structure stay the same; only those characters differ.
        return dockerfile.parse_string(re.sub(r"[^\x00-\x7f]", "?", text))


def _error_line(text: str, msg: str) -> int:
    """The line a parse error is about: named in the message, or the first line at which a
    growing prefix of the file fails to parse."""
    import dockerfile

    m = re.search(r"\bline (\d+)", msg)
    if m:
        return int(m.group(1))
    lines = text.splitlines(keepends=True)
    if len(lines) > 3000:
        return 1
    lo, hi = 1, len(lines)
    # Find the smallest prefix that fails the same way (bisection: failures only grow).
    while lo < hi:
        mid = (lo + hi) // 2
        try:
            dockerfile.parse_string("".join(lines[:mid]))
            ok = True
        except dockerfile.GoParseError as exc:
            ok = str(exc) != msg
        if ok:
            lo = mid + 1
        else:
            hi = mid
    return max(lo, 1)


def _validate(commands: Iterable[object]) -> tuple[str, int] | None:
    """What BuildKit's instruction parser rejects that the syntax parser lets through."""
    seen_from = False
    for c in commands:
        cmd = str(getattr(c, "cmd", "")).upper()
        line = int(getattr(c, "start_line", 1))
        value: tuple[str, ...] = tuple(getattr(c, "value", ()) or ())
        is_json = bool(getattr(c, "json", False))
        if cmd not in KNOWN_INSTRUCTIONS:
            return f"unknown instruction: {getattr(c, 'cmd', cmd)}", line
        if cmd == "FROM":
            seen_from = True
            if len(value) == 3 and value[1].lower() == "as":
                if not _VALID_STAGE.match(value[2].lower()):
                    return (
                        f"invalid name for build stage: {value[2]!r}, name can't start with a "
                        "number or contain symbols"
                    ), line
            elif len(value) != 1:
                return "FROM requires either one or three arguments", line
            continue
        if not seen_from and cmd != "ARG":
            return f"no build stage in current context ({cmd} before the first FROM)", line
        problem = _arg_count_problem(cmd, value, is_json)
        if problem:
            return problem, line
    if not seen_from:
        return "no FROM instruction: the Dockerfile has no build stage", 1
    return None


def _arg_count_problem(cmd: str, value: tuple[str, ...], is_json: bool) -> str | None:
    if cmd in ("COPY", "ADD") and len(value) < 2:
        return (
            f"{cmd} requires at least two arguments, but only one was provided. "
            "Destination could not be determined"
        )
    if cmd in ("WORKDIR", "USER", "MAINTAINER", "STOPSIGNAL") and len(value) != 1:
        return f"{cmd} requires exactly one argument"
    if cmd in ("ENV", "LABEL", "ARG", "EXPOSE", "VOLUME", "ONBUILD", "HEALTHCHECK") and not value:
        return f"{cmd} requires at least one argument"
    if cmd == "SHELL" and not is_json:
        return "SHELL requires the arguments to be in JSON form"
    return None


# --------------------------------------------------------------------------- substitution


def substitute(word: str, env: Mapping[str, str]) -> str:
    """BuildKit's word processing: quotes removed, `$VAR`/`${VAR}`/`${VAR:-x}`/`${VAR:+x}`
    expanded (unknown variables expand to nothing, except PATH), backslash escapes."""
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        c = word[i]
        if c == "'":
            end = word.find("'", i + 1)
            end = n if end < 0 else end
            out.append(word[i + 1 : end])
            i = end + 1
        elif c == '"':
            i += 1
            while i < n and word[i] != '"':
                if word[i] == "\\" and i + 1 < n and word[i + 1] in '"$\\':
                    out.append(word[i + 1])
                    i += 2
                elif word[i] == "$":
                    text, i = _dollar(word, i, env)
                    out.append(text)
                else:
                    out.append(word[i])
                    i += 1
            i += 1
        elif c == "\\" and i + 1 < n:
            out.append(word[i + 1])
            i += 2
        elif c == "$":
            text, i = _dollar(word, i, env)
            out.append(text)
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _dollar(word: str, i: int, env: Mapping[str, str]) -> tuple[str, int]:
    n = len(word)
    if i + 1 < n and word[i + 1] == "{":
        end = word.find("}", i + 2)
        if end < 0:
            return word[i:], n
        body = word[i + 2 : end]
        m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", body)
        if not m:
            return word[i : end + 1], end + 1
        name, rest = m.group(0), body[m.end() :]
        value = _lookup(name, env)
        if rest.startswith(":-") or rest.startswith("-"):
            alt = rest[2:] if rest.startswith(":-") else rest[1:]
            unset = value is None or (rest.startswith(":-") and value == "")
            return (substitute(alt, env) if unset else value or ""), end + 1
        if rest.startswith(":+") or rest.startswith("+"):
            alt = rest[2:] if rest.startswith(":+") else rest[1:]
            return (substitute(alt, env) if value else ""), end + 1
        return (value if value is not None else ""), end + 1
    m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(word, i + 1)
    if not m:
        return "$", i + 1
    value = _lookup(m.group(0), env)
    return (value if value is not None else ""), m.end()


def _lookup(name: str, env: Mapping[str, str]) -> str | None:
    if name in env:
        return env[name]
    if name in _KEEP_UNKNOWN:
        return f"${name}"
    return None


# --------------------------------------------------------------------------- the builder


def _base_fs(line: int, image: str) -> tuple[dict[str, _Node], dict[str, UserEntry]]:
    origin = f"the base image ({image})"

    def node(mode: int, uid: int = 0) -> _Node:
        return _Node(True, uid, mode, origin, line)

    # The image's world-writable directories (paths in the image, not temp files of ours).
    sticky = ("/tmp", "/var/tmp", "/dev/shm")  # noqa: S108
    fs = {
        "/": node(0o755),
        **{d: node(0o1777) for d in sticky},
        "/root": node(0o700),
        "/home": node(0o755),
    }
    for d in ("/usr", "/opt", "/etc", "/var", "/srv", "/mnt", "/bin", "/sbin", "/lib", "/run"):
        fs[d] = node(0o755)
    users = {"root": UserEntry("root", 0, "/root", None, True)}
    lowered = image.lower()
    short = lowered.rsplit("/", 1)[-1]
    if short.startswith("node:") or short == "node" or lowered.startswith("docker.io/library/node"):
        users["node"] = UserEntry("node", SPACE_UID, "/home/node", None, True)
        fs["/home/node"] = _Node(True, SPACE_UID, 0o755, origin, line)
    elif re.match(r"^(quay\.io/)?jupyter/", lowered):
        users["jovyan"] = UserEntry("jovyan", SPACE_UID, "/home/jovyan", None, True)
        fs["/home/jovyan"] = _Node(True, SPACE_UID, 0o755, origin, line)
    return fs, users


class _Builder:
    def __init__(self, path: str, mount_paths: tuple[str, ...], repo: RepoFiles | None) -> None:
        self.path = path
        self.mount_paths = mount_paths
        self.repo = repo
        self.stages: list[_Stage] = []
        self.global_args: dict[str, str] = {}
        self.instructions: list[Instruction] = []
        self.copies: dict[int, list[CopySource]] = {}

    def build(self, commands: Iterable[object]) -> DockerImage:
        for c in commands:
            self._one(c)
        final = self.stages[-1]
        env = dict(final.env)
        home, home_line = _runtime_home(final)
        return DockerImage(
            path=self.path,
            instructions=tuple(self.instructions),
            final=tuple(final.instructions),
            env=env,
            env_lines=dict(final.env_lines),
            user=final.user,
            user_line=final.user_line,
            workdir=final.workdir,
            home=home,
            entrypoint=final.entrypoint,
            cmd=final.cmd,
            home_line=home_line,
            users=dict(final.users),
            base_image=final.base,
            from_line=final.from_line,
            copies=tuple(self.copies.get(final.index, ())),
            mount_paths=self.mount_paths,
            fs=final.fs,
        )

    # ---------------------------------------------------------------- dispatch

    def _one(self, c: object) -> None:
        cmd = str(getattr(c, "cmd", "")).upper()
        line = int(getattr(c, "start_line", 1))
        end_line = int(getattr(c, "end_line", line))
        raw_value: tuple[str, ...] = tuple(getattr(c, "value", ()) or ())
        raw_flags: tuple[str, ...] = tuple(getattr(c, "flags", ()) or ())
        is_json = bool(getattr(c, "json", False))
        heredocs = tuple(h.content for h in (getattr(c, "heredocs", ()) or ()))
        original = str(getattr(c, "original", ""))

        if cmd == "ARG" and not self.stages:
            for pair in raw_value:
                key, value = _arg_pair(pair, self.global_args)
                if value is not None:
                    self.global_args[key] = value
            return
        if cmd == "FROM":
            self._from(raw_value, raw_flags, line)
        stage = self.stages[-1]
        scope = {**stage.args, **stage.env}
        if cmd in _SUBSTITUTED and cmd != "ENV":
            args = tuple(substitute(v, scope) for v in raw_value)
        elif cmd == "ENV":
            args = tuple(substitute(v, scope) for v in raw_value)
        elif cmd == "FROM":
            args = tuple(substitute(v, self.global_args) for v in raw_value)
        else:
            args = raw_value
        flags = tuple(substitute(f, scope) for f in raw_flags)
        inst = Instruction(
            cmd=cmd,
            line=line,
            end_line=end_line,
            original=original,
            args=args,
            flags=flags,
            json=is_json,
            heredocs=heredocs,
            stage=stage.index,
            user=stage.user,
            workdir=stage.workdir,
            env=dict(scope),
        )
        stage.instructions.append(inst)
        self.instructions.append(inst)
        handler = getattr(self, f"_do_{cmd.lower()}", None)
        if handler is not None:
            handler(stage, inst)

    def _from(self, value: tuple[str, ...], flags: tuple[str, ...], line: int) -> None:
        image = substitute(value[0], self.global_args) if value else ""
        name = value[2].lower() if len(value) == 3 else None
        parent = next((s for s in reversed(self.stages) if s.name == image.lower()), None)
        index = len(self.stages)
        if parent is not None:
            stage = _Stage(
                index=index,
                name=name,
                base=parent.base,
                from_line=line,
                fs={k: replace(v) for k, v in parent.fs.items()},
                users=dict(parent.users),
                env=dict(parent.env),
                env_lines=dict(parent.env_lines),
                args={},
                user=parent.user,
                user_line=parent.user_line,
                workdir=parent.workdir,
                entrypoint=parent.entrypoint,
                cmd=parent.cmd,
                cmd_from_parent=True,
            )
            self.copies[index] = list(self.copies.get(parent.index, ()))
        else:
            fs, users = _base_fs(line, image)
            stage = _Stage(index, name, image, line, fs, users, {}, {}, {})
        self.stages.append(stage)

    # ---------------------------------------------------------------- instructions

    def _do_arg(self, stage: _Stage, inst: Instruction) -> None:
        for pair in inst.args:
            key, value = _arg_pair(pair, {**self.global_args, **stage.args})
            if value is not None:
                stage.args[key] = value

    def _do_env(self, stage: _Stage, inst: Instruction) -> None:
        values = inst.args
        for i in range(0, len(values) - 1, 2):
            stage.env[values[i]] = values[i + 1]
            stage.env_lines[values[i]] = inst.line

    def _do_user(self, stage: _Stage, inst: Instruction) -> None:
        value = inst.args[0] if inst.args else ""
        stage.user = None if value.split(":")[0] in ("root", "0") else value
        stage.user_line = inst.line

    def _do_workdir(self, stage: _Stage, inst: Instruction) -> None:
        target = _abspath(inst.args[0] if inst.args else "/", stage.workdir)
        stage.workdir = target
        # BuildKit creates a missing WORKDIR (and parents) owned by the current USER.
        uid = _resolve_uid(stage.user, stage.users)
        _mkdirs(stage.fs, target, uid, 0o755, f"WORKDIR {target} (line {inst.line})", inst.line)

    def _do_copy(self, stage: _Stage, inst: Instruction) -> None:
        if len(inst.args) < 2:
            return
        chown = inst.flag("chown")
        uid = _resolve_uid(chown.split(":")[0], stage.users) if chown else 0
        if chown and chown.split(":")[0] == "":
            uid = 0
        chmod = inst.flag("chmod")
        mode = _parse_octal(chmod) if chmod else None
        srcs, dest_raw = inst.args[:-1], inst.args[-1]
        dest = _abspath(dest_raw, stage.workdir)
        from_stage = inst.flag("from")
        src_dirs = [s for s in srcs if from_stage is None and self._is_repo_dir(s)]
        dest_is_dir = (
            dest_raw.endswith("/")
            or dest_raw in (".", "./")
            or len(srcs) > 1
            or bool(src_dirs)
            or from_stage is not None
        )
        how = f"{inst.cmd} {dest_raw} (line {inst.line})"
        dir_path = dest if dest_is_dir else posixpath.dirname(dest)
        _mkdirs(stage.fs, dir_path, uid, mode if mode is not None else 0o755, how, inst.line)
        if from_stage is not None:
            # Contents from another stage or image: keep to what we know, the dest dir.
            node = stage.fs.get(dir_path)
            if node is not None and node.line == inst.line:
                node.subtree = True
            return
        copies = self.copies.setdefault(stage.index, [])
        for src in srcs:
            norm = _repo_rel(src)
            if norm is None:
                continue
            is_dir = self._is_repo_dir(src)
            if is_dir:
                copies.append(CopySource(dest, norm, True, inst.line))
                self._copy_tree(stage, norm, dest, uid, mode, how, inst.line)
            else:
                target = posixpath.join(dest, posixpath.basename(norm)) if dest_is_dir else dest
                copies.append(CopySource(target, norm, False, inst.line))

    _do_add = _do_copy

    def _is_repo_dir(self, src: str) -> bool:
        norm = _repo_rel(src)
        if norm is None:
            return False
        if norm == "":
            return True
        if self.repo is None:
            return False
        prefix = norm.rstrip("/") + "/"
        return any(r.startswith(prefix) for r in self.repo.names())

    def _copy_tree(
        self,
        stage: _Stage,
        src: str,
        dest: str,
        uid: int | None,
        mode: int | None,
        how: str,
        line: int,
    ) -> None:
        if self.repo is None:
            return
        prefix = src.rstrip("/") + "/" if src else ""
        dirs: set[str] = set()
        for rel in self.repo.names():
            if not rel.startswith(prefix):
                continue
            parts = rel[len(prefix) :].split("/")[:-1]
            for i in range(1, len(parts) + 1):
                dirs.add("/".join(parts[:i]))
            if len(dirs) > _MAX_COPIED_DIRS:
                break
        for d in sorted(dirs):
            path = posixpath.join(dest, d)
            existing = stage.fs.get(path)
            if existing is not None and existing.exists:
                continue  # COPY fills an existing directory and leaves its owner alone
            stage.fs[path] = _Node(True, uid, mode if mode is not None else 0o755, how, line)

    def _do_cmd(self, stage: _Stage, inst: Instruction) -> None:
        stage.cmd = _exec_spec(inst)
        stage.cmd_from_parent = False

    def _do_entrypoint(self, stage: _Stage, inst: Instruction) -> None:
        stage.entrypoint = _exec_spec(inst)
        if stage.cmd_from_parent:
            stage.cmd = None  # ENTRYPOINT resets a CMD inherited from the base

    def _do_run(self, stage: _Stage, inst: Instruction) -> None:
        cwd = stage.workdir
        for sc in inst.commands():
            cwd = self._run_command(stage, inst, sc, cwd)

    def _run_command(self, stage: _Stage, inst: Instruction, sc: SimpleCommand, cwd: str) -> str:
        argv = list(sc.argv)
        uid = _resolve_uid(stage.user, stage.users)
        while argv and argv[0] in ("sudo", "gosu", "su-exec"):
            if argv[0] == "sudo":
                argv = argv[1:]
                while argv and argv[0].startswith("-"):
                    argv = argv[1:]
                uid = 0
            else:
                argv = argv[2:]  # gosu USER cmd
        if not argv:
            return cwd
        name = argv[0].rsplit("/", 1)[-1]
        line = sc.line
        fs = stage.fs
        if name == "cd" and len(argv) > 1 and _plain(argv[1]):
            return _abspath(argv[1], cwd)
        if name == "mkdir":
            opts, paths = _split_opts(argv[1:], {"-m", "--mode"})
            mode = _parse_octal(opts.get("-m") or opts.get("--mode") or "") or 0o755
            parents = "-p" in opts or "--parents" in opts
            for p in paths:
                if _plain(p):
                    target = _abspath(p, cwd)
                    how = f"RUN mkdir {p} (line {line})"
                    if parents:
                        _mkdirs(fs, target, uid, mode, how, line)
                    else:
                        _mkdirs(fs, target, uid, mode, how, line, parents_too=False)
        elif name == "install" and ("-d" in argv or "--directory" in argv):
            opts, paths = _split_opts(argv[1:], {"-m", "--mode", "-o", "--owner", "-g", "--group"})
            owner = opts.get("-o") or opts.get("--owner")
            o_uid = _resolve_uid(owner, stage.users) if owner and uid == 0 else uid
            mode = _parse_octal(opts.get("-m") or opts.get("--mode") or "") or 0o755
            for p in paths:
                if _plain(p):
                    target = _abspath(p, cwd)
                    _mkdirs(fs, target, uid, 0o755, f"RUN install -d {p} (line {line})", line)
                    node = fs[target]
                    node.uid, node.mode = o_uid, mode
        elif name == "chown" and len(argv) > 2:
            opts, rest = _split_opts(argv[1:], {"--from", "--reference"})
            if not rest or uid != 0:
                return cwd  # only root can give files away
            owner = rest[0].split(":")[0]
            if owner == "":
                return cwd  # chown :group changes only the group
            o_uid = _resolve_uid(owner, stage.users)
            recursive = "-R" in opts or "--recursive" in opts
            for p in rest[1:]:
                if _plain(p):
                    _chown(fs, _abspath(p, cwd), o_uid, recursive, line)
        elif name == "chmod" and len(argv) > 2:
            opts, rest = _split_opts(argv[1:], set())
            if not rest:
                return cwd
            spec = rest[0]
            recursive = "-R" in opts or "--recursive" in opts
            for p in rest[1:]:
                if _plain(p):
                    _chmod(fs, _abspath(p, cwd), spec, recursive, line, uid)
        elif name in ("useradd", "adduser"):
            entry = _user_from_command(name, argv[1:], stage.users, line)
            if entry is not None:
                stage.users[entry.name] = entry
                if entry.home_created:
                    how = f"RUN {name} {entry.name} (line {line})"
                    _mkdirs(fs, entry.home, 0, 0o755, how, line)
                    node = fs[entry.home]
                    node.uid, node.mode, node.origin, node.line = entry.uid, 0o755, how, line
        elif name == "usermod":
            opts, rest = _split_opts(
                argv[1:], {"-u", "--uid", "-d", "--home", "-g", "-G", "-l", "-s"}
            )
            if rest and rest[-1] in stage.users:
                old = stage.users[rest[-1]]
                new_uid = opts.get("-u") or opts.get("--uid")
                new_home = opts.get("-d") or opts.get("--home")
                stage.users[old.name] = replace(
                    old,
                    uid=int(new_uid) if new_uid and new_uid.isdigit() else old.uid,
                    home=new_home or old.home,
                )
        elif name == "rm":
            opts, paths = _split_opts(argv[1:], set())
            if any(o.lstrip("-").count("r") or o == "--recursive" for o in opts):
                for p in paths:
                    if _plain(p):
                        _remove(fs, _abspath(p, cwd), line)
        return cwd


def _instruction_commands(inst: Instruction) -> list[SimpleCommand]:
    if inst.json:
        text = " ".join(shlex.quote(a) for a in inst.args)
        return parse_script(text, inst.line, {})
    text = " ".join(inst.args)
    if inst.heredocs:
        m = re.match(r"^\s*(?:(?:ba|da|z)?sh\s+)?<<-?\s*[\"']?\w+[\"']?\s*$", text)
        if m:
            return parse_script(inst.heredocs[0], inst.line + 1, inst.env)
        # `RUN cmd <<EOF` feeds the heredoc to cmd's stdin: only the command line runs.
        text = re.sub(r"<<-?\s*[\"']?\w+[\"']?", "", text)
    return parse_script(text, inst.line, inst.env)


def _exec_spec(inst: Instruction) -> ExecSpec:
    if inst.json:
        return ExecSpec(tuple(inst.args), None, inst.line)
    return ExecSpec(None, " ".join(inst.args), inst.line)


def _arg_pair(pair: str, defaults: Mapping[str, str]) -> tuple[str, str | None]:
    if "=" in pair:
        key, value = pair.split("=", 1)
        return key, substitute(value, defaults)
    return pair, defaults.get(pair)


def _runtime_home(stage: _Stage) -> tuple[str, int | None]:
    if "HOME" in stage.env:
        return stage.env["HOME"] or "/", stage.env_lines.get("HOME")
    entry = _user_with_uid(stage.users, SPACE_UID)
    if entry is not None:
        return entry.home, entry.line or stage.from_line
    return "/", stage.from_line


def _user_with_uid(users: Mapping[str, UserEntry], uid: int) -> UserEntry | None:
    for entry in users.values():
        if entry.uid == uid:
            return entry
    return None


def _resolve_uid(user: str | None, users: Mapping[str, UserEntry]) -> int | None:
    if user is None:
        return 0
    name = user.split(":")[0].strip()
    if name == "" or name == "root":
        return 0
    if name.isdigit():
        return int(name)
    entry = users.get(name)
    return entry.uid if entry is not None else None


def _user_from_command(
    tool: str, args: list[str], users: Mapping[str, UserEntry], line: int
) -> UserEntry | None:
    with_value = {
        "-u", "--uid", "-d", "--home-dir", "--home", "-h", "-g", "--gid", "-G", "--groups",
        "-s", "--shell", "-c", "--comment", "--gecos", "-k", "--skel", "-e", "--expiredate",
        "-f", "--inactive", "-K", "--key", "-p", "--password", "--ingroup", "-b", "--base-dir",
        "--firstuid", "--lastuid", "--add_extra_groups", "--conf",
    }  # fmt: skip
    if tool == "adduser":
        with_value.discard("-h")  # busybox: -h DIR; Debian has no -h: re-added below
        with_value.add("-h")
    opts, rest = _split_opts(args, with_value)
    if not rest:
        return None
    name = rest[0]
    if not re.fullmatch(r"[a-z_][a-z0-9_.-]*\$?", name, re.IGNORECASE):
        return None
    if tool == "adduser" and len(rest) >= 2 and name in users:
        return None  # `adduser user group`: adds an existing user to a group
    system = any(o in opts for o in ("-r", "--system", "-S"))
    uid_s = opts.get("-u") or opts.get("--uid")
    if uid_s is not None:
        uid: int | None = int(uid_s) if uid_s.isdigit() else None
    elif system:
        uid = 999
    else:
        taken = {u.uid for u in users.values() if u.uid is not None}
        uid = 1000
        while uid in taken:
            uid += 1
    base = opts.get("-b") or opts.get("--base-dir") or "/home"
    home = opts.get("-d") or opts.get("--home-dir") or opts.get("--home") or opts.get("-h")
    home = home or posixpath.join(base, name)
    if tool == "useradd":
        created = "-m" in opts or "--create-home" in opts
    else:
        created = not any(o in opts for o in ("--no-create-home", "-H")) and not (
            system and "--home" not in opts
        )
    return UserEntry(name, uid, _abspath(home, "/"), line, created)


def _split_opts(args: list[str], with_value: set[str]) -> tuple[dict[str, str], list[str]]:
    """Options (`-p`, `-m 755`, `--mode=755`, combined `-Rf`) and positional words."""
    opts: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            rest.extend(args[i + 1 :])
            break
        if a.startswith("--"):
            if "=" in a:
                k, v = a.split("=", 1)
                opts[k] = v
            elif a in with_value and i + 1 < len(args):
                opts[a] = args[i + 1]
                i += 1
            else:
                opts[a] = ""
        elif a.startswith("-") and len(a) > 1 and not _looks_like_mode(a):
            if a in with_value and i + 1 < len(args):
                opts[a] = args[i + 1]
                i += 1
            elif a[:2] in with_value and len(a) > 2:
                opts[a[:2]] = a[2:]
            else:
                for ch in a[1:]:
                    opts[f"-{ch}"] = ""
        else:
            rest.append(a)
        i += 1
    return opts, rest


def _looks_like_mode(a: str) -> bool:
    return bool(re.fullmatch(r"-[rwxXst]+", a)) and not re.fullmatch(r"-[Rfv]+", a)


def _plain(path: str) -> bool:
    """A literal path the model can follow (no globs, no unexpanded variables)."""
    return bool(path) and not any(ch in path for ch in "*?[$`") and not path.startswith("~")


def _repo_rel(src: str) -> str | None:
    if any(ch in src for ch in "*?[") or "://" in src or src.startswith("git@"):
        return None
    norm = posixpath.normpath(src.lstrip("/")) if src not in (".", "./", "/") else ""
    return "" if norm in (".", "") else norm


def _abspath(path: str, cwd: str) -> str:
    joined = posixpath.join(cwd or "/", path) if not path.startswith("/") else path
    norm = posixpath.normpath(joined)
    if norm.startswith("//"):
        norm = "/" + norm.lstrip("/")
    return norm


def _parse_octal(text: str) -> int | None:
    if re.fullmatch(r"[0-7]{1,4}", text or ""):
        return int(text, 8)
    return None


def _ancestors(path: str) -> list[str]:
    """`/a/b/c` -> ["/", "/a", "/a/b"]."""
    out = ["/"]
    parts = [p for p in path.split("/") if p]
    out.extend("/" + "/".join(parts[:i]) for i in range(1, len(parts)))
    return out if path != "/" else []


def _nearest(fs: Mapping[str, _Node], path: str) -> tuple[str, _Node] | None:
    """The nearest listed ancestor of `path` (not `path` itself)."""
    for anc in reversed(_ancestors(path)):
        node = fs.get(anc)
        if node is not None:
            return anc, node
    return None


def _mkdirs(
    fs: dict[str, _Node],
    target: str,
    uid: int | None,
    mode: int,
    how: str,
    line: int,
    parents_too: bool = True,
) -> None:
    chain = [*_ancestors(target), target] if parents_too else [target]
    for p in chain:
        node = fs.get(p)
        if node is not None and node.exists:
            continue
        if node is None:
            near = _nearest(fs, p)
            if near is not None and near[1].exists and near[1].subtree:
                continue  # inside a tree copied from elsewhere: keep the tree's owner
        fs[p] = _Node(True, uid, mode, how, line)


def _chown(fs: dict[str, _Node], target: str, uid: int | None, recursive: bool, line: int) -> None:
    node = fs.get(target)
    if node is None or not node.exists:
        # The build passed, so the path exists; its other attributes stay unknown.
        node = _Node(True, uid, None, f"RUN chown (line {line})", line)
        fs[target] = node
    node.uid = uid
    node.exists = True
    node.changes = (*node.changes, line)
    if recursive:
        node.subtree = True
        prefix = target.rstrip("/") + "/"
        for p, child in fs.items():
            if p.startswith(prefix):
                child.uid = uid
                child.changes = (*child.changes, line)


def _chmod(
    fs: dict[str, _Node], target: str, spec: str, recursive: bool, line: int, uid: int | None
) -> None:
    node = fs.get(target)
    if node is None:
        near = _nearest(fs, target)
        if near is None or not near[1].subtree:
            return  # a path the model does not know exists
        node = replace(near[1], changes=(), subtree=False)
        fs[target] = node
    if uid != 0 and node.uid != uid:
        return  # chmod of a file one does not own fails
    nodes = [node]
    if recursive:
        prefix = target.rstrip("/") + "/"
        nodes += [c for p, c in fs.items() if p.startswith(prefix)]
    for n in nodes:
        n.mode = _apply_mode(n.mode, spec)
        n.changes = (*n.changes, line)


def _apply_mode(mode: int | None, spec: str) -> int | None:
    octal = _parse_octal(spec)
    if octal is not None:
        return octal
    current = mode if mode is not None else 0o755
    for clause in spec.split(","):
        m = re.fullmatch(r"([ugoa]*)([+\-=])([rwxXst]*)", clause)
        if not m:
            return mode
        who, op, perms = m.groups()
        who = who or "a"
        bits = 0
        for w in "ugo":
            if w in who or "a" in who:
                shift = {"u": 6, "g": 3, "o": 0}[w]
                for p, b in (("r", 4), ("w", 2), ("x", 1), ("X", 1)):
                    if p in perms:
                        bits |= b << shift
        if "t" in perms:
            bits |= 0o1000
        if op == "+":
            current |= bits
        elif op == "-":
            current &= ~bits
        else:
            mask = 0
            for w in "ugo":
                if w in who or "a" in who:
                    mask |= 0o7 << {"u": 6, "g": 3, "o": 0}[w]
            current = (current & ~mask) | bits
    return current


def _remove(fs: dict[str, _Node], target: str, line: int) -> None:
    if target in ("/", "/tmp", "/var/tmp") or target not in fs:  # noqa: S108
        return
    prefix = target.rstrip("/") + "/"
    for p in [p for p in fs if p == target or p.startswith(prefix)]:
        del fs[p]
    fs[target] = _Node(False, None, None, f"RUN rm (line {line})", line)


# --------------------------------------------------------------------------- writability


def _describe_owner(image: DockerImage, uid: int | None) -> str:
    if uid == 0:
        return "root"
    for entry in image.users.values():
        if entry.uid == uid and uid is not None:
            return f"{entry.name} (uid {uid})"
    return f"uid {uid}"


def _allows(node: _Node, uid: int, bits: int) -> bool | None:
    """Whether `uid` has the permission `bits` (0o2 write, 0o1 search) on `node`."""
    if node.uid is None or node.mode is None:
        if node.uid == uid:
            return True
        return None
    if node.uid == uid:
        return bool(node.mode & (bits << 6))
    return bool(node.mode & bits)


def _lines_of(node: _Node) -> tuple[int, ...]:
    return tuple(sorted({x for x in (node.line, *node.changes) if x is not None}))


def _decide(image: DockerImage, path: str, uid: int) -> Writability:
    fs = image.fs
    before_user = ""
    extra: tuple[int, ...] = ()
    if image.user_line is not None and image.user is not None:
        before_user = f" before USER {image.user} (line {image.user_line})"

    def root_note(node: _Node) -> tuple[str, tuple[int, ...]]:
        if node.origin.startswith("the base image"):
            return _home_note(image, path)
        if node.uid == 0 and before_user and node.line is not None and image.user_line is not None:
            if node.line < image.user_line:
                return before_user, (image.user_line,)
        return "", ()

    # Every existing ancestor must let uid 1000 through.
    for anc in _ancestors(path):
        node = fs.get(anc)
        if node is not None and node.exists and _allows(node, uid, 0o1) is False:
            return Writability(
                path,
                False,
                f"{anc} is not searchable by uid {uid} (mode {oct(node.mode or 0)[2:]}, owned by "
                f"{_describe_owner(image, node.uid)} from {node.origin})",
                _lines_of(node),
            )

    node = fs.get(path)
    if node is not None and node.exists:
        ok = _allows(node, uid, 0o2)
        if ok is None:
            return Writability(path, True, f"{path}: owner unknown ({node.origin})", (), False)
        owner = _describe_owner(image, node.uid)
        if ok:
            return Writability(path, True, f"{path} is writable: owned by {owner} ({node.origin})")
        note, extra = root_note(node)
        created = "exists" if node.origin.startswith("the base image") else "was created"
        return Writability(
            path,
            False,
            f"{path} {created} {_owned(owner)} by {node.origin}{note}" + _mode_note(node),
            (*_lines_of(node), *extra),
        )

    # The path is not listed: decide by the nearest listed ancestor.
    near = _nearest(fs, path)
    if near is None:
        return Writability(path, True, f"{path}: nothing known", (), False)
    anc, anode = near
    if not anode.exists:
        # Removed by rm: climb further to what does exist.
        above = _nearest(fs, anc)
        if above is None:
            return Writability(path, True, f"{path}: nothing known", (), False)
        anc, anode = above
    if anode.subtree:
        ok = _allows(anode, uid, 0o2)
        if ok is None:
            return Writability(path, True, f"{path}: owner unknown ({anode.origin})", (), False)
        owner = _describe_owner(image, anode.uid)
        if ok:
            return Writability(
                path, True, f"{path} is inside {anc}, owned by {owner} ({anode.origin})"
            )
        note, extra = root_note(anode)
        return Writability(
            path,
            False,
            f"{path} is inside {anc}, which {_owned(owner)} by {anode.origin}{note}",
            (*_lines_of(anode), *extra),
        )
    ok = _allows(anode, uid, 0o2)
    if ok is None:
        return Writability(
            path, True, f"{path}: owner of {anc} unknown ({anode.origin})", (), False
        )
    owner = _describe_owner(image, anode.uid)
    if ok:
        return Writability(
            path, True, f"{path} can be created: {anc} is writable by uid {uid} ({anode.origin})"
        )
    note, extra = root_note(anode)
    if anc == "/":
        where = "/ belongs to root"
    elif anode.origin.startswith("the base image"):
        where = f"{anc} belongs to {owner} in the base image{note}"
    else:
        where = f"{anc} was created {_owned(owner)} by {anode.origin}{note}"
    return Writability(
        path,
        False,
        f"{path} does not exist in the image and uid {uid} cannot create it: {where}"
        + _mode_note(anode),
        (*_lines_of(anode), *extra),
    )


def _home_note(image: DockerImage, path: str) -> tuple[str, tuple[int, ...]]:
    for entry in image.users.values():
        home = entry.home.rstrip("/")
        if not entry.home_created and (path == home or path.startswith(home + "/")):
            how = f" (line {entry.line})" if entry.line else ""
            text = f"; the user {entry.name} was created{how} without its home directory {home}"
            return text, ((entry.line,) if entry.line else ())
    return "", ()


def _owned(owner: str) -> str:
    return f"{owner}-owned" if owner == "root" else f"owned by {owner}"


def _mode_note(node: _Node) -> str:
    if node.changes and node.mode is not None:
        return f" (mode {oct(node.mode)[2:]} after line {node.changes[-1]})"
    return ""


def parse_json_array(text: str) -> list[str] | None:
    """A JSON exec-form array, or None when `text` is not one (BuildKit then uses shell form)."""
    try:
        value = jsonlib.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None
