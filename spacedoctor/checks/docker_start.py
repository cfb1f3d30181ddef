"""What the build and the start command run: SD209 dev-server-in-cmd, SD212 gpu-at-build,
SD215 huggingface-cli-removed, SD219 multi-port-without-proxy."""

from __future__ import annotations

import ast
import json
import posixpath
import re
from collections.abc import Iterator

from spacedoctor import redact
from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.deps import install_plan, upper_bound_at_most
from spacedoctor.sources.dockerfile import DockerImage, Instruction
from spacedoctor.sources.launch import Launch, Step
from spacedoctor.sources.pyapp import Module, const_str, keyword, parse_module
from spacedoctor.sources.repo import Unreadable
from spacedoctor.sources.servers import is_loopback
from spacedoctor.sources.space import SpaceContext


def scrub(text: str) -> str:
    """`text` (a command line quoted in a report) with literal credentials redacted."""
    return redact.scrub(text)


def _name(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _unwrap_python(argv: tuple[str, ...]) -> tuple[str, ...]:
    """`python -m uvicorn ...` -> `uvicorn ...`; anything else unchanged."""
    if argv and re.fullmatch(r"python[0-9.]*", _name(argv[0])):
        for i, w in enumerate(argv[1:], start=1):
            if w == "-m" and i + 1 < len(argv):
                return argv[i + 1 :]
            if not w.startswith("-"):
                break
    return argv


# --------------------------------------------------------------------------- SD209

#: package.json script bodies that start a development server.
_DEV_SCRIPT = re.compile(
    r"(^|[\s;&|(])(vite(?!\s+(build|preview))(\s|$)|next\s+dev\b|nuxt\s+dev\b|astro\s+dev\b|"
    r"nodemon\b|webpack\s+serve\b|webpack-dev-server\b|react-scripts\s+start\b|ng\s+serve\b|"
    r"vue-cli-service\s+serve\b|svelte-kit\s+dev\b|parcel(?!\s+build)(\s|$)|ts-node-dev\b)"
)


@check("SD209")
def dev_server_in_cmd(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    launches = ctx.launches
    if launches.start_line is None:
        raise SkipCheck("the Dockerfile has no CMD or ENTRYPOINT")
    seen: set[tuple[str, int]] = set()
    exported: dict[str, str] = {k: v.value for k, v in launches.env.items()}
    for step in launches.steps:
        if not step.argv or step.argv[0] in ("export", "declare", "typeset", "readonly"):
            exported.update(step.assignments)
            continue
        found = _dev_step(ctx, image, step, {**exported, **dict(step.assignments)})
        if found is None or (step.path, step.line) in seen:
            continue
        seen.add((step.path, step.line))
        what, fix = found
        yield Finding(
            scrub(f"the start command runs {what}: a development server, not meant to serve users"),
            Location(step.path, step.line),
            fix=scrub(fix),
            evidence=scrub(" ".join(step.argv)),
        )
    for launch in launches.launches:
        found2 = _dev_call(ctx, launch)
        if found2 is not None and (launch.path, launch.line) not in seen:
            seen.add((launch.path, launch.line))
            what, fix = found2
            yield Finding(
                f"{what}: a development server, not meant to serve users",
                Location(launch.path, launch.line),
                fix=fix,
            )


def _dev_step(
    ctx: SpaceContext, image: DockerImage, step: Step, env: dict[str, str]
) -> tuple[str, str] | None:
    argv = _unwrap_python(step.argv)
    if not argv:
        return None
    name = _name(argv[0])
    words = list(argv)
    joined = " ".join(words)
    if name in ("uvicorn", "gunicorn", "hypercorn") and any(
        w == "--reload" or w.startswith("--reload=") for w in words
    ):
        return (
            f"`{name} ... --reload`, which watches the files and restarts the server when one "
            "changes, dropping the requests in flight",
            joined.replace(" --reload", "") + "  # without --reload",
        )
    if name == "fastapi" and words[1:2] == ["dev"]:
        rest = " ".join(words[2:])
        return (
            "`fastapi dev`, which runs with auto-reload",
            f"fastapi run {rest}".strip(),
        )
    if name == "flask" and "run" in words:
        debug_env = env.get("FLASK_DEBUG", "")
        if "--debug" in words or debug_env.lower() in ("1", "true"):
            return (
                "Flask's development server in debug mode, with the reloader and the interactive "
                "Werkzeug debugger, which runs Python typed into an error page",
                "drop --debug and FLASK_DEBUG=1; to serve users run a WSGI server, e.g. "
                "`gunicorn -b 0.0.0.0:7860 app:app`",
            )
        return None
    if name == "streamlit" and "run" in words:
        for i, w in enumerate(words):
            value = None
            if w.startswith("--server.runOnSave="):
                value = w.split("=", 1)[1]
            elif w == "--server.runOnSave" and i + 1 < len(words):
                value = words[i + 1]
            if value is not None and value.lower() == "true":
                return (
                    "`streamlit run ... --server.runOnSave true`, which reruns the app for every "
                    "session whenever a file changes",
                    "drop `--server.runOnSave true`",
                )
        return None
    if name == "gradio" and len(words) > 1 and words[1].endswith(".py"):
        return (
            f"`gradio {words[1]}`, Gradio's reload mode, which watches the source and reloads it",
            f"python {words[1]}",
        )
    if re.fullmatch(r"python[0-9.]*", name) and "runserver" in words:
        if any(w.endswith("manage.py") for w in words):
            return (
                "Django's `manage.py runserver`, which the Django docs say not to use in "
                "production",
                "gunicorn -b 0.0.0.0:7860 <project>.wsgi",
            )
    if name in ("npx", "pnpx", "bunx") and len(words) > 1:
        words = words[1:]
        name = _name(words[0])
        joined = " ".join(words)
    if _DEV_SCRIPT.search(joined) and name not in ("npm", "yarn", "pnpm", "bun"):
        return (f"`{joined}`", "build the app and serve the built files (e.g. `vite build`)")
    if name in ("npm", "yarn", "pnpm", "bun"):
        script = _npm_script(words)
        if script is None:
            return None
        body = _package_scripts(ctx, image, step).get(script)
        if body is not None and _DEV_SCRIPT.search(body):
            return (
                f"`{' '.join(words)}`, whose package.json script `{script}` is `{body}`",
                f"{words[0]} run build, then serve the built files (e.g. `{words[0]} run "
                "preview`, `next start`, or a static server)",
            )
    return None


def _npm_script(words: list[str]) -> str | None:
    args = [w for w in words[1:] if not w.startswith("-")]
    if not args:
        return None
    if args[0] in ("run", "run-script") and len(args) > 1:
        return args[1]
    if args[0] in ("start", "dev"):
        return args[0]
    return None


def _package_scripts(ctx: SpaceContext, image: DockerImage, step: Step) -> dict[str, str]:
    rel = None
    if step.cwd is not None:
        rel = image.repo_path(posixpath.join(step.cwd, "package.json"))
    rel = rel or ("package.json" if "package.json" in ctx.repo else None)
    if rel is None:
        return {}
    try:
        data = json.loads(ctx.repo.read_text(rel))
    except (Unreadable, ValueError):
        return {}
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return {}
    return {k: v for k, v in scripts.items() if isinstance(k, str) and isinstance(v, str)}


def _dev_call(ctx: SpaceContext, launch: Launch) -> tuple[str, str] | None:
    module = ctx.app.modules.get(launch.path)
    if module is None:
        return None
    for call, callee in module.calls():
        if call.lineno != launch.line:
            continue
        reload = keyword(call, "reload")
        debug = keyword(call, "debug")
        if callee == "uvicorn.run" and isinstance(reload, ast.Constant) and reload.value is True:
            return (
                "`uvicorn.run(..., reload=True)` watches the files and restarts the server when "
                "one changes",
                "uvicorn.run(app, host='0.0.0.0', port=7860)  # without reload=True",
            )
        if (
            launch.server in ("flask", "flask-socketio")
            and isinstance(debug, ast.Constant)
            and debug.value is True
        ):
            return (
                "`app.run(debug=True)` starts Flask's development server with the reloader and "
                "the interactive Werkzeug debugger, which runs Python typed into an error page",
                "app.run(host='0.0.0.0', port=7860)  # or serve with gunicorn",
            )
    return None


# --------------------------------------------------------------------------- SD212

_CUDA_OK = frozenset({"is_available", "device_count", "is_initialized", "is_bf16_supported"})


@check("SD212")
def gpu_at_build(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    for inst in image.instructions:
        if inst.cmd != "RUN":
            continue
        for sc in inst.commands():
            argv = sc.argv[1:] if sc.argv[:1] == ("sudo",) else sc.argv
            if not argv:
                continue
            name = _name(argv[0])
            if name == "nvidia-smi":
                yield Finding(
                    "`nvidia-smi` runs at build time, when no GPU (and no NVIDIA driver) is "
                    "attached: the command fails and so does the build",
                    Location(image.path, sc.line),
                    fix="move it to the start command (CMD or the start script)",
                )
                break
            hit = _python_gpu(ctx, image, inst, argv)
            if hit is not None:
                where, what = hit
                yield Finding(
                    f"{where} {what} at build time, but no GPU is attached while a Space "
                    "builds: CUDA calls fail (`Found no NVIDIA driver on your system`)",
                    Location(image.path, sc.line),
                    fix=(
                        "do GPU work at runtime (in the app or the start command); at build time "
                        "download weights only, e.g. `hf download <repo>` or "
                        "`snapshot_download()`, without moving models to CUDA"
                    ),
                )
                break


def _python_gpu(
    ctx: SpaceContext, image: DockerImage, inst: Instruction, argv: tuple[str, ...]
) -> tuple[str, str] | None:
    if not re.fullmatch(r"python[0-9.]*", _name(argv[0])):
        return None
    words = list(argv[1:])
    while words and words[0].startswith("-") and words[0] != "-c":
        words = words[1:]
    if not words:
        return None
    if words[0] == "-c" and len(words) > 1:
        parsed = parse_module("<string>", words[1].encode())
        if not isinstance(parsed, Module):
            return None
        found = _gpu_use(parsed)
        return ("`python -c`", found[1]) if found else None
    script = words[0]
    if "$" in script:
        return None
    rel = _repo_script(ctx, image, inst, script)
    if rel is None or rel not in ctx.app.modules:
        return None
    found = _gpu_use(ctx.app.modules[rel])
    if found is None:
        return None
    return f"`python {script}` ({rel}:{found[0]})", found[1]


def _repo_script(
    ctx: SpaceContext, image: DockerImage, inst: Instruction, script: str
) -> str | None:
    target = posixpath.normpath(posixpath.join(inst.workdir, script))
    for cp in reversed([i for i in image.instructions if i.cmd in ("COPY", "ADD")]):
        if cp.stage != inst.stage or cp.line > inst.line or cp.flag("from") or len(cp.args) < 2:
            continue
        dest = posixpath.normpath(posixpath.join(cp.workdir, cp.args[-1]))
        for src in cp.args[:-1]:
            src_norm = posixpath.normpath(src.lstrip("./") or ".")
            if dest == target and src_norm in ctx.repo:
                return src_norm
            prefix = dest.rstrip("/") + "/"
            if target.startswith(prefix):
                rest = target[len(prefix) :]
                cand = (
                    posixpath.normpath(posixpath.join(src_norm, rest)) if src_norm != "." else rest
                )
                if cand in ctx.repo:
                    return cand
            if dest.endswith("/") or dest == target.rsplit("/", 1)[0]:
                cand = src_norm
                if posixpath.basename(cand) == posixpath.basename(target) and cand in ctx.repo:
                    return cand
    plain = posixpath.normpath(script)
    return plain if plain in ctx.repo else None


def _gpu_use(module: Module) -> tuple[int, str] | None:
    """The first statement run at import/`__main__` time that needs a GPU."""
    funcs = {
        n.name: n for n in module.tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    seen: set[str] = set()

    def guarded(test: ast.expr) -> bool:
        text = ast.unparse(test)
        return "is_available" in text or "device_count" in text

    def walk(stmts: list[ast.stmt]) -> Iterator[ast.stmt]:
        for stmt in stmts:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if isinstance(stmt, ast.If):
                if guarded(stmt.test):
                    continue
                yield from walk(stmt.body)
                yield from walk(stmt.orelse)
                continue
            if isinstance(stmt, ast.For | ast.While | ast.With | ast.Try):
                yield stmt  # the header; bodies below
                for block in _blocks(stmt):
                    yield from walk(block)
                continue
            yield stmt
            for node in ast.walk(stmt):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    fn = funcs.get(node.func.id)
                    if fn is not None and fn.name not in seen:
                        seen.add(fn.name)
                        yield from walk(fn.body)

    for stmt in walk(module.tree.body):
        what = _gpu_in(module, stmt)
        if what is not None:
            return stmt.lineno, what
    return None


def _blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    if isinstance(stmt, ast.For | ast.While):
        return [stmt.body, stmt.orelse]
    if isinstance(stmt, ast.With):
        return [stmt.body]
    if isinstance(stmt, ast.Try):
        return [stmt.body, stmt.orelse, stmt.finalbody]
    return []


def _cuda_str(node: ast.AST | None) -> bool:
    s = const_str(node)
    return s is not None and (s == "cuda" or s.startswith("cuda:"))


def _gpu_in(module: Module, stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.Assert):
        if "cuda" in ast.unparse(stmt.test):
            return "asserts that CUDA is available"
    if isinstance(stmt, ast.For | ast.While | ast.With | ast.Try | ast.If):
        nodes: list[ast.AST] = []
        if isinstance(stmt, ast.For):
            nodes = [stmt.iter]
        elif isinstance(stmt, ast.With):
            nodes = [i.context_expr for i in stmt.items]
    else:
        nodes = [stmt]
    for top in nodes:
        for node in ast.walk(top):
            if isinstance(node, ast.IfExp) or not isinstance(node, ast.Call):
                continue
            func = node.func
            callee = module.qualname(func) or ""
            if isinstance(func, ast.Attribute) and func.attr == "cuda" and not node.keywords:
                if len(node.args) <= 1 and not callee.startswith("torch.cuda"):
                    return "calls `.cuda()`"
            if isinstance(func, ast.Attribute) and func.attr == "to" and node.args:
                arg = node.args[0]
                if _cuda_str(arg):
                    return f"calls `.to({const_str(arg)!r})`"
                if isinstance(arg, ast.Call) and module.qualname(arg.func) == "torch.device":
                    if arg.args and _cuda_str(arg.args[0]):
                        return f"calls `.to(torch.device({const_str(arg.args[0])!r}))`"
            for kw in ("device", "device_map"):
                value = keyword(node, kw)
                if _cuda_str(value):
                    return f"passes {kw}={const_str(value)!r}"
            if callee.startswith("torch.cuda.") and callee.rsplit(".", 1)[-1] not in _CUDA_OK:
                return f"calls `{callee}()`"
    return None


# --------------------------------------------------------------------------- SD215

#: huggingface-cli subcommand -> hf command (huggingface_hub 1.x).
HF_COMMANDS = {
    "login": "hf auth login",
    "logout": "hf auth logout",
    "whoami": "hf auth whoami",
    "download": "hf download",
    "upload": "hf upload",
    "upload-large-folder": "hf upload-large-folder",
    "repo": "hf repo",
    "scan-cache": "hf cache ls",
    "delete-cache": "hf cache rm",
    "env": "hf env",
    "version": "hf version",
    "lfs-enable-largefiles": "hf lfs-enable-largefiles",
    "tag": "hf repo tag create",
}


@check("SD215")
def huggingface_cli_removed(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    sites: list[tuple[str, int, str, tuple[str, ...]]] = [
        (image.path, sc.line, sc.raw, sc.argv)
        for inst in image.instructions
        if inst.cmd == "RUN"
        for sc in inst.commands()
        if sc.argv and _name(sc.argv[0]) == "huggingface-cli"
    ]
    sites += [
        (step.path, step.line, " ".join(step.argv), step.argv)
        for step in ctx.launches.steps
        if step.argv and _name(step.argv[0]) == "huggingface-cli"
    ]
    if not sites:
        return
    plan = install_plan(ctx)
    hubs = plan.named("huggingface-hub")
    if any(upper_bound_at_most(h.specifier, "1.0") for h in hubs):
        return  # huggingface_hub < 1.0 still ships huggingface-cli
    if any(upper_bound_at_most(t.specifier, "5.0") for t in plan.named("transformers")):
        return  # transformers 4.x requires huggingface_hub < 1.0
    if not hubs and not plan.complete:
        return  # the installed version cannot be known
    pins = ", ".join(f"`{h.text}` ({h.path}:{h.line})" for h in hubs)
    why = f"{pins} installs" if pins else "the build installs the latest"
    done: set[tuple[str, int]] = set()
    for path, line, raw, argv in sites:
        if (path, line) in done:
            continue
        done.add((path, line))
        sub = next((w for w in argv[1:] if not w.startswith("-")), "")
        new = HF_COMMANDS.get(sub)
        fix = (
            raw.replace(f"huggingface-cli {sub}", new, 1)
            if new and f"huggingface-cli {sub}" in raw
            else raw.replace("huggingface-cli", "hf", 1)
        )
        yield Finding(
            f"`{raw.strip()}`: {why} huggingface_hub 1.x, where `huggingface-cli` only prints "
            '"huggingface-cli is deprecated and no longer works. Use hf instead." and exits '
            "with status 1",
            Location(path, line),
            fix=fix.strip(),
        )


# --------------------------------------------------------------------------- SD219

_FRONTEND = (".html", ".htm", ".js", ".mjs", ".jsx", ".ts", ".tsx", ".vue", ".svelte")
_MAX_SCAN = 500_000


@check("SD219")
def multi_port_without_proxy(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    launches = ctx.launches
    if launches.front is not None:
        return  # nginx/caddy/supervisord in front decides what app_port serves
    want = ctx.card.app_port
    public = [
        launch
        for launch in launches.launches
        if launch.port is not None and launch.host is not None and not is_loopback(launch.host)
    ]
    if not any(launch.port == want for launch in public):
        return  # which server owns app_port is SD206's and SD207's question
    exposed = {
        int(p.split("/")[0])
        for inst in image.final
        if inst.cmd == "EXPOSE"
        for p in inst.args
        if p.split("/")[0].isdigit()
    }
    done: set[int] = set()
    for launch in public:
        port = launch.port
        if port is None or port == want or port in done:
            continue
        done.add(port)
        browser = _frontend_ref(ctx, port)
        if browser is not None:
            evidence = f"{browser[0]}:{browser[1]} points the browser at port {port}"
        elif port in exposed and not _internal_ref(ctx, port):
            evidence = f"the Dockerfile EXPOSEs {port}"
        else:
            continue  # used from inside the container, which works
        yield Finding(
            f"{launch.server} listens on port {port} as well as app_port {want}, and {evidence}, "
            f"but a Space exposes only app_port ({want}): nothing outside the container reaches "
            f"port {port}",
            Location(launch.path, launch.line),
            fix=(
                f"serve everything through app_port: run nginx (or caddy) on {want} with "
                f"`location /api/ {{ proxy_pass http://127.0.0.1:{port}/; }}` and the UI behind "
                f"it, bind the {launch.server} server to 127.0.0.1, and make the browser call "
                "relative URLs (`/api/...`)"
            ),
        )


def _frontend_ref(ctx: SpaceContext, port: int) -> tuple[str, int] | None:
    pattern = re.compile(
        rf"(https?:)?//[A-Za-z0-9_.\-\[\]]*:{port}\b|(localhost|127\.0\.0\.1):{port}\b|"
        rf"hostname\s*\+\s*['\"`]:{port}\b"
    )
    for rel in ctx.repo.with_suffix(*_FRONTEND):
        if "node_modules/" in rel or rel.endswith(".min.js"):
            continue
        try:
            text = ctx.repo.read_text(rel, _MAX_SCAN)
        except Unreadable:
            continue
        m = pattern.search(text)
        if m is not None:
            return rel, text.count("\n", 0, m.start()) + 1
    return None


def _internal_ref(ctx: SpaceContext, port: int) -> bool:
    pattern = re.compile(rf"(localhost|127\.0\.0\.1)['\"]?\s*[:,]\s*['\"]?{port}\b")
    for rel in ctx.repo.with_suffix(".py", ".sh"):
        try:
            text = ctx.repo.read_text(rel, _MAX_SCAN)
        except Unreadable:
            continue
        if pattern.search(text):
            return True
    return False
