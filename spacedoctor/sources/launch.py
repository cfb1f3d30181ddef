"""The servers a Space starts, and how: from the Dockerfile's CMD/ENTRYPOINT, the shell scripts
they run, and server calls in Python code (uvicorn.run, demo.launch, app.run, ...).

The start command is followed the way the container runs it: exec or shell form, through
`sh -c`, wrappers (tini, gosu, uv run, ...) and scripts (mapped from image paths back to repo
files through COPY), to a server command line (see servers.py) or `python app.py`, whose code
is then read for the server call it makes at module level or under `if __name__ == "__main__":`.
Variables resolve from the final stage's ENV and from assignments in the scripts; a variable
nobody sets stays unknown, and unknown values are never guessed.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable, Collection, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from spacedoctor.sources.pyapp import Module, const_int, const_str, keyword
from spacedoctor.sources.repo import Unreadable
from spacedoctor.sources.servers import (
    ServerArgs,
    Setting,
    parse_server,
    python_module,
    python_script,
    streamlit_server_config,
    trusts_proxy,
)

if TYPE_CHECKING:
    from spacedoctor.sources.dockerfile import CopySource, DockerImage
    from spacedoctor.sources.space import SpaceContext

_MAX_DEPTH = 6
_VAR_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_UNKNOWN_VAR = re.compile(r"\$(\{[A-Za-z_]|[A-Za-z_0-9@*#?])")
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash"})
#: Reverse proxies / supervisors: when one is started, which process owns app_port is theirs
#: to decide (nginx on 7860 in front of uvicorn on 127.0.0.1:8000 is a correct setup).
FRONT_SERVERS = frozenset(
    {"nginx", "caddy", "traefik", "haproxy", "supervisord", "supervisorctl", "httpd", "apache2"}
)


@dataclass(frozen=True)
class Launch:
    server: str  # uvicorn, gunicorn, streamlit, flask, gradio, http.server, node, ...
    path: str  # file of the command or call that starts the server (Dockerfile, start.sh, app.py)
    line: int
    host: str | None  # resolved host, None when it cannot be known
    host_line: int | None
    port: int | None  # resolved port, None when it cannot be known
    port_line: int | None
    argv: tuple[str, ...] = ()
    proxy_headers: bool | None = None  # uvicorn/gunicorn: are X-Forwarded-* trusted from the proxy?
    #: file of host_line / port_line when it differs from `path` (an ENV line, a script export)
    host_path: str | None = None
    port_path: str | None = None
    #: what decided the value: "arg", "env", "code", "config" or "default" (the server's own)
    host_source: str = "default"
    port_source: str = "default"
    #: forwarded-allow-ips in effect (uvicorn family, gunicorn); None when n/a or unknown
    trust: str | None = None
    target: str | None = None  # what it serves: "main:app", "app.py"
    cwd: str | None = None  # the image directory it runs in
    #: the chain of (path, line) that led here: Dockerfile CMD, start.sh line, ...
    via: tuple[tuple[str, int], ...] = ()
    #: worker processes serving requests, each with its own memory (1 for servers that only
    #: ever run one: gradio, streamlit, flask's); None when it cannot be known, or when the
    #: value makes the server refuse to start (`uvicorn.run(app_object, workers=4)` exits)
    workers: int | None = None
    workers_line: int | None = None
    workers_path: str | None = None
    #: what decided it: "arg", "env", "code", "config" or "default"
    workers_source: str = "default"

    @property
    def where_host(self) -> tuple[str, int]:
        return (self.host_path or self.path, self.host_line or self.line)

    @property
    def where_port(self) -> tuple[str, int]:
        return (self.port_path or self.path, self.port_line or self.line)

    @property
    def where_workers(self) -> tuple[str, int]:
        return (self.workers_path or self.path, self.workers_line or self.line)


@dataclass(frozen=True)
class Step:
    """One command the container runs at start, on the way to the server (scripts included)."""

    argv: tuple[str, ...]  # words as the shell runs them (unknown variables left as `$NAME`)
    path: str
    line: int
    cwd: str | None  # image directory it runs in; None when unknown
    cwd_origin: tuple[str, int] | None  # the WORKDIR or `cd` line that set `cwd`
    assignments: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class EnvVar:
    """A variable in effect at start, and the line that set it."""

    value: str
    path: str
    line: int


@dataclass
class Launches:
    launches: list[Launch] = field(default_factory=list)
    #: every command the start path runs, in order (for checks on what happens at start)
    steps: list[Step] = field(default_factory=list)
    #: variables set at start: final-stage ENV, then script assignments (last one wins)
    env: dict[str, EnvVar] = field(default_factory=dict)
    #: the Dockerfile line whose CMD/ENTRYPOINT starts the container
    start_line: int | None = None
    #: a reverse proxy or supervisor started too (nginx, supervisord): it decides app_port
    front: tuple[str, str, int] | None = None  # (name, path, line)
    #: repo paths of the Python files run as scripts (`python app.py`)
    scripts: list[str] = field(default_factory=list)


#: What `fastapi run` / `fastapi dev` import when no path is given (fastapi-cli discover).
FASTAPI_DEFAULT_PATHS = ("main.py", "app.py", "api.py", "app/main.py", "app/app.py", "app/api.py")


def target_modules(launch: Launch, paths: Collection[str]) -> list[str]:
    """The Space files (among `paths`) that a launch's target names: `pkg.main:app` ->
    pkg/main.py or pkg/main/__init__.py, `main.py` -> main.py. A file whose path is the name
    wins; else files whose path ends with it (the server runs from a sub-folder of the repo
    or with --app-dir). Empty when the target is unknown or names no file of the Space."""
    target = launch.target
    if target is None:
        if launch.server != "fastapi":
            return []
        names: list[str] = list(FASTAPI_DEFAULT_PATHS)
    elif target.endswith(".py") or "/" in target:
        base = target.rstrip("/")
        names = [base] if base.endswith(".py") else [f"{base}/__init__.py", f"{base}.py"]
    else:
        dotted = target.split(":", 1)[0].strip()
        if not dotted or not all(p.isidentifier() for p in dotted.split(".")):
            return []
        rel = dotted.replace(".", "/")
        names = [f"{rel}.py", f"{rel}/__init__.py"]
    names = [posixpath.normpath(n.removeprefix("./")) for n in names]
    for name in names:
        if name in paths:
            return [name]
    for name in names:
        tail = sorted(p for p in paths if p.endswith("/" + name))
        if tail:
            return tail
    return []


def find_launches(ctx: SpaceContext) -> Launches:
    image = ctx.dockerfile
    if image is None or image.error is not None:
        return Launches()
    return _Follower(ctx, image).run()


# ---------------------------------------------------------------------------- following


@dataclass
class _State:
    env: dict[str, EnvVar]
    cwd: str | None
    cwd_origin: tuple[str, int] | None


class _Follower:
    def __init__(self, ctx: SpaceContext, image: DockerImage) -> None:
        self.ctx = ctx
        self.image = image
        self.out = Launches()
        self.seen_scripts: set[str] = set()

    def run(self) -> Launches:
        start = self.image.start_command()
        if start is None:
            return self.out
        argv, line = start
        self.out.start_line = line
        env: dict[str, EnvVar] = {}
        for name, value in self.image.env.items():
            env[name] = EnvVar(value, self.image.path, self.image.env_lines.get(name, line))
        if "HOME" not in env and self.image.home:
            env["HOME"] = EnvVar(self.image.home, self.image.path, line)
        workdir_line = next(
            (i.line for i in reversed(self.image.final) if i.cmd == "WORKDIR"), None
        )
        state = _State(
            env,
            self.image.workdir or "/",
            (self.image.path, workdir_line) if workdir_line else None,
        )
        self.out.env = env
        self._exec(list(argv), self.image.path, line, state, (), 0, literal=True)
        return self.out

    # -- one command -----------------------------------------------------------------

    def _exec(
        self,
        argv: list[str],
        path: str,
        line: int,
        state: _State,
        via: tuple[tuple[str, int], ...],
        depth: int,
        literal: bool,
        raw: str = "",
        script_args: Sequence[str] = (),
        extra_env: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Follow one command. `literal`: exec-form words, never expanded by a shell;
        `raw`: the command as written, to find the variables its words came from."""
        if depth > _MAX_DEPTH or not argv:
            return
        via = (*via, (path, line))
        argv = _strip_wrappers(argv)
        if not argv:
            return
        spliced: list[str] = []
        for w in argv:
            if w in {"$@", "$*"}:
                spliced.extend(script_args)
            elif re.fullmatch(r"\$[1-9]", w) and int(w[1]) <= len(script_args):
                spliced.append(script_args[int(w[1]) - 1])
            else:
                spliced.append(w)
        argv = _strip_wrappers(spliced)
        if not argv:
            return
        env = dict(state.env)
        for name, value in extra_env:
            env[name] = EnvVar(value, path, line)
        self.out.steps.append(
            Step(tuple(argv), path, line, state.cwd, state.cwd_origin, tuple(extra_env))
        )
        name = argv[0].rsplit("/", 1)[-1]

        if name in FRONT_SERVERS and self.out.front is None:
            self.out.front = (name, path, line)
            return
        if name in _SHELLS:
            self._shell(argv, path, line, state, via, depth, env, literal)
            return
        if name in {"source", "."} and len(argv) > 1:
            self._script(argv[1], argv[2:], path, line, state, via, depth, share_state=True)
            return

        words = self._resolve_words(argv, literal)
        head = argv[:3]
        gunicorn = self._gunicorn_config(argv, state.cwd, env)
        server = parse_server(
            words,
            {k: v.value for k, v in env.items()},
            streamlit_config=self._streamlit_config(state.cwd) if "streamlit" in head else None,
            gunicorn_config=gunicorn.values if gunicorn else None,
        )
        if server is not None:
            where = gunicorn.where if gunicorn and server.server == "gunicorn" else {}
            self._record(server, argv, raw, path, line, env, state, via, where)
            return
        script = python_script(words)
        if script is not None:
            self._python(script[0], path, line, env, state, via)
            return
        module = python_module(words)
        if module is not None:
            self._python_module(module, path, line, env, state, via)
            return
        # A script run by path (./start.sh, /app/entrypoint.sh, or a name COPYed onto PATH).
        target = self._script_file(argv[0], state.cwd)
        if target is not None:
            self._run_file(target, argv[1:], path, line, state, via, depth)

    def _shell(
        self,
        argv: list[str],
        path: str,
        line: int,
        state: _State,
        via: tuple[tuple[str, int], ...],
        depth: int,
        env: dict[str, EnvVar],
        literal: bool,
    ) -> None:
        i = 1
        while i < len(argv):
            word = argv[i]
            if word.startswith("-") and not word.startswith("--") and "c" in word[1:]:
                if i + 1 < len(argv):
                    self._text(argv[i + 1], path, line, state, via, depth + 1, argv[i + 2 :])
                return
            if word.startswith("-"):
                i += 1
                continue
            self._script(word, argv[i + 1 :], path, line, state, via, depth)
            return

    def _text(
        self,
        text: str,
        path: str,
        first_line: int,
        state: _State,
        via: tuple[tuple[str, int], ...],
        depth: int,
        script_args: Sequence[str] = (),
    ) -> None:
        """Run shell text (a `sh -c` string, a script's contents) command by command."""
        from spacedoctor.sources.shell import parse_script

        values = {k: v.value for k, v in state.env.items()}
        for cmd in parse_script(text, first_line, values):
            if not cmd.argv or cmd.argv[0] in {"export", "declare", "typeset", "readonly"}:
                for name, value in cmd.assignments:
                    state.env[name] = EnvVar(value, path, cmd.line)
                self.out.steps.append(
                    Step(cmd.argv, path, cmd.line, state.cwd, state.cwd_origin, cmd.assignments)
                )
                continue
            if cmd.argv[0] == "cd":
                home = state.env.get("HOME")
                new = cmd.argv[1] if len(cmd.argv) > 1 else (home.value if home else None)
                if new is None or "$" in new or new == "-":
                    state.cwd, state.cwd_origin = None, (path, cmd.line)
                else:
                    base = state.cwd or "/"
                    state.cwd = posixpath.normpath(posixpath.join(base, new))
                    state.cwd_origin = (path, cmd.line)
                continue
            self._exec(
                list(cmd.argv),
                path,
                cmd.line,
                state,
                via,
                depth,
                literal=False,
                raw=cmd.raw,
                script_args=script_args,
                extra_env=cmd.assignments,
            )

    def _script(
        self,
        word: str,
        args: Sequence[str],
        path: str,
        line: int,
        state: _State,
        via: tuple[tuple[str, int], ...],
        depth: int,
        share_state: bool = False,
    ) -> None:
        rel = self._repo_path(word, state.cwd)
        if rel is not None:
            self._run_file(rel, args, path, line, state, via, depth, share_state)

    def _run_file(
        self,
        rel: str,
        args: Sequence[str],
        path: str,
        line: int,
        state: _State,
        via: tuple[tuple[str, int], ...],
        depth: int,
        share_state: bool = False,
    ) -> None:
        if rel.endswith(".py"):
            self._python(rel, path, line, dict(state.env), state, via, repo_path=True)
            return
        try:
            text = self.ctx.repo.read_text(rel)
        except Unreadable:
            return
        first = text.split("\n", 1)[0]
        if first.startswith("#!") and "python" in first:
            self._python(rel, path, line, dict(state.env), state, via, repo_path=True)
            return
        key = f"{rel}:{len(via)}"
        if key in self.seen_scripts:
            return
        self.seen_scripts.add(key)
        inner = state if share_state else _State(dict(state.env), state.cwd, state.cwd_origin)
        self._text(text, rel, 1, inner, via, depth + 1, args)

    # -- values ----------------------------------------------------------------------

    def _resolve_words(self, argv: Sequence[str], literal: bool) -> list[str | None]:
        out: list[str | None] = []
        for w in argv:
            if literal:
                # Exec form: no shell, so `$PORT` reaches the server as the text "$PORT".
                out.append(None if "$" in w else w)
            elif _UNKNOWN_VAR.search(w) or "$(" in w or "`" in w:
                out.append(None)
            else:
                out.append(w)
        return out

    def _origin(
        self, setting: Setting, raw: str, env: Mapping[str, EnvVar], path: str, line: int
    ) -> tuple[str, int, str]:
        """(path, line, source) of the line that decided a setting."""
        if setting.source == "env" and setting.var and setting.var in env:
            found = env[setting.var]
            return found.path, found.line, "env"
        if setting.source == "arg" and setting.value is not None:
            # A word expanded from a variable was decided where the variable was set.
            for name in _VAR_REF.findall(raw):
                var = env.get(name)
                if var is not None and var.value == setting.value:
                    return var.path, var.line, "env"
            return path, line, "arg"
        return path, line, setting.source

    def _record(
        self,
        server: ServerArgs,
        argv: list[str],
        raw: str,
        path: str,
        line: int,
        env: Mapping[str, EnvVar],
        state: _State,
        via: tuple[tuple[str, int], ...],
        config_where: Mapping[str, tuple[str, int]],
    ) -> None:
        hp, hl, hs = self._origin(server.host, raw, env, path, line)
        pp, pl, ps = self._origin(server.port, raw, env, path, line)
        workers: int | None = None
        wp, wl, ws = path, line, "default"
        if server.workers is not None:
            workers = _count(server.workers.value)
            wp, wl, ws = self._origin(server.workers, raw, env, path, line)
            if server.workers.source == "config" and "workers" in config_where:
                wp, wl = config_where["workers"]
        port = _int(server.port.value)
        trust = server.trust.value if server.trust else None
        proxy = server.proxy_headers
        self.out.launches.append(
            Launch(
                server=server.server,
                path=path,
                line=line,
                host=server.host.value,
                host_line=hl,
                port=port,
                port_line=pl,
                argv=tuple(argv),
                proxy_headers=proxy,
                host_path=hp,
                port_path=pp,
                host_source=hs,
                port_source=ps,
                trust=trust,
                target=server.target,
                cwd=state.cwd,
                via=via,
                workers=workers,
                workers_line=wl,
                workers_path=wp,
                workers_source=ws,
            )
        )

    # -- files -----------------------------------------------------------------------

    def _image_path(self, word: str, cwd: str | None) -> str | None:
        if word.startswith("/"):
            return posixpath.normpath(word)
        if cwd is None:
            return None
        return posixpath.normpath(posixpath.join(cwd, word))

    def _repo_path(self, word: str, cwd: str | None) -> str | None:
        """The repo file behind an image path, through the final stage's COPY/ADD."""
        if "$" in word:
            return None
        image_path = self._image_path(word, cwd)
        if image_path is not None:
            found = self.copied_from(image_path)
            if found is not None:
                return found
        if not word.startswith("/") and posixpath.normpath(word) in self.ctx.repo:
            # A relative path the COPY lines do not explain (e.g. no COPY at all): the repo file
            # of that name is the best reading, and the one the Space's author meant.
            return posixpath.normpath(word)
        return None

    def copied_from(self, image_path: str) -> str | None:
        return copied_from(self.image.copies, self.ctx.repo, image_path)

    def _script_file(self, word: str, cwd: str | None) -> str | None:
        if "/" in word:
            return self._repo_path(word, cwd)
        for d in ("/usr/local/bin", "/usr/bin", "/bin"):
            found = self.copied_from(f"{d}/{word}")
            if found is not None:
                return found
        return None

    def _streamlit_config(self, cwd: str | None) -> dict[str, str] | None:
        rel = self._repo_path(".streamlit/config.toml", cwd)
        if rel is None:
            return None
        try:
            server = streamlit_server_config(self.ctx.repo.read_text(rel))
        except Unreadable:
            return None
        if server is None:
            return None
        out: dict[str, str] = {}
        if isinstance(server.get("port"), int):
            out["port"] = str(server["port"])
        address = server.get("address")
        if isinstance(address, str):
            out["address"] = address
        return out

    def _gunicorn_config(
        self, argv: Sequence[str], cwd: str | None, env: Mapping[str, EnvVar]
    ) -> _GunicornConfig | None:
        """What the gunicorn config file in effect sets, and where; None without one."""
        name = argv[0].rsplit("/", 1)[-1] if argv else ""
        if name != "gunicorn" and "gunicorn" not in argv[:3]:
            return None
        named: str | None = None
        for i, w in enumerate(argv):
            if w in {"-c", "--config"} and i + 1 < len(argv):
                named = argv[i + 1]
            elif w.startswith("--config="):
                named = w.split("=", 1)[1]
        if named is not None and named.startswith("python:"):
            return None  # a module on sys.path: out of reach, every setting stays unknown
        rel = self._repo_path(named or "gunicorn.conf.py", cwd)
        if rel is None:
            return None
        module = self.ctx.app.modules.get(rel)
        if module is None:
            return _GunicornConfig({"bind": None, "forwarded_allow_ips": None, "workers": None})
        out: dict[str, str | None] = {}
        where: dict[str, tuple[str, int]] = {}
        for node in module.tree.body:
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Name) and t.id in {"bind", "forwarded_allow_ips"}:
                        value = node.value
                        if isinstance(value, ast.List | ast.Tuple) and value.elts:
                            value = value.elts[0]
                        out[t.id] = const_str(value)
        found = _config_workers(module, env)
        if found is not None:
            out["workers"] = found.value
            where["workers"] = (found.path, found.line)
        return _GunicornConfig(out, where)

    # -- Python code -----------------------------------------------------------------

    def _python(
        self,
        word: str,
        path: str,
        line: int,
        env: dict[str, EnvVar],
        state: _State,
        via: tuple[tuple[str, int], ...],
        repo_path: bool = False,
    ) -> None:
        rel = word if repo_path else self._repo_path(word, state.cwd)
        if rel is None:
            return
        self.out.scripts.append(rel)
        module = self.ctx.app.modules.get(rel)
        if module is None:
            return
        for launch in code_launches(module, env):
            self.out.launches.append(replace(launch, cwd=state.cwd, via=via))

    def _python_module(
        self,
        module: str,
        path: str,
        line: int,
        env: dict[str, EnvVar],
        state: _State,
        via: tuple[tuple[str, int], ...],
    ) -> None:
        base = module.replace(".", "/")
        for cand in (f"{base}.py", f"{base}/__main__.py"):
            rel = self._repo_path(cand, state.cwd)
            if rel is not None:
                self._python(rel, path, line, env, state, via, repo_path=True)
                return


@dataclass(frozen=True)
class _GunicornConfig:
    values: dict[str, str | None]
    where: dict[str, tuple[str, int]] = field(default_factory=dict)


def _config_workers(module: Module, env: Mapping[str, EnvVar]) -> _Value | None:
    """`workers = N` in a gunicorn config file: a constant, or a value read from the
    environment (`int(os.getenv("WEB_CONCURRENCY", 2))`); None when the file does not set it.
    Set conditionally (inside if/try/for) or computed (`cpu_count() * 2 + 1`): value unknown."""
    top: ast.Assign | ast.AnnAssign | None = None
    nested = False
    for stmt in _flatten(module.tree.body):
        targets: list[ast.expr] = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
            targets = [stmt.target]
        if not any("workers" in _target_names(t) for t in targets):
            continue
        if stmt in module.tree.body and isinstance(stmt, ast.Assign | ast.AnnAssign):
            top = stmt
        else:
            nested = True
    if top is None and not nested:
        return None
    line = top.lineno if top is not None else 1
    unknown = _Value(None, module.path, line, "config")
    if top is None or nested or top.value is None:
        return unknown
    got = _eval(module, top.value, module.tree.body, env)
    if not isinstance(got, _Value) or got.value is None:
        return unknown
    source = "env" if got.source == "env" else "config"
    if source == "config":
        return _Value(got.value, module.path, line, source)
    return _Value(got.value, got.path, got.line, source)


def copied_from(copies: Sequence[CopySource], files: Container[str], image_path: str) -> str | None:
    """The repo file that a final-stage COPY/ADD from the build context put at `image_path`
    (the last COPY that wrote a file there wins)."""
    for cp in reversed(copies):
        if cp.is_dir:
            prefix = cp.dest.rstrip("/") + "/"
            if image_path.startswith(prefix):
                rest = image_path[len(prefix) :]
                cand = posixpath.join(cp.src, rest) if cp.src else rest
                if cand in files:
                    return cand
        elif image_path == cp.dest and cp.src in files:
            return cp.src
    return None


def _strip_wrappers(argv: list[str]) -> list[str]:
    """Drop process wrappers that run the rest of the line: tini, dumb-init, gosu USER,
    uv/poetry/pipenv run, conda run -n ENV, exec, nohup, env."""
    changed = True
    while changed and argv:
        changed = False
        name = argv[0].rsplit("/", 1)[-1]
        if name in {"exec", "nohup", "tini", "dumb-init", "--", "time", "stdbuf"}:
            argv = argv[1:]
            while argv and argv[0].startswith("-") and name != "--":
                argv = argv[1:]
            changed = True
        elif name in {"gosu", "su-exec"} and len(argv) > 2:
            argv = argv[2:]
            changed = True
        elif name == "env":
            argv = argv[1:]
            while argv and ("=" in argv[0] or argv[0].startswith("-")):
                argv = argv[1:]
            changed = True
        elif name in {"uv", "poetry", "pipenv", "pdm", "hatch"} and len(argv) > 1:
            if argv[1] != "run":
                return argv
            argv = argv[2:]
            while argv and argv[0].startswith("-"):
                takes = argv[0] in {"--with", "--python", "-p", "--env", "-e", "--project"}
                argv = argv[2:] if takes else argv[1:]
            changed = True
        elif name in {"conda", "mamba", "micromamba"} and len(argv) > 1 and argv[1] == "run":
            argv = argv[2:]
            while argv and argv[0].startswith("-"):
                takes = argv[0] in {"-n", "--name", "-p", "--prefix"}
                argv = argv[2:] if takes else argv[1:]
            changed = True
    return argv


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        port = int(value.strip())
    except ValueError:
        return None
    return port if 0 < port < 65536 else None


def _count(value: str | None) -> int | None:
    """A worker count as the servers read it: 0 means one process (uvicorn's `workers or 1`,
    hypercorn's in-process worker); anything that is not a number is unknown."""
    if value is None:
        return None
    try:
        n = int(value.strip())
    except ValueError:
        return None
    return max(n, 1) if n >= 0 else None


# ---------------------------------------------------------------------------- Python code

_UNSET = object()  # an environment lookup of a variable nobody sets (os.getenv -> None)


@dataclass(frozen=True)
class _Value:
    value: str | None  # None: cannot be known
    path: str
    line: int
    source: str  # "code", "env", "default"


def code_launches(module: Module, env: Mapping[str, EnvVar]) -> list[Launch]:
    """Server calls in a Python file run as a script: at module level, under
    `if __name__ == "__main__":`, or in module-level functions called from there."""
    env = dict(env)
    runs = list(_running_statements(module))
    _code_env(module, runs, env)
    imports = set(module.imports.values())
    gradio = any(v == "gradio" or v.startswith("gradio.") for v in imports)
    bound = _bound_calls(module)
    out: list[Launch] = []
    for stmt, scope in runs:
        for call in _calls(stmt):
            launch = _launch_of(module, call, scope, env, gradio, bound)
            if launch is not None:
                out.append(launch)
    return out


def _is_main_guard(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, *test.comparators]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    consts = [s for s in sides if const_str(s) == "__main__"]
    return bool(names and consts)


_Scope = list[ast.stmt]


def _running_statements(module: Module) -> Iterator[tuple[ast.stmt, _Scope]]:
    """(statement, its function body or None for module level) for code that runs."""
    funcs = {
        n.name: n for n in module.tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    seen: set[str] = set()

    def walk(stmts: list[ast.stmt], scope: _Scope) -> Iterator[tuple[ast.stmt, _Scope]]:
        for stmt in stmts:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if isinstance(stmt, ast.If) and _is_main_guard(stmt.test):
                yield from walk(stmt.body, scope)
                continue
            for sub in _blocks(stmt):
                yield from walk(sub, scope)
            if not _blocks(stmt):
                yield stmt, scope
            for call in _calls(stmt):
                if isinstance(call.func, ast.Name) and call.func.id in funcs:
                    name = call.func.id
                    if name not in seen:
                        seen.add(name)
                        yield from walk(funcs[name].body, funcs[name].body)

    yield from walk(module.tree.body, module.tree.body)


def _blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    if isinstance(stmt, ast.If | ast.For | ast.While | ast.AsyncFor):
        return [stmt.body, stmt.orelse]
    if isinstance(stmt, ast.With | ast.AsyncWith):
        return [stmt.body]
    if isinstance(stmt, ast.Try):
        return [stmt.body, stmt.orelse, stmt.finalbody, *[h.body for h in stmt.handlers]]
    return []


def _calls(stmt: ast.stmt) -> Iterator[ast.Call]:
    """Calls in a simple statement (not inside lambdas)."""
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        if isinstance(node, ast.Call):
            yield node
        if isinstance(node, ast.stmt) and node is not stmt and _blocks(node):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _code_env(module: Module, runs: list[tuple[ast.stmt, _Scope]], env: dict[str, EnvVar]) -> None:
    """`os.environ["GRADIO_SERVER_NAME"] = "0.0.0.0"` / `os.environ.setdefault(...)` in running
    code set variables for the server call that follows."""
    for stmt, _ in runs:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            t = stmt.targets[0]
            if isinstance(t, ast.Subscript) and module.qualname(t.value) == "os.environ":
                name = const_str(t.slice)
                value = const_str(stmt.value)
                if name and value is not None:
                    env[name] = EnvVar(value, module.path, stmt.lineno)
        for call in _calls(stmt):
            if module.qualname(call.func) == "os.environ.setdefault" and len(call.args) == 2:
                name = const_str(call.args[0])
                value = const_str(call.args[1])
                if name and value is not None and name not in env:
                    env[name] = EnvVar(value, module.path, call.lineno)


def _bound_calls(module: Module) -> dict[str, str]:
    """Module-level names bound to a constructor call: {"app": "flask.Flask"}."""
    out: dict[str, str] = {}
    for node in module.of(ast.Assign):
        if isinstance(node.value, ast.Call):
            callee = module.qualname(node.value.func)
            if callee is None:
                continue
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out[t.id] = callee
    return out


def _launch_of(
    module: Module,
    call: ast.Call,
    scope: _Scope,
    env: Mapping[str, EnvVar],
    gradio: bool,
    bound: Mapping[str, str],
) -> Launch | None:
    callee = module.qualname(call.func) or ""
    attr = call.func.attr if isinstance(call.func, ast.Attribute) else None
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    recv_kind = bound.get(receiver.id, "") if isinstance(receiver, ast.Name) else ""

    def ev(node: ast.expr | None, default: str | None, var: str | None = None) -> _Value:
        return _value(module, node, scope, env, call, default, var)

    if callee in {"uvicorn.run", "uvicorn.Config", "uvicorn.config.Config"}:
        host = ev(keyword(call, "host"), "127.0.0.1")
        port = ev(keyword(call, "port"), "8000")
        trust = ev(keyword(call, "forwarded_allow_ips"), None, "FORWARDED_ALLOW_IPS")
        trust_value = trust.value if trust.source != "default" else "127.0.0.1"
        proxy_kw = keyword(call, "proxy_headers")
        proxy_on = not (isinstance(proxy_kw, ast.Constant) and proxy_kw.value is False)
        proxy = trusts_proxy(trust_value) if proxy_on else False
        app_arg = call.args[0] if call.args else keyword(call, "app")
        target = const_str(app_arg)
        workers = _code_workers(module, call, callee, target is not None, ev)
        launch = _make("uvicorn", module, call, host, port, proxy, trust_value, target)
        return _with_workers(launch, workers)
    if gradio and attr == "launch":
        host = ev(keyword(call, "server_name"), "127.0.0.1", "GRADIO_SERVER_NAME")
        port = ev(keyword(call, "server_port"), "7860", "GRADIO_SERVER_PORT")
        return _make("gradio", module, call, host, port)
    if attr in {"run", "run_server"} and recv_kind.startswith("dash."):
        host = ev(_arg(call, 0, "host"), "127.0.0.1", "HOST")
        port = ev(_arg(call, 1, "port"), "8050", "PORT")
        return _make("dash", module, call, host, port)
    if attr == "run" and recv_kind in {"flask.Flask", "flask.app.Flask"}:
        host = ev(_arg(call, 0, "host"), "127.0.0.1")
        port = ev(_arg(call, 1, "port"), "5000")
        launch = _make("flask", module, call, host, port, proxy=False)
        # werkzeug's run_simple(processes=N) forks a process per request: none shares memory.
        processes = ev(keyword(call, "processes"), "1")
        return _with_workers(launch, processes)
    if attr == "run" and recv_kind == "flask_socketio.SocketIO":
        host = ev(_arg(call, 1, "host"), "127.0.0.1")
        port = ev(_arg(call, 2, "port"), "5000")
        return _make("flask-socketio", module, call, host, port, proxy=False)
    if callee in _SOCKETSERVERS and call.args and isinstance(call.args[0], ast.Tuple):
        elts = call.args[0].elts
        if len(elts) == 2:
            host = ev(elts[0], None)
            port = ev(elts[1], None)
            return _make("http.server", module, call, host, port)
    return None


_SOCKETSERVERS = frozenset(
    {
        "http.server.HTTPServer",
        "http.server.ThreadingHTTPServer",
        "socketserver.TCPServer",
        "socketserver.ThreadingTCPServer",
    }
)


def _code_workers(
    module: Module,
    call: ast.Call,
    callee: str,
    import_string: bool,
    ev: Callable[[ast.expr | None, str | None, str | None], _Value],
) -> _Value:
    """Worker processes of `uvicorn.run(...)`: `reload=True` runs one; `workers=`, else
    $WEB_CONCURRENCY, else 1 (uvicorn Config). With more than one and an app object rather
    than an import string, uvicorn.run logs an error and exits: the count is then None.
    `uvicorn.Config(...)` is served by `Server(config).run()`, always one process."""
    here = (module.path, call.lineno)
    if callee != "uvicorn.run":
        return _Value("1", *here, "default")
    reload = keyword(call, "reload")
    if isinstance(reload, ast.Constant) and reload.value is True:
        return _Value("1", module.path, reload.lineno, "code")
    if reload is not None and not isinstance(reload, ast.Constant):
        return _Value(None, module.path, reload.lineno, "code")  # reload decided at run time
    found = ev(keyword(call, "workers"), "1", "WEB_CONCURRENCY")
    count = _count(found.value)
    if count is not None and count > 1 and not import_string:
        return _Value(None, found.path, found.line, found.source)
    return found


def _with_workers(launch: Launch, workers: _Value) -> Launch:
    return replace(
        launch,
        workers=_count(workers.value),
        workers_line=workers.line,
        workers_path=workers.path,
        workers_source=workers.source,
    )


def _arg(call: ast.Call, index: int, name: str) -> ast.expr | None:
    found = keyword(call, name)
    if found is not None:
        return found
    if index < len(call.args) and not isinstance(call.args[index], ast.Starred):
        return call.args[index]
    return None


def _make(
    server: str,
    module: Module,
    call: ast.Call,
    host: _Value,
    port: _Value,
    proxy: bool | None = None,
    trust: str | None = None,
    target: str | None = None,
) -> Launch:
    # gradio, dash, flask, socketio and http.server serve from one process unless told otherwise.
    return Launch(
        workers=1,
        workers_line=call.lineno,
        workers_path=module.path,
        server=server,
        path=module.path,
        line=call.lineno,
        host=host.value,
        host_line=host.line,
        port=_int(port.value),
        port_line=port.line,
        proxy_headers=proxy,
        host_path=host.path,
        port_path=port.path,
        host_source=host.source,
        port_source=port.source,
        trust=trust,
        target=target or module.path,
    )


def _value(
    module: Module,
    node: ast.expr | None,
    scope: _Scope,
    env: Mapping[str, EnvVar],
    call: ast.Call,
    default: str | None,
    var: str | None = None,
    depth: int = 0,
) -> _Value:
    """The value of a server argument. Absent (or None): the environment variable the server
    reads (`var`), else the server's default."""
    here = (module.path, call.lineno)
    got = _eval(module, node, scope, env, depth) if node is not None else _UNSET
    if got is _UNSET:
        if var is not None and var in env:
            ev = env[var]
            return _Value(ev.value, ev.path, ev.line, "env")
        return _Value(default, *here, "default")
    assert isinstance(got, _Value)
    return got


def _eval(
    module: Module,
    node: ast.expr,
    scope: _Scope,
    env: Mapping[str, EnvVar],
    depth: int = 0,
) -> _Value | object:
    """A value, `_UNSET` (evaluates to None at runtime), or a _Value with value None (unknown)."""
    line = getattr(node, "lineno", 1)
    unknown = _Value(None, module.path, line, "code")
    if depth > 8:
        return unknown
    if isinstance(node, ast.Constant):
        if node.value is None:
            return _UNSET
        if isinstance(node.value, str):
            return _Value(node.value, module.path, line, "code")
        if const_int(node) is not None:
            return _Value(str(node.value), module.path, line, "code")
        return unknown
    if isinstance(node, ast.Call):
        callee = module.qualname(node.func)
        if callee in {"int", "str"} and len(node.args) == 1:
            return _eval(module, node.args[0], scope, env, depth + 1)
        if callee in {"os.environ.get", "os.getenv"} and node.args:
            name = const_str(node.args[0])
            if name is None:
                return unknown
            if name in env:
                ev = env[name]
                return _Value(ev.value, ev.path, ev.line, "env")
            fallback = node.args[1] if len(node.args) > 1 else keyword(node, "default")
            if fallback is None:
                return _UNSET
            return _eval(module, fallback, scope, env, depth + 1)
        return unknown
    if isinstance(node, ast.Subscript) and module.qualname(node.value) == "os.environ":
        name = const_str(node.slice)
        if name is not None and name in env:
            ev = env[name]
            return _Value(ev.value, ev.path, ev.line, "env")
        return unknown
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        for operand in node.values:
            got = _eval(module, operand, scope, env, depth + 1)
            if got is _UNSET:
                continue
            if isinstance(got, _Value) and got.value == "":
                continue
            return got
        return _UNSET
    if isinstance(node, ast.Name):
        assigned = _assignment(scope, node.id, line) or _assignment(
            module.tree.body, node.id, line if scope is module.tree.body else None
        )
        if assigned is None:
            return unknown
        return _eval(module, assigned, scope, env, depth + 1)
    return unknown


def _assignment(stmts: list[ast.stmt], name: str, before: int | None) -> ast.expr | None:
    """The last simple `name = expr` in `stmts` (nested blocks included) before line `before`;
    None when there is none, or when `name` is also bound some other way (loop, with, del)."""
    found: ast.expr | None = None
    for stmt in _flatten(stmts):
        if before is not None and stmt.lineno >= before:
            break
        if isinstance(stmt, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
                found = stmt.value
            elif any(name in _target_names(t) for t in stmt.targets):
                return None
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            if stmt.target.id == name and stmt.value is not None:
                found = stmt.value
        elif isinstance(stmt, ast.AugAssign | ast.For | ast.With) and name in _bound_names(stmt):
            return None
    return found


def _flatten(stmts: list[ast.stmt]) -> Iterator[ast.stmt]:
    for stmt in stmts:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        yield stmt
        for block in _blocks(stmt):
            yield from _flatten(block)


def _target_names(node: ast.expr) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _bound_names(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, ast.AugAssign):
        return _target_names(stmt.target)
    if isinstance(stmt, ast.For):
        return _target_names(stmt.target)
    if isinstance(stmt, ast.With):
        out: set[str] = set()
        for item in stmt.items:
            if item.optional_vars is not None:
                out |= _target_names(item.optional_vars)
        return out
    return set()
