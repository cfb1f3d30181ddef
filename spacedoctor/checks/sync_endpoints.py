"""Long synchronous work inside an HTTP request handler (SD301)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.pyapp import const_str, keyword
from spacedoctor.sources.space import SpaceContext
from spacedoctor.sources.webapp import (
    BLUEPRINT,
    FLASK,
    Function,
    Route,
    Scope,
    WebApp,
    Where,
    local_nodes,
    webapp_of,
)

_SUBPROCESS = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "os.system",
    }
)
_PROCESS_CTORS = frozenset(
    {"subprocess.Popen", "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell"}
)
_SLEEP = frozenset({"time.sleep", "asyncio.sleep", "anyio.sleep", "trio.sleep"})
_DOWNLOADS = frozenset(
    {
        "huggingface_hub.snapshot_download",
        "huggingface_hub.hf_hub_download",
        "huggingface_hub.file_download.hf_hub_download",
        "huggingface_hub._snapshot_download.snapshot_download",
        "urllib.request.urlretrieve",
    }
)
#: Commands that answer at once: not long work however they are started.
_QUICK_COMMANDS = frozenset(
    {
        "nvidia-smi",
        "ls",
        "echo",
        "which",
        "cat",
        "df",
        "free",
        "uname",
        "hostname",
        "date",
        "whoami",
        "id",
        "pwd",
        "env",
        "printenv",
        "nproc",
        "lscpu",
    }
)
#: Packages whose presence makes `.generate(` / `.transcribe(` mean model inference.
_ML_PACKAGES = frozenset(
    {
        "torch",
        "transformers",
        "diffusers",
        "tensorflow",
        "keras",
        "jax",
        "whisper",
        "faster_whisper",
        "ultralytics",
        "vllm",
        "llama_cpp",
        "onnxruntime",
        "optimum",
        "sentence_transformers",
        "TTS",
        "nemo",
        "ctransformers",
        "mlx",
        "mlx_lm",
        "auto_gptq",
        "peft",
        "trl",
        "ollama",
    }
)
#: Calls that start work and return at once: what they are handed runs after the response.
_FIRE_AND_FORGET = frozenset(
    {
        "create_task",
        "ensure_future",
        "add_task",
        "submit",
        "start_soon",
        "apply_async",
        "delay",
        "enqueue",
        "put",
        "put_nowait",
        "call_soon_threadsafe",
        "run_coroutine_threadsafe",
        "Thread",
        "Process",
        "Timer",
    }
)
#: Awaited calls that run a function in a worker thread: the client still waits for it.
_AWAITED_OFFLOAD = {"to_thread": 0, "run_in_threadpool": 0, "run_sync": 0, "run_in_executor": 1}
_MAX_DEPTH = 3
#: transformers pipeline tasks that generate (minutes on a CPU Space); others answer quickly.
_LONG_TASKS = (
    "text-generation",
    "text2text-generation",
    "summarization",
    "translation",
    "automatic-speech-recognition",
    "text-to-speech",
    "text-to-audio",
    "image-to-text",
    "image-text-to-text",
    "any-to-any",
)
_WEIGHT_SUFFIXES = (
    ".safetensors",
    ".bin",
    ".ckpt",
    ".pt",
    ".pth",
    ".gguf",
    ".onnx",
    ".h5",
    ".zip",
    ".tar",
    ".tar.gz",
    ".tgz",
)
#: Methods that return the same model/pipeline object: `pipeline(...).to("cuda")`.
_CHAINED = frozenset({"to", "cuda", "cpu", "eval", "half", "float", "bfloat16"})


@dataclass(frozen=True)
class Slow:
    what: str  # "`subprocess.run(...)` (a subprocess": the location and ")" follow
    where: Where
    chain: tuple[str, ...]  # the Space functions from the handler down to the call
    blocks_loop: bool  # a blocking call made directly on the event loop of an async handler


class _Finder:
    def __init__(self, web: WebApp, ml: bool, threshold: float) -> None:
        self.web = web
        self.ml = ml
        self.threshold = threshold

    def find(self, fn: Function) -> Slow | None:
        return self._walk(fn, (fn.name,), 0, fn.is_async, [])

    def _walk(
        self, fn: Function, chain: tuple[str, ...], depth: int, on_loop: bool, seen: list[_Def]
    ) -> Slow | None:
        if fn.node in seen or depth > _MAX_DEPTH:
            return None
        seen.append(fn.node)
        scope = fn.scope
        awaited: set[int] = set()
        detached: set[int] = set()
        nodes = list(local_nodes(fn.node))
        for node in nodes:
            if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
                awaited.add(id(node.value))
            elif isinstance(node, ast.Call) and _callee_name(node) in _FIRE_AND_FORGET:
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    detached.update(id(n) for n in ast.walk(arg))
        for node in nodes:
            if not isinstance(node, ast.Call) or id(node) in detached:
                continue
            is_awaited = id(node) in awaited
            what = self._heavy(scope, node)
            if what is not None:
                where = Where(scope.module.path, node.lineno)
                return Slow(what, where, chain, on_loop and not is_awaited)
            offload = _AWAITED_OFFLOAD.get(_callee_name(node) or "")
            if offload is not None and is_awaited and len(node.args) > offload:
                target = node.args[offload]
                q = self.web.qualname(scope, target)
                if q in _SUBPROCESS:
                    what = f"`{q}(...)` (in a worker thread the client still waits for"
                    return Slow(what, Where(scope.module.path, node.lineno), chain, False)
                inner = self.web.resolve_function(scope, target)
                if inner is not None and not inner.is_async:
                    found = self._walk(inner, (*chain, inner.name), depth + 1, False, seen)
                    if found is not None:
                        return found
                continue
            callee = self.web.resolve_function(scope, node.func)
            if callee is None or callee.is_generator:
                continue  # a generator's body runs only as it is iterated (streamed)
            if callee.is_async and not is_awaited:
                continue  # calling an async def only creates the coroutine
            found = self._walk(
                callee, (*chain, callee.name), depth + 1, on_loop and not callee.is_async, seen
            )
            if found is not None:
                return found
        return None

    def _heavy(self, scope: Scope, call: ast.Call) -> str | None:
        q = self.web.qualname(scope, call.func)
        if q in _SUBPROCESS:
            if self._bounded(call) or _quick(call):
                return None
            return f"`{q}(...)` (a subprocess"
        if q in _SLEEP:
            secs = _number(call.args[0] if call.args else keyword(call, "seconds"))
            if secs is not None and secs >= self.threshold:
                return f"`{q}({secs:g})` (a sleep"
            return None
        if q in _DOWNLOADS and _large_download(q, call):
            return f"`{q}(...)` (a download"
        func = call.func
        if isinstance(func, ast.Attribute):
            attr, recv = func.attr, func.value
            if attr in ("wait", "communicate"):
                origin = self._origin(scope, recv)
                if origin in _PROCESS_CTORS and not self._bounded(call):
                    return f"`{ast.unparse(func)}()` (waiting for a process from {origin}"
                return None
            if not self.ml:
                return None
            if attr in ("generate", "transcribe"):
                return f"`{ast.unparse(func)}(...)` (model inference"
            origin = self._origin(scope, recv)
            if attr in ("create_completion", "create_chat_completion"):
                if origin is not None and origin.startswith("llama_cpp."):
                    return f"`{ast.unparse(func)}(...)` (model inference"
                return None
            if attr == "train" and origin is not None and origin.endswith("Trainer"):
                return f"`{ast.unparse(func)}()` (training"
        if not self.ml or not isinstance(func, ast.Name | ast.Attribute):
            return None
        found = self._origin_call(scope, func)
        if found is None or not _is_pipeline(found[0]):
            return None
        origin, ctor = found
        if origin == "transformers.pipeline":
            task = const_str(ctor.args[0] if ctor.args else keyword(ctor, "task"))
            if task is None or not task.startswith(_LONG_TASKS):
                return None  # classification, embeddings, ...: quick, or unknown
            return f"`{ast.unparse(func)}(...)` (a {task} pipeline"
        return f"`{ast.unparse(func)}(...)` ({origin.rsplit('.', 1)[-1]} inference"

    def _origin(self, scope: Scope, expr: ast.AST) -> str | None:
        found = self._origin_call(scope, expr)
        return found[0] if found else None

    def _origin_call(self, scope: Scope, expr: ast.AST) -> tuple[str, ast.Call] | None:
        """The constructor that produced the object `expr` names, and its call: `pipe` bound to
        `pipeline("asr")` -> "transformers.pipeline"; `DiffusionPipeline.from_pretrained(...)
        .to("cuda")` -> "diffusers.DiffusionPipeline". With several bindings (`pipe = None`
        then `pipe = pipeline(...)` in a loader), the first one that is a known constructor."""
        fallback: tuple[str, ast.Call] | None = None
        for bscope, value in self.web.candidates(scope, expr):
            if isinstance(value, ast.Await):
                value = value.value
            while (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Attribute)
                and value.func.attr in _CHAINED
                and isinstance(value.func.value, ast.Call)
            ):
                value = value.func.value
            if not isinstance(value, ast.Call):
                continue
            q = self.web.qualname(bscope, value.func)
            if q is None:
                continue
            for suffix in (".from_pretrained", ".from_single_file"):
                if q.endswith(suffix):
                    q = q[: -len(suffix)]
            if _is_pipeline(q) or q in _PROCESS_CTORS or q.endswith("Trainer"):
                return q, value
            fallback = fallback or (q, value)
        return fallback

    def _bounded(self, call: ast.Call) -> bool:
        secs = _number(keyword(call, "timeout"))
        return secs is not None and secs < self.threshold * 2


_Def = ast.FunctionDef | ast.AsyncFunctionDef


def _large_download(q: str, call: ast.Call) -> bool:
    """snapshot_download and urlretrieve fetch whole repos or arbitrary URLs; hf_hub_download
    one file, reported only when it is a weights or archive file (a config is quick)."""
    if not q.endswith("hf_hub_download"):
        return True
    name = const_str(call.args[1] if len(call.args) > 1 else keyword(call, "filename"))
    return name is not None and name.lower().endswith(_WEIGHT_SUFFIXES)


def _is_pipeline(origin: str) -> bool:
    last = origin.rsplit(".", 1)[-1]
    if origin == "transformers.pipeline" or origin.startswith("llama_cpp.Llama"):
        return True
    return origin.startswith("diffusers.") and "Pipeline" in last


def _callee_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _number(node: ast.AST | None) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        if not isinstance(node.value, bool):
            return float(node.value)
    return None


def _quick(call: ast.Call) -> bool:
    arg = call.args[0] if call.args else keyword(call, "args")
    first: str | None = None
    if isinstance(arg, ast.List | ast.Tuple) and arg.elts:
        first = const_str(arg.elts[0])
    elif (text := const_str(arg)) is not None:
        first = text.split()[0] if text.split() else None
    return first is not None and first.rsplit("/", 1)[-1] in _QUICK_COMMANDS


def _uses_ml(ctx: SpaceContext) -> bool:
    for module in ctx.app.modules.values():
        for origin in module.imports.values():
            if origin.split(".")[0] in _ML_PACKAGES:
                return True
    return False


@check("SD301")
def long_sync_endpoint(ctx: SpaceContext) -> Iterator[Finding]:
    web = webapp_of(ctx)
    routes = [r for r in web.routes() if r.handler is not None]
    events = [e for e in web.events if e.queue is False and e.fn is not None]
    if not routes and not events:
        raise SkipCheck("no HTTP route handlers or queue=False Gradio events")
    budget = ctx.settings.timeout_budget
    finder = _Finder(web, _uses_ml(ctx), budget / 2)
    by_handler: dict[int, list[Route]] = {}
    for route in routes:
        assert route.handler is not None
        by_handler.setdefault(id(route.handler.node), []).append(route)
    for group in by_handler.values():
        handler = group[0].handler
        assert handler is not None
        slow = finder.find(handler)
        if slow is None:
            continue
        yield _route_finding(web, group, handler, slow, budget)
    for event in events:
        assert event.fn is not None
        slow = finder.find(event.fn)
        if slow is None:
            continue
        yield Finding(
            f"`.{event.listener}({event.fn.name}, ..., queue=False)` runs {event.fn.name} outside "
            f"the Gradio queue, so {slow.what}, {slow.where}){_via(slow)} runs inside one plain "
            f"HTTP request: if it takes longer than ~{budget:.0f} s, the Spaces proxy answers "
            "504 Gateway Time-out",
            Location(event.where.path, event.where.line),
            fix=(
                f"Drop `queue=False` from this `.{event.listener}(...)` call: queued events keep "
                "the connection alive and report progress however long the job runs."
            ),
        )


def _route_finding(
    web: WebApp, group: list[Route], handler: Function, slow: Slow, budget: float
) -> Finding:
    names = []
    for route in group:
        name = f"{'/'.join(route.methods)} {web.full_path(route)}"
        if name not in names:
            names.append(name)
    label = ", ".join(names)
    loop = (
        "; in an `async def` it also blocks the event loop, stalling every other request"
        if slow.blocks_loop
        else ""
    )
    message = (
        f"{label} runs {slow.what}, {slow.where}){_via(slow)} while the client waits: if it "
        f"takes longer than ~{budget:.0f} s, the Spaces proxy answers 504 Gateway Time-out "
        f"though the work goes on{loop}"
    )
    flask = group[0].owner.kind in (FLASK, BLUEPRINT)
    if flask:
        fix = (
            f"Answer at once and do the work elsewhere: in `{handler.name}`, create a job id, "
            "start the work in a thread or a task queue, "
            '`return {"job_id": job_id}, 202`, and add a `GET /jobs/<job_id>` route the client '
            "polls (or stream progress with a generator response)."
        )
    else:
        fix = (
            f"Answer at once and do the work in the background: give `{handler.name}` a "
            "`background_tasks: BackgroundTasks` parameter, create a job id, call "
            "`background_tasks.add_task(<the slow function>, job_id, ...)`, return "
            '`{"job_id": job_id}` with status_code=202, and add `GET /jobs/{job_id}` for the '
            "client to poll (or stream progress with StreamingResponse / server-sent events)."
        )
    return Finding(message, Location(handler.where.path, handler.where.line), fix=fix)


def _via(slow: Slow) -> str:
    if len(slow.chain) < 2:
        return ""
    return " via " + " → ".join(f"{name}()" for name in slow.chain)
