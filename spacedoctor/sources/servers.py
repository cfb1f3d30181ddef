"""Command lines of the servers a Space starts, parsed the way each server's own CLI reads them:
options, the environment variables the CLI consults, and its defaults (host, port, proxy trust).

Pure functions over argv words: a word is None when it holds a variable nobody sets (unknown).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

#: Hosts that only accept connections from inside the container.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]", "ip6-localhost"})
#: Hosts meaning "every interface".
ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]", "", "0", "*"})  # noqa: S104


def is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    h = host.strip().lower()
    return h in LOOPBACK or h.startswith("127.")


def trusts_proxy(value: str | None) -> bool | None:
    """Does a forwarded-allow-ips value trust the Spaces proxy? None: cannot be known.
    Only loopback entries (the servers' default) exclude the proxy, which connects from
    another address; any other list may include it, so it is not held against the Space."""
    if value is None:
        return None
    items = [v.strip() for v in value.split(",") if v.strip()]
    if not items:
        return False
    return not all(is_loopback(i) for i in items)


@dataclass(frozen=True)
class Setting:
    """One resolved setting (host, port, forwarded-allow-ips) and what decided it."""

    value: str | None  # None: set from something that cannot be known
    source: str  # "arg" (a word of argv), "env" (a variable the server reads), "default", "config"
    index: int | None = None  # argv index of the word that holds the value (source "arg")
    var: str | None = None  # the environment variable (source "env")


@dataclass(frozen=True)
class ServerArgs:
    """What a server command line says about where the server listens."""

    server: str  # uvicorn, fastapi, gunicorn, hypercorn, streamlit, flask, http.server, node
    host: Setting
    port: Setting
    #: forwarded-allow-ips (uvicorn family, gunicorn); None for servers without that notion
    trust: Setting | None = None
    #: X-Forwarded-* honoured from the Spaces proxy: True/False, None when unknown or n/a
    proxy_headers: bool | None = None
    target: str | None = None  # the app it serves: "main:app", "app.py"
    app_dir: str | None = None  # uvicorn --app-dir / gunicorn --chdir
    #: worker processes serving requests (each with its own memory); value None: unknown.
    #: None for servers whose process model is out of reach (node).
    workers: Setting | None = None


#: The setting of a server that always serves from one process (streamlit, flask's development
#: server, http.server, gradio).
ONE_PROCESS = Setting("1", "default")
_FALSE = frozenset({"0", "false", "no", "off", "n", "f"})


def _truthy(value: str) -> bool:
    return value.strip().lower() not in _FALSE and value.strip() != ""


def _opt(
    argv: Sequence[str | None], i: int, names: tuple[str, ...], short: tuple[str, ...] = ()
) -> tuple[str | None, int, int] | None:
    """If argv[i] is one of the options `names` (long, with `=` or a separate value) or
    `short` (with attached or separate value), return (value, value_index, next_i)."""
    word = argv[i]
    if word is None:
        return None
    for name in names:
        if word == name:
            if i + 1 < len(argv):
                return argv[i + 1], i + 1, i + 2
            return None
        if word.startswith(name + "="):
            return word[len(name) + 1 :], i, i + 1
    for s in short:
        if word == s:
            if i + 1 < len(argv):
                return argv[i + 1], i + 1, i + 2
            return None
        if word.startswith(s) and len(word) > len(s) and not word.startswith("--"):
            return word[len(s) :], i, i + 1
    return None


def _env(env: Mapping[str, str], *names: str) -> Setting | None:
    for name in names:
        if name in env:
            return Setting(env[name], "env", var=name)
    return None


@dataclass(frozen=True)
class ArgScan:
    """What `scan_args` found in a run of argv words."""

    #: (field, setting) for every option of the table found, in argv order; the setting's index
    #: is that of the word holding the value
    found: tuple[tuple[str, Setting], ...] = ()
    #: (word, index) of the words that are not options nor option values
    positional: tuple[tuple[str, int], ...] = ()
    #: (word, index) of the flags the caller asked about (`report`), in argv order
    flags: tuple[tuple[str, int], ...] = ()

    def last(self, field: str) -> Setting | None:
        """The setting of the last occurrence of `field` (the one the servers' CLIs keep)."""
        return next((s for f, s in reversed(self.found) if f == field), None)

    def first(self, field: str) -> Setting | None:
        return next((s for f, s in self.found if f == field), None)

    def target(self) -> str | None:
        """The first positional word (the app a server is pointed at)."""
        return self.positional[0][0] if self.positional else None


def _takes_value(
    word: str, flags: Collection[str], attached_short: bool, valued: Collection[str] | None
) -> bool:
    """Whether an option outside the table is followed by its value (so that word is skipped)."""
    if valued is not None:
        return word in valued
    if word in flags or "=" in word:
        return False
    return not (attached_short and len(word) > 2 and word[1] != "-")


def scan_args(
    argv: Sequence[str | None],
    start: int,
    options: Mapping[str, tuple[str, ...]],
    *,
    flags: Collection[str] = (),
    report: Collection[str] = (),
    attached_short: bool = False,
    valued: Collection[str] | None = None,
    end: int | None = None,
    dashdash: bool = False,
) -> ArgScan:
    """Read argv[start:end] against `options`, a table of field -> spellings (`--host`,
    `-b`): `--opt value`, `--opt=value`, and for a one-letter `-o` also `-ovalue`; an option
    with no word left for its value is not one. A word that is no option of the table and
    starts with `-` is skipped with its value unless it is one of `flags`, holds `=`, or
    (`attached_short`) is a short option with its value attached; with `valued` given, only
    those options take a value. `report` names flags to return with their index. With
    `dashdash`, `--` ends the scan. Words that hold an unknown variable (None) are skipped.
    Option values may lie at or past `end`; only option words are looked for before it."""
    table = [
        (
            field,
            tuple(s for s in spellings if not _is_short(s)),
            tuple(s for s in spellings if _is_short(s)),
        )
        for field, spellings in options.items()
    ]
    stop = len(argv) if end is None else end
    found: list[tuple[str, Setting]] = []
    positional: list[tuple[str, int]] = []
    reported: list[tuple[str, int]] = []
    i = start
    while i < stop:
        word = argv[i]
        if word is None:
            i += 1
            continue
        for field, names, short in table:
            got = _opt(argv, i, names, short)
            if got is not None:
                found.append((field, Setting(got[0], "arg", got[1])))
                i = got[2]
                break
        else:
            if dashdash and word == "--":
                break
            if word in report:
                reported.append((word, i))
            if word.startswith("-"):
                i += 2 if _takes_value(word, flags, attached_short, valued) else 1
                continue
            positional.append((word, i))
            i += 1
    return ArgScan(tuple(found), tuple(positional), tuple(reported))


def _is_short(spelling: str) -> bool:
    return len(spelling) == 2 and spelling[0] == "-" and spelling[1] != "-"


# ---------------------------------------------------------------- uvicorn and fastapi-cli

_UVICORN_FLAGS = frozenset(
    {
        "--reload",
        "--proxy-headers",
        "--no-proxy-headers",
        "--use-colors",
        "--no-use-colors",
        "--access-log",
        "--no-access-log",
        "--server-header",
        "--no-server-header",
        "--date-header",
        "--no-date-header",
        "--factory",
        "--version",
        "--help",
        "--reset-contextvars",
    }
)


#: The options uvicorn and `fastapi run/dev` share.
_UVICORN_OPTIONS: Mapping[str, tuple[str, ...]] = {
    "host": ("--host",),
    "port": ("--port",),
    "trust": ("--forwarded-allow-ips",),
    "workers": ("--workers",),
}


def parse_uvicorn(argv: Sequence[str | None], env: Mapping[str, str]) -> ServerArgs:
    """`uvicorn main:app --host H --port P`. The CLI reads UVICORN_<OPTION> variables
    (click auto_envvar_prefix); uvicorn's Config reads FORWARDED_ALLOW_IPS; defaults
    127.0.0.1:8000, proxy headers on but trusted only from 127.0.0.1.
    Workers: --workers / UVICORN_WORKERS, else $WEB_CONCURRENCY (read by Config), else 1;
    --reload (or UVICORN_RELOAD) runs one server process and ignores them."""
    scan = scan_args(
        argv,
        1,
        {**_UVICORN_OPTIONS, "app_dir": ("--app-dir",), "unix": ("--uds", "--fd")},
        flags=_UVICORN_FLAGS,
        report=("--proxy-headers", "--no-proxy-headers", "--reload"),
    )
    proxy = True
    reload: Setting | None = None
    for flag, at in scan.flags:
        if flag == "--reload":
            reload = Setting("1", "arg", at)
        else:
            proxy = flag == "--proxy-headers"
    workers = scan.last("workers")
    app_dir = scan.last("app_dir")
    if reload is None and _truthy(env.get("UVICORN_RELOAD", "")):
        reload = Setting("1", "env", var="UVICORN_RELOAD")
    workers = reload or _uvicorn_workers(workers or _env(env, "UVICORN_WORKERS"), env)
    if proxy and "UVICORN_PROXY_HEADERS" in env:
        proxy = env["UVICORN_PROXY_HEADERS"].strip().lower() not in {"0", "false", "no", "off"}
    host = scan.last("host") or _env(env, "UVICORN_HOST") or Setting("127.0.0.1", "default")
    port = scan.last("port") or _env(env, "UVICORN_PORT") or Setting("8000", "default")
    if scan.last("unix") is not None:
        host = port = Setting(None, "arg")
    trust = (
        scan.last("trust")
        or _env(env, "UVICORN_FORWARDED_ALLOW_IPS", "FORWARDED_ALLOW_IPS")
        or Setting("127.0.0.1", "default")
    )
    return ServerArgs(
        "uvicorn",
        host,
        port,
        trust,
        _proxy(proxy, trust),
        target=scan.target(),
        app_dir=app_dir.value if app_dir else None,
        workers=workers,
    )


def _uvicorn_workers(given: Setting | None, env: Mapping[str, str]) -> Setting:
    """uvicorn's Config: a workers value given (CLI option, its variable, `workers=`) wins,
    else $WEB_CONCURRENCY, else 1 (`workers or 1`: 0 means 1 too)."""
    return given or _env(env, "WEB_CONCURRENCY") or Setting("1", "default")


def _proxy(enabled: bool, trust: Setting) -> bool | None:
    if not enabled:
        return False
    return trusts_proxy(trust.value)


def parse_fastapi(argv: Sequence[str | None], env: Mapping[str, str]) -> ServerArgs | None:
    """`fastapi run [path]` (default host 0.0.0.0) / `fastapi dev` (127.0.0.1), port 8000;
    it runs uvicorn.run, so FORWARDED_ALLOW_IPS and WEB_CONCURRENCY are read by uvicorn's
    Config. `fastapi run --workers N`; `fastapi dev` reloads (one process) unless --no-reload."""
    mode = next((w for w in argv[1:] if w in {"run", "dev"}), None)
    if mode is None:
        return None
    scan = scan_args(
        argv,
        1,
        _UVICORN_OPTIONS,
        flags=_UVICORN_FLAGS | {"--no-reload"},
        report=("--no-proxy-headers", "--reload", "--no-reload"),
    )
    reload: Setting | None = Setting("1", "default") if mode == "dev" else None
    for flag, at in scan.flags:
        if flag != "--no-proxy-headers":
            reload = Setting("1", "arg", at) if flag == "--reload" else None
    proxy = all(flag != "--no-proxy-headers" for flag, _ in scan.flags)
    target = next((w for w, _ in scan.positional if w != mode), None)
    default_host = "0.0.0.0" if mode == "run" else "127.0.0.1"  # noqa: S104 - fastapi-cli's default
    host = scan.last("host") or Setting(default_host, "default")
    port = scan.last("port") or Setting("8000", "default")
    trust = (
        scan.last("trust") or _env(env, "FORWARDED_ALLOW_IPS") or Setting("127.0.0.1", "default")
    )
    return ServerArgs(
        "fastapi",
        host,
        port,
        trust,
        _proxy(proxy, trust),
        target=target,
        workers=reload or _uvicorn_workers(scan.last("workers"), env),
    )


# ---------------------------------------------------------------- gunicorn, hypercorn


def split_bind(value: str | None, default_port: str = "8000") -> tuple[str | None, str | None]:
    """gunicorn/hypercorn `HOST`, `HOST:PORT`, `[V6]:PORT`, `:PORT`; (None, None) for unix:/fd:."""
    if value is None:
        return None, None
    v = value.strip()
    if v.startswith(("unix:", "fd://")):
        return None, None
    if v.startswith("tcp://"):
        v = v[len("tcp://") :]
    if v.startswith("[") and "]" in v:
        host, _, rest = v[1:].partition("]")
        return host, rest[1:] if rest.startswith(":") and rest[1:] else default_port
    if ":" in v:
        host, _, port = v.partition(":")
        return host, port or default_port
    return (v or "0.0.0.0"), default_port  # noqa: S104 - gunicorn's reading of an empty host


def _bind_settings(bind: Setting, default_port: str = "8000") -> tuple[Setting, Setting]:
    host, port = split_bind(bind.value, default_port)
    return (
        Setting(host, bind.source, bind.index, bind.var),
        Setting(port, bind.source, bind.index, bind.var),
    )


_GUNICORN_FLAGS = frozenset(
    {
        "--reload",
        "--preload",
        "--daemon",
        "-D",
        "--check-config",
        "--print-config",
        "--capture-output",
        "--spew",
        "--no-sendfile",
        "--reuse-port",
        "--strip-header-spaces",
        "--enable-stdio-inheritance",
        "-R",
        "--help",
        "--version",
        "-v",
    }
)


_GUNICORN_OPTIONS: Mapping[str, tuple[str, ...]] = {
    "bind": ("--bind", "-b"),
    "trust": ("--forwarded-allow-ips",),
    "worker": ("--worker-class", "-k"),
    "config": ("--config", "-c"),
    "chdir": ("--chdir",),
    "workers": ("--workers", "-w"),
}


def _gunicorn_words(
    argv: Sequence[str | None], offset: int
) -> tuple[list[tuple[str, Setting]], str | None, bool]:
    """(settings in order, target, whether a config file is named) from gunicorn words."""
    scan = scan_args(argv, offset, _GUNICORN_OPTIONS, flags=_GUNICORN_FLAGS, attached_short=True)
    return list(scan.found), scan.target(), scan.first("config") is not None


def parse_gunicorn(
    argv: Sequence[str | None],
    env: Mapping[str, str],
    config: Mapping[str, str | None] | None = None,
) -> ServerArgs:
    """`gunicorn -b HOST:PORT -k uvicorn.workers.UvicornWorker main:app`. Precedence: command
    line > GUNICORN_CMD_ARGS > config file (-c, or ./gunicorn.conf.py) > default, which is
    0.0.0.0:$PORT when PORT is set, else 127.0.0.1:8000. forwarded-allow-ips defaults to
    $FORWARDED_ALLOW_IPS or 127.0.0.1 (and uvicorn workers take gunicorn's value). Workers
    (-w/--workers) default to $WEB_CONCURRENCY, else 1 (gunicorn's `Workers` setting).

    `config` is what the applicable config file sets (`bind`, `forwarded_allow_ips`,
    `workers`; a None value: set to something that cannot be known); None when there is no
    config file. A `-c` naming a file that was not given here makes every setting it could
    hold unknown."""
    cli, target, named_config = _gunicorn_words(argv, 1)
    env_words: list[tuple[str, Setting]] = []
    raw_env = env.get("GUNICORN_CMD_ARGS")
    if raw_env:
        try:
            split: list[str | None] = list(shlex.split(raw_env))
        except ValueError:
            split = []
        parsed, _, env_config = _gunicorn_words(split, 0)
        named_config = named_config or env_config
        env_words = [(k, Setting(s.value, "env", var="GUNICORN_CMD_ARGS")) for k, s in parsed]
    unknown_config = named_config and config is None
    cfg = config or {}

    def pick(key: str, cfg_key: str) -> Setting | None:
        for source in (cli, env_words):
            found = [s for k, s in source if k == key]
            if found:
                return found[-1]
        if cfg_key in cfg:
            return Setting(cfg[cfg_key], "config")
        if unknown_config:
            return Setting(None, "config")
        return None

    bind = pick("bind", "bind")
    if bind is None:
        if "PORT" in env:
            host = Setting("0.0.0.0", "env", var="PORT")  # noqa: S104 - gunicorn's own default
            port = Setting(env["PORT"], "env", var="PORT")
        else:
            host, port = Setting("127.0.0.1", "default"), Setting("8000", "default")
    else:
        host, port = _bind_settings(bind)
    trust = (
        pick("trust", "forwarded_allow_ips")
        or _env(env, "FORWARDED_ALLOW_IPS")
        or Setting("127.0.0.1", "default")
    )
    chdir = pick("chdir", "chdir")
    workers = pick("workers", "workers") or _env(env, "WEB_CONCURRENCY") or Setting("1", "default")
    return ServerArgs(
        "gunicorn",
        host,
        port,
        trust,
        trusts_proxy(trust.value),
        target=target,
        app_dir=chdir.value if chdir else None,
        workers=workers,
    )


def parse_hypercorn(argv: Sequence[str | None], env: Mapping[str, str]) -> ServerArgs:
    """`hypercorn main:app -b HOST:PORT`; default 127.0.0.1:8000. Hypercorn ignores
    X-Forwarded-* unless the app is wrapped in its ProxyFixMiddleware. Workers: -w/--workers,
    else the config file's (unknown here), else 1; hypercorn reads no WEB_CONCURRENCY."""
    scan = scan_args(
        argv,
        1,
        {"bind": ("--bind", "-b"), "config": ("--config", "-c"), "workers": ("--workers", "-w")},
        flags=("--reload", "--debug", "--help"),
    )
    bind = scan.first("bind")  # the first bind is the main one
    workers = scan.last("workers")
    config = scan.first("config") is not None
    if bind is None:
        bind = Setting(None, "config") if config else Setting("127.0.0.1:8000", "default")
    if workers is None:
        workers = Setting(None, "config") if config else Setting("1", "default")
    host, port = _bind_settings(bind)
    return ServerArgs("hypercorn", host, port, None, False, target=scan.target(), workers=workers)


# ---------------------------------------------------------------- streamlit, flask, http.server


def parse_streamlit(
    argv: Sequence[str | None],
    env: Mapping[str, str],
    config: Mapping[str, str] | None = None,
) -> ServerArgs | None:
    """`streamlit run app.py --server.port P --server.address A`. Precedence: command line >
    STREAMLIT_SERVER_PORT/ADDRESS > .streamlit/config.toml [server] > default (port 8501,
    every interface)."""
    if len(argv) < 2 or argv[1] not in {"run", "hello"}:
        return None
    scan = scan_args(
        argv, 2, {"port": ("--server.port",), "host": ("--server.address",)}, dashdash=True
    )
    cfg = config or {}
    port = (
        scan.last("port")
        or _env(env, "STREAMLIT_SERVER_PORT")
        or (Setting(cfg["port"], "config") if "port" in cfg else None)
        or Setting("8501", "default")
    )
    host = (
        scan.last("host")
        or _env(env, "STREAMLIT_SERVER_ADDRESS")
        or (Setting(cfg["address"], "config") if "address" in cfg else None)
        or Setting("", "default")
    )
    return ServerArgs("streamlit", host, port, target=scan.target(), workers=ONE_PROCESS)


_FLASK_FLAGS = frozenset(
    {
        "--debug",
        "--no-debug",
        "--reload",
        "--no-reload",
        "--debugger",
        "--no-debugger",
        "--with-threads",
        "--without-threads",
        "--help",
    }
)


def parse_flask(argv: Sequence[str | None], env: Mapping[str, str]) -> ServerArgs | None:
    """`flask [--app X] run --host/-h H --port/-p P`; FLASK_RUN_HOST/FLASK_RUN_PORT; default
    127.0.0.1:5000. The development server never reads X-Forwarded-* (werkzeug ProxyFix does)."""
    try:
        run_at = list(argv).index("run")
    except ValueError:
        return None
    # Options before `run` are the group's (--app), after it the command's (--host, --port).
    app = scan_args(argv, 1, {"app": ("--app", "-A")}, flags=_FLASK_FLAGS, end=run_at).last("app")
    run = scan_args(
        argv, run_at + 1, {"host": ("--host", "-h"), "port": ("--port", "-p")}, flags=_FLASK_FLAGS
    )
    host = run.last("host") or _env(env, "FLASK_RUN_HOST") or Setting("127.0.0.1", "default")
    port = run.last("port") or _env(env, "FLASK_RUN_PORT") or Setting("5000", "default")
    target = app.value if app else None
    if target is None and "FLASK_APP" in env:
        target = env["FLASK_APP"]
    return ServerArgs("flask", host, port, None, False, target=target, workers=ONE_PROCESS)


def parse_http_server(argv: Sequence[str | None]) -> ServerArgs:
    """`python -m http.server [PORT] [--bind ADDR]`: port 8000 and every interface by default.
    `argv` starts at the module name."""
    scan = scan_args(
        argv, 1, {"host": ("--bind", "-b")}, valued=("--directory", "-d", "--protocol", "-p")
    )
    port = next((Setting(w, "arg", at) for w, at in scan.positional), None)
    return ServerArgs(
        "http.server",
        scan.last("host") or Setting("", "default"),
        port or Setting("8000", "default"),
        workers=ONE_PROCESS,
    )


# ---------------------------------------------------------------- dispatch

_NODE = frozenset({"node", "nodejs", "npm", "yarn", "pnpm", "bun", "deno", "npx"})


def parse_server(
    argv: Sequence[str | None],
    env: Mapping[str, str],
    *,
    streamlit_config: Mapping[str, str] | None = None,
    gunicorn_config: Mapping[str, str | None] | None = None,
) -> ServerArgs | None:
    """The server a command starts, or None when it is not a server this module knows.
    `python -m <server>` is understood; `python app.py` is not (the code decides)."""
    if not argv or argv[0] is None:
        return None
    name = argv[0].rsplit("/", 1)[-1]
    if re.fullmatch(r"python[0-9.]*", name):
        mod = _python_module(argv)
        if mod is None:
            return None
        module, at = mod
        rest = [module, *argv[at + 1 :]]
        if module == "http.server":
            return parse_http_server(rest)
        if module in {"uvicorn", "gunicorn", "hypercorn", "streamlit", "flask", "fastapi"}:
            return parse_server(
                rest, env, streamlit_config=streamlit_config, gunicorn_config=gunicorn_config
            )
        return None
    if name == "uvicorn":
        return parse_uvicorn(argv, env)
    if name == "fastapi":
        return parse_fastapi(argv, env)
    if name == "gunicorn":
        return parse_gunicorn(argv, env, gunicorn_config)
    if name == "hypercorn":
        return parse_hypercorn(argv, env)
    if name == "streamlit":
        return parse_streamlit(argv, env, streamlit_config)
    if name == "flask":
        return parse_flask(argv, env)
    if name in _NODE:
        # The port is in the JavaScript code, out of reach, unless PORT is set for it.
        port = _env(env, "PORT") or Setting(None, "default")
        return ServerArgs("node", Setting(None, "default"), port)
    return None


def _python_module(argv: Sequence[str | None]) -> tuple[str, int] | None:
    """For `python [-u -O ...] -m mod ...`: (mod, index of mod)."""
    i = 1
    while i < len(argv):
        word = argv[i]
        if word is None:
            return None
        if word == "-m" and i + 1 < len(argv) and argv[i + 1] is not None:
            return str(argv[i + 1]), i + 1
        if word.startswith("-m") and len(word) > 2:
            return word[2:], i
        if word in {"-W", "-X", "-c"}:
            if word == "-c":
                return None
            i += 2
            continue
        if word.startswith("-"):
            i += 1
            continue
        return None
    return None


def python_script(argv: Sequence[str | None]) -> tuple[str, int] | None:
    """For `python [-u ...] app.py args`: (app.py, its index); None for -m/-c or no script."""
    name = (argv[0] or "").rsplit("/", 1)[-1] if argv else ""
    if not re.fullmatch(r"python[0-9.]*", name):
        return None
    i = 1
    while i < len(argv):
        word = argv[i]
        if word is None:
            return None
        if word in {"-m", "-c"} or word.startswith(("-m", "-c")):
            return None
        if word in {"-W", "-X"}:
            i += 2
            continue
        if word.startswith("-"):
            i += 1
            continue
        return word, i
    return None


def python_module(argv: Sequence[str | None]) -> str | None:
    """The module of `python -m module ...`, or None."""
    name = (argv[0] or "").rsplit("/", 1)[-1] if argv else ""
    if not re.fullmatch(r"python[0-9.]*", name):
        return None
    got = _python_module(argv)
    return got[0] if got else None


def streamlit_server_config(text: str) -> dict[str, object] | None:
    """The `[server]` table of a `.streamlit/config.toml`, or None when the text is not valid
    TOML or has no such table."""
    import tomllib

    try:
        doc = tomllib.loads(text)
    except ValueError:  # TOMLDecodeError, or an int past Python's digit limit
        return None
    server = doc.get("server")
    return server if isinstance(server, dict) else None
