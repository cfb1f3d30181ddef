"""The Dockerfile of a Docker Space, parsed with the BuildKit parser (the `dockerfile` package)
into stages and instructions with ARG/ENV substituted, plus a model of the final image's
filesystem ownership, so checks can ask "can uid 1000 write this path at runtime?".

INTERFACE SKELETON: the dataclasses and signatures below are the contract checks code against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from spacedoctor.config import Settings
from spacedoctor.sources.repo import RepoFiles

#: The uid the Spaces runtime runs every Docker container as, whatever USER says.
SPACE_UID = 1000


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


@dataclass(frozen=True)
class ExecSpec:
    """CMD or ENTRYPOINT: exec form (argv) or shell form (run by /bin/sh -c)."""

    argv: tuple[str, ...] | None
    shell: str | None
    line: int


@dataclass(frozen=True)
class Writability:
    """Whether uid 1000 can create/write `path` at runtime, and the Dockerfile lines that made it so."""

    path: str
    writable: bool
    reason: str  # e.g. "/app was created by WORKDIR (line 3) before any USER, owned by root"
    lines: tuple[int, ...] = ()


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

    def writable(self, path: str, uid: int = SPACE_UID) -> Writability:
        raise NotImplementedError

    def start_command(self) -> tuple[tuple[str, ...], int] | None:
        """The argv the container starts (ENTRYPOINT + CMD semantics; shell forms become
        ("/bin/sh", "-c", text)) and the line of the instruction that set it."""
        raise NotImplementedError


def parse_dockerfile(repo: RepoFiles, settings: Settings, name: str = "Dockerfile") -> DockerImage | None:
    raise NotImplementedError
