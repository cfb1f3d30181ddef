"""The launch model: server command lines, Python server calls, and following the start command."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacedoctor.config import Settings
from spacedoctor.sources.launch import Launch, find_launches, target_modules
from spacedoctor.sources.repo import Tree
from spacedoctor.sources.servers import (
    ArgScan,
    Setting,
    parse_server,
    scan_args,
    split_bind,
    trusts_proxy,
)
from spacedoctor.sources.space import SpaceContext

HEAD = (
    "FROM python:3.11-slim\n"
    "RUN useradd -m -u 1000 user\n"
    "USER user\n"
    "ENV HOME=/home/user\n"
    "WORKDIR /home/user/app\n"
    "COPY --chown=user . /home/user/app\n"
)


def _space(tmp_path: Path, files: dict[str, str], settings: Settings | None = None) -> SpaceContext:
    files = {"README.md": "---\nsdk: docker\n---\n", **files}
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return SpaceContext(Tree.walk(tmp_path), settings=settings)


def _only(ctx: SpaceContext) -> Launch:
    launches = find_launches(ctx).launches
    assert len(launches) == 1, launches
    return launches[0]


# ------------------------------------------------------------------ command lines


@pytest.mark.parametrize(
    ("argv", "env", "server", "host", "port"),
    [
        (["uvicorn", "main:app"], {}, "uvicorn", "127.0.0.1", "8000"),
        (
            ["uvicorn", "main:app", "--host=0.0.0.0", "--port=7860"],
            {},
            "uvicorn",
            "0.0.0.0",
            "7860",
        ),
        (["uvicorn", "main:app"], {"UVICORN_PORT": "9000"}, "uvicorn", "127.0.0.1", "9000"),
        (["python", "-m", "uvicorn", "m:app", "--port", "1"], {}, "uvicorn", "127.0.0.1", "1"),
        (["fastapi", "run", "main.py"], {}, "fastapi", "0.0.0.0", "8000"),
        (["fastapi", "dev", "main.py"], {}, "fastapi", "127.0.0.1", "8000"),
        (["gunicorn", "app:app"], {}, "gunicorn", "127.0.0.1", "8000"),
        (["gunicorn", "app:app"], {"PORT": "7860"}, "gunicorn", "0.0.0.0", "7860"),
        (["gunicorn", "-b", ":7860", "app:app"], {}, "gunicorn", "", "7860"),
        (["gunicorn", "-b0.0.0.0", "app:app"], {}, "gunicorn", "0.0.0.0", "8000"),
        (
            ["gunicorn", "app:app"],
            {"GUNICORN_CMD_ARGS": "--bind=0.0.0.0:7000"},
            "gunicorn",
            "0.0.0.0",
            "7000",
        ),
        (["hypercorn", "m:app", "--bind", "[::]:7860"], {}, "hypercorn", "::", "7860"),
        (["streamlit", "run", "app.py"], {}, "streamlit", "", "8501"),
        (["streamlit", "run", "app.py", "--server.port=7860"], {}, "streamlit", "", "7860"),
        (["streamlit", "run", "a.py"], {"STREAMLIT_SERVER_PORT": "7861"}, "streamlit", "", "7861"),
        (["flask", "run"], {}, "flask", "127.0.0.1", "5000"),
        (
            ["flask", "--app", "x", "run", "-h", "0.0.0.0", "-p", "7860"],
            {},
            "flask",
            "0.0.0.0",
            "7860",
        ),
        (["flask", "run"], {"FLASK_RUN_PORT": "7860"}, "flask", "127.0.0.1", "7860"),
        (["python3", "-m", "http.server", "7860"], {}, "http.server", "", "7860"),
        (
            ["python", "-m", "http.server", "--bind", "127.0.0.1"],
            {},
            "http.server",
            "127.0.0.1",
            "8000",
        ),
    ],
)
def test_server_command_lines(
    argv: list[str], env: dict[str, str], server: str, host: str, port: str
) -> None:
    got = parse_server(argv, env)
    assert got is not None
    assert (got.server, got.host.value, got.port.value) == (server, host, port)


def test_unknown_words_stay_unknown() -> None:
    got = parse_server(["uvicorn", "main:app", "--port", None], {})
    assert got is not None and got.port.value is None


def test_not_a_server() -> None:
    assert parse_server(["python", "app.py"], {}) is None
    assert parse_server(["echo", "uvicorn"], {}) is None
    assert parse_server(["streamlit", "version"], {}) is None


def test_node_port_only_from_env() -> None:
    assert parse_server(["node", "server.js"], {}).port.value is None  # type: ignore[union-attr]
    assert parse_server(["npm", "start"], {"PORT": "7860"}).port.value == "7860"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("argv", "env", "trusted"),
    [
        (["uvicorn", "m:app"], {}, False),
        (["uvicorn", "m:app", "--proxy-headers"], {}, False),
        (["uvicorn", "m:app", "--forwarded-allow-ips", "*"], {}, True),
        (["uvicorn", "m:app", "--forwarded-allow-ips=*", "--no-proxy-headers"], {}, False),
        (["uvicorn", "m:app"], {"FORWARDED_ALLOW_IPS": "*"}, True),
        (["uvicorn", "m:app"], {"FORWARDED_ALLOW_IPS": "127.0.0.1,::1"}, False),
        (["uvicorn", "m:app", "--forwarded-allow-ips", None], {}, None),
        (["gunicorn", "m:app"], {}, False),
        (["gunicorn", "m:app", "--forwarded-allow-ips=*"], {}, True),
        (["gunicorn", "-c", "conf.py", "m:app"], {}, None),
        (["fastapi", "run", "m.py"], {}, False),
        (["fastapi", "run", "m.py", "--forwarded-allow-ips", "10.0.0.0/8"], {}, True),
        (["hypercorn", "m:app"], {}, False),
        (["flask", "run"], {}, False),
    ],
)
def test_proxy_trust(argv: list[str | None], env: dict[str, str], trusted: bool | None) -> None:
    got = parse_server(argv, env)
    assert got is not None and got.proxy_headers is trusted


def test_gunicorn_config_values() -> None:
    got = parse_server(["gunicorn", "m:app"], {}, gunicorn_config={"bind": "0.0.0.0:7860"})
    assert got is not None and (got.host.value, got.port.value) == ("0.0.0.0", "7860")
    assert got.host.source == "config"


def test_split_bind() -> None:
    assert split_bind("unix:/tmp/s.sock") == (None, None)
    assert split_bind("tcp://0.0.0.0:1") == ("0.0.0.0", "1")
    assert trusts_proxy("") is False


# ------------------------------------------------------------------ following the image


def test_exec_form_variables_are_not_expanded(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {"Dockerfile": HEAD + 'ENV PORT=7860\nCMD ["uvicorn", "main:app", "--port", "$PORT"]\n'},
    )
    launch = _only(ctx)
    assert launch.port is None  # uvicorn receives the text "$PORT": no shell expands it


def test_shell_form_variable_points_at_env_line(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path, {"Dockerfile": HEAD + "ENV PORT=8000\nCMD uvicorn main:app --port $PORT\n"}
    )
    launch = _only(ctx)
    assert (launch.port, launch.where_port, launch.port_source) == (8000, ("Dockerfile", 7), "env")
    assert launch.where_host == ("Dockerfile", 8)
    assert launch.host_source == "default"


def test_arg_only_variable_is_unknown_at_runtime(tmp_path: Path) -> None:
    ctx = _space(tmp_path, {"Dockerfile": HEAD + "ARG PORT=8000\nCMD uvicorn m:app --port $PORT\n"})
    assert _only(ctx).port is None


def test_entrypoint_script_runs_cmd_through_exec_args(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {
            "Dockerfile": HEAD
            + 'COPY entrypoint.sh /usr/local/bin/\nENTRYPOINT ["entrypoint.sh"]\n'
            + 'CMD ["streamlit", "run", "app.py", "--server.port", "7860"]\n',
            "entrypoint.sh": (
                '#!/bin/sh\nset -e\nexport STREAMLIT_SERVER_ADDRESS=0.0.0.0\nexec "$@"\n'
            ),
        },
    )
    launch = _only(ctx)
    assert (launch.server, launch.host, launch.port) == ("streamlit", "0.0.0.0", 7860)
    assert launch.where_host == ("entrypoint.sh", 3)
    assert launch.via[0] == ("Dockerfile", 8)


def test_scripts_run_scripts_and_wrappers_are_stripped(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {
            "Dockerfile": HEAD + 'CMD ["tini", "--", "bash", "scripts/start.sh"]\n',
            "scripts/start.sh": "#!/bin/bash\nPORT=7000\n. scripts/env.sh\nbash scripts/run.sh\n",
            "scripts/env.sh": "export HOST=0.0.0.0\n",
            "scripts/run.sh": "exec uv run gunicorn -b $HOST:7860 app:app\n",
        },
    )
    launch = _only(ctx)
    assert (launch.server, launch.host, launch.port) == ("gunicorn", "0.0.0.0", 7860)
    assert launch.where_host == ("scripts/env.sh", 1)
    assert launch.path == "scripts/run.sh"


def test_python_file_server_call(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {
            "Dockerfile": HEAD + "ENV PORT=7860\nCMD python -u app.py\n",
            "app.py": (
                "import os\nimport uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n"
                "HOST = os.getenv('HOST') or '0.0.0.0'\n\n"
                "def main():\n"
                "    uvicorn.run(app, host=HOST, port=int(os.environ.get('PORT', 8000)))\n\n"
                "if __name__ == '__main__':\n    main()\n"
            ),
        },
    )
    launch = _only(ctx)
    assert (launch.server, launch.host, launch.port) == ("uvicorn", "0.0.0.0", 7860)
    assert launch.where_port == ("Dockerfile", 7)
    assert launch.where_host == ("app.py", 6)
    assert launch.proxy_headers is False
    assert find_launches(ctx).scripts == ["app.py"]


def test_python_module_main(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {
            "Dockerfile": HEAD + 'CMD ["python", "-m", "pkg"]\n',
            "pkg/__init__.py": "",
            "pkg/__main__.py": "from flask import Flask\napp = Flask(__name__)\napp.run()\n",
        },
    )
    launch = _only(ctx)
    assert (launch.server, launch.host, launch.port) == ("flask", "127.0.0.1", 5000)


def test_code_not_run_is_not_a_launch(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {
            "Dockerfile": HEAD + 'CMD ["python", "app.py"]\n',
            "app.py": (
                "import gradio as gr\ndemo = gr.Blocks()\n\ndef unused():\n    demo.launch()\n"
            ),
        },
    )
    assert find_launches(ctx).launches == []


def test_reverse_proxy_is_noted(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {"Dockerfile": HEAD + "CMD nginx && uvicorn m:app --port 8000\n"},
    )
    launches = find_launches(ctx)
    assert launches.front == ("nginx", "Dockerfile", 7)


def test_steps_record_cwd_and_exports(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {
            "Dockerfile": HEAD + 'CMD ["bash", "start.sh"]\n',
            "start.sh": "export A=1\ncd /data/app\npython app.py\n",
        },
    )
    steps = find_launches(ctx).steps
    run = next(s for s in steps if s.argv[:1] == ("python",))
    assert (run.cwd, run.cwd_origin) == ("/data/app", ("start.sh", 2))
    assert any(s.assignments == (("A", "1"),) for s in steps)


def test_no_dockerfile_no_launches(tmp_path: Path) -> None:
    ctx = _space(tmp_path, {"app.py": "print(1)\n"})
    assert find_launches(ctx).launches == []


# ------------------------------------------------------------------ SD216 with mount paths


def test_sd216_reads_configured_mount_paths(tmp_path: Path) -> None:
    from spacedoctor.checks.volume_code import stale_bytecode_on_volume

    files = {
        "Dockerfile": HEAD + "ENV PYTHONPATH=/mnt/bucket/lib\nCMD python app.py\n",
        "app.py": "print(1)\n",
    }
    plain = _space(tmp_path / "a", files)
    assert list(stale_bytecode_on_volume(plain)) == []
    mounted = _space(tmp_path / "b", files, Settings(mount_paths=("/mnt/bucket",)))
    found = list(stale_bytecode_on_volume(mounted))
    assert [(f.location.path, f.location.line) for f in found] == [("Dockerfile", 7)]
    assert "/mnt/bucket" in found[0].message


# ------------------------------------------------------------------ worker processes


@pytest.mark.parametrize(
    ("argv", "env", "workers", "source"),
    [
        (["uvicorn", "main:app"], {}, "1", "default"),
        (["uvicorn", "main:app", "--workers", "4"], {}, "4", "arg"),
        (["uvicorn", "main:app", "--workers=3"], {}, "3", "arg"),
        (["uvicorn", "main:app"], {"WEB_CONCURRENCY": "3"}, "3", "env"),
        # click reads UVICORN_WORKERS for --workers; it wins over WEB_CONCURRENCY (Config).
        (["uvicorn", "m:app"], {"UVICORN_WORKERS": "2", "WEB_CONCURRENCY": "5"}, "2", "env"),
        (["uvicorn", "m:app", "--workers", "2"], {"UVICORN_WORKERS": "6"}, "2", "arg"),
        # --reload serves from one process and ignores --workers.
        (["uvicorn", "m:app", "--reload", "--workers", "4"], {}, "1", "arg"),
        (["uvicorn", "m:app", "--workers", "4"], {"UVICORN_RELOAD": "true"}, "1", "env"),
        (["python", "-m", "uvicorn", "m:app", "--workers", "2"], {}, "2", "arg"),
        (["fastapi", "run", "main.py", "--workers", "4"], {}, "4", "arg"),
        (["fastapi", "run", "main.py"], {"WEB_CONCURRENCY": "2"}, "2", "env"),
        (["fastapi", "dev", "main.py"], {"WEB_CONCURRENCY": "2"}, "1", "default"),
        (["fastapi", "dev", "main.py", "--no-reload"], {"WEB_CONCURRENCY": "2"}, "2", "env"),
        (["gunicorn", "app:app"], {}, "1", "default"),
        (["gunicorn", "-w", "2", "-k", "uvicorn.workers.UvicornWorker", "m:app"], {}, "2", "arg"),
        (["gunicorn", "-w4", "m:app"], {}, "4", "arg"),
        (["gunicorn", "--workers=3", "m:app"], {}, "3", "arg"),
        (["gunicorn", "m:app"], {"WEB_CONCURRENCY": "3"}, "3", "env"),
        (["gunicorn", "m:app"], {"GUNICORN_CMD_ARGS": "-w 5", "WEB_CONCURRENCY": "2"}, "5", "env"),
        (["gunicorn", "-w", "2", "m:app"], {"GUNICORN_CMD_ARGS": "--workers 5"}, "2", "arg"),
        (["hypercorn", "m:app", "-w", "2"], {}, "2", "arg"),
        # hypercorn never reads WEB_CONCURRENCY.
        (["hypercorn", "m:app"], {"WEB_CONCURRENCY": "4"}, "1", "default"),
        (["streamlit", "run", "app.py"], {"WEB_CONCURRENCY": "4"}, "1", "default"),
        (["flask", "run"], {"WEB_CONCURRENCY": "4"}, "1", "default"),
    ],
)
def test_server_workers(
    argv: list[str | None], env: dict[str, str], workers: str, source: str
) -> None:
    got = parse_server(argv, env)
    assert got is not None and got.workers is not None
    assert (got.workers.value, got.workers.source) == (workers, source)


def test_unknown_workers_stay_unknown() -> None:
    # A word holding a variable nobody sets, a config file not read, a node server.
    uv = parse_server(["uvicorn", "m:app", "--workers", None], {})
    assert uv is not None and uv.workers is not None and uv.workers.value is None
    hyper = parse_server(["hypercorn", "-c", "hypercorn.toml", "m:app"], {})
    assert hyper is not None and hyper.workers == Setting(None, "config")
    guni = parse_server(["gunicorn", "-c", "conf.py", "m:app"], {"WEB_CONCURRENCY": "1"})
    assert guni is not None and guni.workers is not None and guni.workers.value is None
    node = parse_server(["node", "server.js"], {})
    assert node is not None and node.workers is None


def test_workers_in_cmd_point_at_the_cmd(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {"Dockerfile": HEAD + 'CMD ["uvicorn", "main:app", "--port", "7860", "--workers", "4"]\n'},
    )
    launch = _only(ctx)
    assert (launch.workers, launch.workers_source) == (4, "arg")
    assert launch.where_workers == ("Dockerfile", 7)


def test_web_concurrency_env_points_at_the_env_line(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {"Dockerfile": HEAD + "ENV WEB_CONCURRENCY=3\nCMD uvicorn main:app --port 7860\n"},
    )
    launch = _only(ctx)
    assert (launch.workers, launch.workers_source) == (3, "env")
    assert launch.where_workers == ("Dockerfile", 7)


def test_default_is_one_worker_at_the_command(tmp_path: Path) -> None:
    ctx = _space(tmp_path, {"Dockerfile": HEAD + "CMD gunicorn -b :7860 app:app\n"})
    launch = _only(ctx)
    assert (launch.workers, launch.workers_source, launch.where_workers) == (
        1,
        "default",
        ("Dockerfile", 7),
    )


def test_workers_from_a_script_variable(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {
            "Dockerfile": HEAD + 'CMD ["bash", "start.sh"]\n',
            "start.sh": "N=2\nexec uvicorn main:app --port 7860 --workers $N\n",
        },
    )
    launch = _only(ctx)
    assert launch.workers == 2
    assert launch.where_workers == ("start.sh", 1)


def test_gunicorn_config_file_workers(tmp_path: Path) -> None:
    conf = 'bind = "0.0.0.0:7860"\nworker_class = "uvicorn.workers.UvicornWorker"\nworkers = 4\n'
    ctx = _space(
        tmp_path,
        {"Dockerfile": HEAD + "CMD gunicorn app:app\n", "gunicorn.conf.py": conf},
    )
    launch = _only(ctx)
    assert (launch.workers, launch.workers_source) == (4, "config")
    assert launch.where_workers == ("gunicorn.conf.py", 3)
    # The command line wins over the config file.
    ctx = _space(
        tmp_path / "cli",
        {"Dockerfile": HEAD + "CMD gunicorn -w 1 app:app\n", "gunicorn.conf.py": conf},
    )
    assert _only(ctx).workers == 1


@pytest.mark.parametrize(
    ("conf", "env", "workers"),
    [
        ('import os\nworkers = int(os.getenv("WEB_CONCURRENCY", "2"))\n', "", 2),
        (
            'import os\nworkers = int(os.getenv("WEB_CONCURRENCY", "2"))\n',
            "ENV WEB_CONCURRENCY=5\n",
            5,
        ),
        ("import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n", "", None),
        ("import os\nif os.getenv('BIG'):\n    workers = 4\nelse:\n    workers = 1\n", "", None),
        # No `workers` in the file: gunicorn's default, $WEB_CONCURRENCY.
        ('bind = ":7860"\n', "ENV WEB_CONCURRENCY=3\n", 3),
    ],
)
def test_gunicorn_config_file_values(
    tmp_path: Path, conf: str, env: str, workers: int | None
) -> None:
    ctx = _space(
        tmp_path,
        {"Dockerfile": HEAD + env + "CMD gunicorn app:app\n", "gunicorn.conf.py": conf},
    )
    assert _only(ctx).workers == workers


@pytest.mark.parametrize(
    ("call", "workers", "line"),
    [
        ('uvicorn.run("main:app", host="0.0.0.0", port=7860)', 1, 3),
        ('uvicorn.run("main:app", host="0.0.0.0", port=7860, workers=4)', 4, 3),
        ('uvicorn.run("main:app", port=7860,\n    workers=2)', 2, 4),
        ('uvicorn.run("main:app", workers=int(os.getenv("WEB_CONCURRENCY", "1")))', 3, 7),
        ('uvicorn.run("main:app", reload=True, workers=4)', 1, 3),
        # An app object with workers > 1: uvicorn.run exits instead of serving.
        ("uvicorn.run(app, workers=4)", None, 3),
        # ... and so does $WEB_CONCURRENCY=3 with an app object.
        ("uvicorn.run(app)", None, 7),
    ],
)
def test_uvicorn_run_workers(tmp_path: Path, call: str, workers: int | None, line: int) -> None:
    code = "import os\nimport uvicorn\n" + call + "\n"
    ctx = _space(
        tmp_path,
        {
            "Dockerfile": HEAD
            + ("ENV WEB_CONCURRENCY=3\n" if line == 7 else "")
            + 'CMD ["python", "run.py"]\n',
            "run.py": code,
        },
    )
    launch = _only(ctx)
    assert launch.workers == workers
    assert launch.where_workers[1] == line


def test_gradio_and_flask_code_launches_run_one_process(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {
            "Dockerfile": HEAD + "ENV WEB_CONCURRENCY=4\nCMD python app.py\n",
            "app.py": "from flask import Flask\napp = Flask(__name__)\napp.run(port=7860)\n",
        },
    )
    assert _only(ctx).workers == 1
    forking = _space(
        tmp_path / "fork",
        {
            "Dockerfile": HEAD + "CMD python app.py\n",
            "app.py": (
                "from flask import Flask\napp = Flask(__name__)\n"
                "app.run(port=7860, threaded=False, processes=3)\n"
            ),
        },
    )
    assert _only(forking).workers == 3


@pytest.mark.parametrize(
    ("server", "target", "want"),
    [
        ("uvicorn", "main:app", ["main.py"]),
        ("uvicorn", "app.main:app", ["app/main.py"]),
        ("gunicorn", "pkg:create_app()", ["pkg/__init__.py"]),
        # Run from a sub-folder (WORKDIR, --app-dir): the file whose path ends with the name.
        ("uvicorn", "server:app", ["backend/server.py"]),
        ("fastapi", "app/main.py", ["app/main.py"]),
        ("fastapi", None, ["app.py"]),  # fastapi-cli tries main.py, then app.py, ...
        ("uvicorn", None, []),
        ("uvicorn", "missing:app", []),
        ("uvicorn", "$APP", []),
    ],
)
def test_target_modules(server: str, target: str | None, want: list[str]) -> None:
    paths = ["app.py", "app/main.py", "main.py", "pkg/__init__.py", "backend/server.py"]
    if target is None and server == "fastapi":
        paths.remove("main.py")
    launch = Launch(server, "Dockerfile", 1, None, None, None, None, target=target)
    assert target_modules(launch, paths) == want


# ------------------------------------------------------------ scan_args, the shared option scanner

_TABLE = {"host": ("--host", "-H"), "port": ("--port",)}


def test_scan_args_value_forms_and_indexes() -> None:
    argv = ["srv", "--host", "a", "--port=7860", "-Hb", "main:app", "-H", "c"]
    scan = scan_args(argv, 1, _TABLE)
    assert scan.found == (
        ("host", Setting("a", "arg", 2)),
        ("port", Setting("7860", "arg", 3)),
        ("host", Setting("b", "arg", 4)),
        ("host", Setting("c", "arg", 7)),
    )
    assert scan.last("host") == Setting("c", "arg", 7)  # the last occurrence wins
    assert scan.first("host") == Setting("a", "arg", 2)
    assert scan.last("missing") is None
    assert scan.positional == (("main:app", 5),)
    assert scan.target() == "main:app"


def test_scan_args_unknown_options_and_flags() -> None:
    argv = ["srv", "--log-level", "info", "--reload", "--x=1", "app", "--host"]
    scan = scan_args(argv, 1, _TABLE, flags={"--reload"}, report={"--reload"})
    # --log-level takes its value with it; --reload and --x=1 stand alone; a trailing --host
    # with no value left is no option (and nothing follows it to skip).
    assert scan.positional == (("app", 5),)
    assert scan.flags == (("--reload", 3),)
    assert scan.found == ()
    # Without --reload among the flags, it swallows the next word.
    assert scan_args(["srv", "--reload", "app"], 1, _TABLE, flags={"--reload"}).target() == "app"
    assert scan_args(["srv", "--reload", "app"], 1, _TABLE).target() is None


def test_scan_args_value_holding_a_flag_name_is_a_value() -> None:
    scan = scan_args(["srv", "--host", "--reload"], 1, _TABLE, report={"--reload"})
    assert scan.last("host") == Setting("--reload", "arg", 2)
    assert scan.flags == ()


def test_scan_args_unknown_words_and_start() -> None:
    scan = scan_args(["srv", None, "--host", None, "x"], 1, _TABLE)
    assert scan.last("host") == Setting(None, "arg", 3)  # held in a variable nobody sets
    assert scan.positional == (("x", 4),)
    assert scan_args(["run", "app.py"], 1, _TABLE).target() == "app.py"
    assert scan_args(["run", "app.py"], 0, _TABLE).target() == "run"


def test_scan_args_dashdash_attached_short_valued_and_end() -> None:
    argv = ["srv", "--", "--host", "a", "b"]
    assert scan_args(argv, 1, _TABLE, dashdash=True) == ArgScan()
    # Without dashdash, `--` is an unknown option that takes the next word as its value.
    assert scan_args(argv, 1, _TABLE).positional == (("a", 3), ("b", 4))
    # attached_short: `-w4` (an unknown short option with its value attached) stands alone.
    assert scan_args(["srv", "-w4", "app"], 1, _TABLE, attached_short=True).target() == "app"
    assert scan_args(["srv", "-w4", "app"], 1, _TABLE).target() is None
    # valued: only these unknown options take a value.
    scan = scan_args(["srv", "-d", "x", "--other", "8080"], 1, _TABLE, valued={"-d"})
    assert scan.positional == (("8080", 4),)
    # end: option words are looked for before it, but a value may lie at it.
    scan = scan_args(["srv", "--host", "run", "--port", "1"], 1, _TABLE, end=2)
    assert scan.found == (("host", Setting("run", "arg", 2)),)
