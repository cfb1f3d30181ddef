"""The Dockerfile model: BuildKit parsing and rejection, substitution, stages, HOME, start command,
and the filesystem ownership model that decides what uid 1000 may write."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacedoctor.config import Settings
from spacedoctor.sources.dockerfile import DockerImage, parse_dockerfile, parse_text, substitute
from spacedoctor.sources.repo import RepoFiles, Tree

RECOMMENDED = """\
FROM python:3.11
RUN useradd -m -u 1000 user
USER user
ENV HOME=/home/user \\
    PATH=/home/user/.local/bin:$PATH
WORKDIR $HOME/app
COPY --chown=user . $HOME/app
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "7860"]
"""


def ok(text: str) -> DockerImage:
    img = parse_text(text)
    assert img.error is None, img.error
    return img


def repo_with(tmp_path: Path, files: dict[str, bytes | str]) -> RepoFiles:
    for rel, data in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            p.write_bytes(data)
        else:
            p.write_text(data, encoding="utf-8")
    return RepoFiles(Tree.walk(tmp_path), "")


# ------------------------------------------------------------------ parsing and errors


def test_no_dockerfile_is_none(tmp_path: Path) -> None:
    assert parse_dockerfile(repo_with(tmp_path, {"app.py": ""}), Settings()) is None


def test_binary_dockerfile_is_an_error_at_line_1(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"Dockerfile": b"FROM x\x00\x01\x02"})
    img = parse_dockerfile(repo, Settings())
    assert img is not None and img.error_line == 1
    assert img.error is not None and "NUL" in img.error


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("FROM python\nFOO bar\n", 2, "unknown instruction: FOO"),
        ("RUN echo hi\nFROM python\n", 1, "no build stage"),
        ("FROM python\nRUN a\nRUN <<EOF\nno end\n", 3, "unterminated heredoc"),
        ("FROM a b\n", 1, "FROM requires either one or three arguments"),
        ("FROM python\nCOPY app.py\n", 2, "at least two arguments"),
        ("FROM python\nENV A\n", 2, "ENV must have two arguments"),
        ("# only a comment\n", 1, "no instructions"),
        ("FROM python AS 1st\n", 1, "invalid name for build stage"),
    ],
)
def test_buildkit_rejections(text: str, line: int, words: str) -> None:
    img = parse_text(text)
    assert img.error is not None and words in img.error
    assert img.error_line == line


def test_accepted_oddities() -> None:
    # Broken exec-form JSON falls back to shell form; lower-case keywords are fine.
    img = ok('from python:3.11\nCMD ["python", app.py]\n')
    assert img.cmd is not None and img.cmd.shell == '["python", app.py]'


# ------------------------------------------------------------------ substitution and stages


def test_substitution_rules() -> None:
    env = {"A": "1", "E": ""}
    assert substitute("$A ${A} ${B:-d} ${A:+set} ${B:+set} $B", env) == "1 1 d set  "
    assert substitute("'$A' \"$A\" \\$A $PATH", env) == "$A 1 $A $PATH"
    assert substitute("${E:-x}${E-y}", env) == "x"


def test_env_forms_args_and_stage_inheritance() -> None:
    img = ok(
        "ARG BASE=python\n"
        "ARG TAG\n"
        "FROM ${BASE}:3.11 AS build\n"
        "ENV A=1 B=\"two words\" C='$A'\n"
        "ENV LEGACY some value\n"
        "USER 1000\n"
        "WORKDIR /srv\n"
        "FROM build\n"
        "ARG BASE\n"
        "ENV D=$A/${B:+x}/${NOPE:-dflt}/$BASE A=2 E=$A\n"
        "WORKDIR sub\n"
    )
    assert img.base_image == "python:3.11"
    assert img.env == {
        "A": "2",
        "B": "two words",
        "C": "$A",
        "LEGACY": "some value",
        "D": "1/x/dflt/python",
        "E": "1",  # same-instruction ENV sees the value from before the instruction
    }
    assert img.env_lines["A"] == 10 and img.env_lines["B"] == 4
    assert img.user == "1000" and img.workdir == "/srv/sub"
    assert [i.stage for i in img.instructions].count(1) == 4


def test_run_is_not_substituted_but_its_commands_are_expanded() -> None:
    img = ok("FROM python\nENV D=/data\nRUN mkdir -p $D/x && echo '$D'\n")
    run = img.final[-1]
    assert run.args == ("mkdir -p $D/x && echo '$D'",)
    assert [c.argv for c in run.commands()] == [("mkdir", "-p", "/data/x"), ("echo", "$D")]


def test_heredoc_run_script_lines() -> None:
    img = ok("FROM python\nRUN <<EOT\nset -e\nmkdir -p /cache\nchmod 777 /cache\nEOT\n")
    cmds = img.final[-1].commands()
    assert [(c.argv[0], c.line) for c in cmds] == [("set", 3), ("mkdir", 4), ("chmod", 5)]
    assert img.writable("/cache/hub").writable


def test_start_command_semantics() -> None:
    assert ok(RECOMMENDED).start_command() == (
        ("uvicorn", "app:app", "--host", "0.0.0.0", "--port", "7860"),
        8,
    )
    img = ok('FROM python\nENTRYPOINT ["/app/entry.sh"]\nCMD ["serve"]\n')
    assert img.start_command() == (("/app/entry.sh", "serve"), 2)
    img = ok("FROM python\nCMD python app.py\n")
    assert img.start_command() == (("/bin/sh", "-c", "python app.py"), 2)
    img = ok('FROM python AS a\nCMD ["x"]\nFROM a\nENTRYPOINT ["y"]\n')
    assert img.start_command() == (("y",), 4)  # ENTRYPOINT resets an inherited CMD
    assert ok("FROM python\n").start_command() is None


def test_repo_path_maps_copies_back(tmp_path: Path) -> None:
    repo = repo_with(
        tmp_path,
        {
            "Dockerfile": "FROM python\nWORKDIR /app\nCOPY scripts/start.sh /entry.sh\nCOPY . .\n",
            "scripts/start.sh": "",
            "src/app.py": "",
        },
    )
    img = parse_dockerfile(repo, Settings())
    assert img is not None
    assert img.repo_path("/entry.sh") == "scripts/start.sh"
    assert img.repo_path("/app/src/app.py") == "src/app.py"
    assert img.repo_path("src/app.py") == "src/app.py"
    assert img.repo_path("/usr/bin/python") is None


# ------------------------------------------------------------------ HOME


@pytest.mark.parametrize(
    ("text", "home"),
    [
        ("FROM python\n", "/"),
        ("FROM python\nUSER 1000\n", "/"),
        ("FROM python\nRUN useradd -m -u 1000 user\n", "/home/user"),
        ("FROM python\nRUN useradd user\n", "/home/user"),  # first regular uid is 1000
        ("FROM python\nRUN useradd -r app\n", "/"),  # a system uid
        ("FROM python\nRUN useradd -u 1001 app\n", "/"),
        ("FROM python\nRUN adduser --disabled-password --gecos '' --uid 1000 bob\n", "/home/bob"),
        ("FROM alpine\nRUN adduser -D -u 1000 -h /srv/me me\n", "/srv/me"),
        ("FROM python\nRUN useradd -m -d /opt/h -u 1000 u\nENV HOME=/x\n", "/x"),
        ("FROM node:20-slim\n", "/home/node"),
    ],
)
def test_runtime_home(text: str, home: str) -> None:
    assert ok(text).home == home


# ------------------------------------------------------------------ ownership


def test_recommended_dockerfile_is_writable() -> None:
    img = ok(RECOMMENDED)
    for path in ("/home/user/.cache/huggingface", "/home/user/app/.cache", "/tmp/x"):
        assert img.writable(path).writable, path
    assert not img.writable("/app").writable


def test_root_workdir_before_user_is_named_with_its_lines() -> None:
    img = ok(
        "FROM python\nWORKDIR /app\nCOPY --chown=user . .\nRUN useradd -m -u 1000 user\nUSER user\n"
    )
    w = img.writable("/app/.cache")
    assert not w.writable
    assert (
        "/app was created root-owned by WORKDIR /app (line 2) before USER user (line 5)" in w.reason
    )
    assert w.lines == (2, 5)


def test_workdir_after_user_is_owned_by_that_user() -> None:
    img = ok("FROM python\nRUN useradd -m -u 1000 user\nUSER user\nWORKDIR /app\n")
    assert img.writable("/app/.cache").writable


def test_other_uid_is_not_1000() -> None:
    img = ok("FROM python\nRUN useradd -m -u 1001 app\nUSER app\nWORKDIR /work\n")
    w = img.writable("/work/cache")
    assert not w.writable and "app (uid 1001)" in w.reason


def test_copy_chown_into_existing_dir_leaves_its_owner(tmp_path: Path) -> None:
    repo = repo_with(
        tmp_path,
        {
            "Dockerfile": (
                "FROM python\nRUN useradd -m -u 1000 user\nWORKDIR /app\n"
                "COPY --chown=user . /app\nCOPY data /srv/data\nUSER user\n"
            ),
            "models/readme.txt": "",
            "data/x.csv": "",
        },
    )
    img = parse_dockerfile(repo, Settings())
    assert img is not None
    assert not img.writable("/app/.cache").writable  # /app itself stays root's
    assert img.writable("/app/models/cache").writable  # copied dirs are user's
    w = img.writable("/srv/data/out")
    assert not w.writable and "COPY /srv/data (line 5)" in w.reason


def test_copy_chown_creating_the_dest_gives_it_to_the_user() -> None:
    img = ok("FROM python\nRUN useradd -m -u 1000 user\nCOPY --chown=1000:1000 . /app\n")
    assert img.writable("/app/.cache").writable


def test_run_commands_change_ownership() -> None:
    img = ok(
        "FROM python\n"
        "WORKDIR /app\n"
        "RUN mkdir -p /app/.cache /data && chmod 777 /app/.cache && chmod a+rwx /data\n"
        "RUN mkdir -m 1777 /scratch && install -d -o 1000 /srv/x\n"
        "RUN useradd -u 1000 user && mkdir -p /opt/y && chown -R user:user /opt/y\n"
        "RUN mkdir /gone && rm -rf /gone\n"
        "USER user\n"
        "RUN chmod 777 /app\n"  # as user: cannot chmod root's directory
    )
    for path in ("/app/.cache/hub", "/data/x", "/scratch/x", "/srv/x/y", "/opt/y/z/w"):
        assert img.writable(path).writable, path
    assert not img.writable("/app/x").writable
    assert not img.writable("/gone/x").writable


def test_chmod_reason_names_the_mode_line() -> None:
    img = ok("FROM python\nRUN mkdir /c && chmod 700 /c && chown 1000 /c\nRUN chmod o-w /tmp\n")
    assert img.writable("/c/x").writable
    assert not img.writable("/tmp/x").writable


def test_root_home_is_not_searchable() -> None:
    img = ok("FROM python\nRUN mkdir -p /root/.cache && chmod 777 /root/.cache\n")
    w = img.writable("/root/.cache/x")
    assert not w.writable and "not searchable" in w.reason


def test_mount_paths_are_writable() -> None:
    img = parse_text("FROM python\n", mount_paths=("/data",))
    assert img.writable("/data/hf").writable
    assert not img.writable("/database").writable


def test_useradd_without_m_has_no_home_dir() -> None:
    img = ok("FROM python\nRUN useradd -u 1000 user\nUSER user\n")
    w = img.writable("/home/user/.cache")
    assert not w.writable
    assert "without its home directory /home/user" in w.reason and 2 in w.lines


def test_unknown_owner_is_not_called_unwritable() -> None:
    img = ok("FROM python\nCOPY --chown=ghost . /app\n")
    w = img.writable("/app/x")
    assert w.writable and not w.known
