"""SD707: known failure lines in the Space's build and run logs, each mapped to its cause, its fix,
and the static check that catches the cause before a push."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacedoctor.api import Finding, Location, Severity, SkipCheck, check

if TYPE_CHECKING:
    from spacedoctor.sources.runtime import RuntimeContext

#: Decides, for one matching line, whether it means what the signature says here.
Applies = Callable[["RuntimeContext", "re.Match[str]"], bool]


@dataclass(frozen=True)
class Signature:
    """A log line with one known meaning. `what` and `fix` are format strings over the match's
    named groups plus `repo_id`, `app_port` and `hardware`."""

    key: str
    pattern: re.Pattern[str]
    severity: Severity
    what: str
    fix: str
    prevents: tuple[str, ...] = ()  # static checks that report the cause in the repo
    applies: Applies | None = None


def _at_app_port(ctx: RuntimeContext, m: re.Match[str]) -> bool:
    # A server on 127.0.0.1 behind a reverse proxy is fine; on the port the platform sends
    # traffic to, nothing can reach it. Unknown app_port (card unread): say nothing.
    return ctx.app_port is not None and int(m.group("port")) == ctx.app_port


def _cache_path(ctx: RuntimeContext, m: re.Match[str]) -> bool:
    return "cache" in m.group("path").lower()


def _not_cache_path(ctx: RuntimeContext, m: re.Match[str]) -> bool:
    return not _cache_path(ctx, m)


_BIND_FIX = {
    "gradio": 'Listen on all interfaces: `demo.launch(server_name="0.0.0.0", server_port={port})` '
    "(in a Gradio SDK Space the platform sets GRADIO_SERVER_NAME=0.0.0.0: dropping "
    "server_name works too).",
    "uvicorn": "Listen on all interfaces: `uvicorn app:app --host 0.0.0.0 --port {port}`, or "
    '`uvicorn.run(app, host="0.0.0.0", port={port})`.',
    "gunicorn": "Listen on all interfaces: `gunicorn -b 0.0.0.0:{port} ...`.",
}
_MEMORY_FIX = (
    "Load a smaller or quantized model, load it once at startup rather than per request, "
    "limit concurrent requests, or move to hardware with more memory (`hf spaces settings "
    "{repo_id} --hardware <flavor>`; `hf spaces hardware` lists them)."
)
_DISK_FIX = (
    "The container's disk is not persistent and has a fixed size: download only what the app "
    "needs, delete temporary files, stream datasets (`load_dataset(..., streaming=True)`), and "
    "keep large data on a mounted storage bucket volume."
)

#: Checked in order: the first signature that matches a line takes it.
SIGNATURES: tuple[Signature, ...] = (
    Signature(
        "hffolder",
        re.compile(r"cannot import name '?HfFolder'?"),
        Severity.HIGH,
        "an import of HfFolder, which huggingface_hub 1.0 removed (gradio 4.x imports it)",
        "Upgrade what imports it (for gradio 4.x: set `sdk_version` to gradio 5 or later), or "
        "pin `huggingface_hub<1.0` next to it.",
        ("SD402",),
    ),
    Signature(
        "audioop",
        re.compile(r"No module named '(?:py)?audioop'"),
        Severity.HIGH,
        "an import of audioop, which Python 3.13 removed (pydub and old gradio need it)",
        "Add `audioop-lts; python_version>='3.13'` to requirements.txt, or run Python 3.12 "
        '(`python_version: "3.12"` in the card, or a 3.12 base image).',
        ("SD403",),
    ),
    Signature(
        "module-not-found",
        re.compile(r"ModuleNotFoundError: No module named '(?P<module>[A-Za-z0-9_.]+)'"),
        Severity.HIGH,
        "a failed import: no module named '{module}'",
        "Install the distribution that provides `{module}` in the image: add it to "
        "requirements.txt (or to the Dockerfile's pip install); a dotted name missing from an "
        "installed package means a version mismatch: pin the version the code was written for.",
        ("SD401",),
    ),
    Signature(
        "run-secrets",
        re.compile(
            r"/run/secrets/(?P<name>[A-Za-z0-9_.-]+)'?: (?:No such file or directory|"
            r"Permission denied)|(?:No such file or directory|Permission denied): "
            r"'/run/secrets/(?P<name2>[A-Za-z0-9_.-]+)'"
        ),
        Severity.HIGH,
        "a secret file under /run/secrets that is missing or unreadable",
        "Build-time secrets exist only inside the RUN that mounts them, under the id of a Space "
        "secret: `RUN --mount=type=secret,id=NAME,mode=0444,required=true cat /run/secrets/NAME` "
        "(mode 0444 when the build runs as a user), with NAME defined in the Space's Settings > "
        'Secrets. At runtime secrets are environment variables (`os.environ["NAME"]`), never '
        "files.",
        ("SD210",),
    ),
    Signature(
        "cache-permission",
        re.compile(r"Permission denied: '(?P<path>/[^']*)'"),
        Severity.CRITICAL,
        "a cache directory the app's user cannot write: '{path}'",
        "The Space runs as uid 1000: create a user with that uid and a home it owns (`RUN "
        "useradd -m -u 1000 user`, `USER user`, `ENV HOME=/home/user`), keep caches under it "
        "(`ENV HF_HOME=/home/user/.cache/huggingface`), and copy files with `--chown=user`.",
        ("SD204",),
        _cache_path,
    ),
    Signature(
        "cache-folder",
        re.compile(r"There was a problem when trying to write in your cache folder"),
        Severity.CRITICAL,
        "transformers unable to write its cache folder",
        "The Space runs as uid 1000: point the cache at a directory that user owns (`ENV "
        "HF_HOME=/home/user/.cache/huggingface` after `RUN useradd -m -u 1000 user` and "
        "`USER user`).",
        ("SD204",),
    ),
    Signature(
        "write-permission",
        re.compile(r"Permission denied: '(?P<path>/[^']*)'"),
        Severity.HIGH,
        "a write the app's user is not allowed to make: '{path}'",
        "The Space runs as uid 1000, and files the build created as root stay root-owned: "
        "write under the user's home or /tmp, or create the directory in the Dockerfile owned "
        "by that user (`COPY --chown=user`, `RUN mkdir -p DIR && chown user DIR` before "
        "`USER user`).",
        ("SD217", "SD310"),
        _not_cache_path,
    ),
    Signature(
        "memory-limit",
        re.compile(r"Memory limit exceeded"),
        Severity.HIGH,
        "the container stopped for using more memory than its hardware has",
        _MEMORY_FIX,
    ),
    Signature(
        "killed",
        re.compile(
            r"^\s*(?:\S+: line \d+:\s*\d+\s+)?Killed\b"
            r"|(?i:exit(?:ed)? (?:with )?(?:code|status)[: ]*137\b)"
        ),
        Severity.HIGH,
        "a process killed by SIGKILL (exit status 137), which in a container is almost "
        "always the out-of-memory killer",
        _MEMORY_FIX,
    ),
    Signature(
        "storage-limit",
        re.compile(r"storage limit exceeded", re.I),
        Severity.HIGH,
        "the container evicted for filling its disk",
        _DISK_FIX,
    ),
    Signature(
        "no-space",
        re.compile(r"No space left on device"),
        Severity.HIGH,
        "a write that failed because the disk is full",
        _DISK_FIX,
    ),
    Signature(
        "scheduling",
        re.compile(r"Scheduling failure"),
        Severity.MEDIUM,
        "the platform unable to find hardware for the Space (capacity, not the Space's code)",
        "Retry later (`hf spaces restart {repo_id}`), or choose another hardware flavor.",
    ),
    Signature(
        "launch-timeout",
        re.compile(r"Launch timed out|(?:space|workload) was not healthy after", re.I),
        Severity.HIGH,
        "the platform giving up on the app: nothing answered on port {app_port} before the "
        "startup timeout",
        "Listen on 0.0.0.0 at port {app_port}; move model downloads out of startup (bake them "
        "into the image, or `preload_from_hub` in the card), or raise "
        "`startup_duration_timeout` in the card (default 30m).",
        ("SD206", "SD207", "SD308", "SD309"),
    ),
    Signature(
        "gradio-loopback",
        re.compile(r"Running on local URL:\s+https?://127\.0\.0\.1:(?P<port>\d{1,5})"),
        Severity.CRITICAL,
        "Gradio listening on 127.0.0.1:{port}, which only the container itself can reach",
        _BIND_FIX["gradio"],
        ("SD207", "SD308"),
        _at_app_port,
    ),
    Signature(
        "uvicorn-loopback",
        re.compile(r"Uvicorn running on https?://127\.0\.0\.1:(?P<port>\d{1,5})"),
        Severity.CRITICAL,
        "uvicorn listening on 127.0.0.1:{port}, which only the container itself can reach",
        _BIND_FIX["uvicorn"],
        ("SD207", "SD308"),
        _at_app_port,
    ),
    Signature(
        "gunicorn-loopback",
        re.compile(r"Listening at: https?://127\.0\.0\.1:(?P<port>\d{1,5})"),
        Severity.CRITICAL,
        "gunicorn listening on 127.0.0.1:{port}, which only the container itself can reach",
        _BIND_FIX["gunicorn"],
        ("SD207", "SD308"),
        _at_app_port,
    ),
    Signature(
        "address-in-use",
        re.compile(r"Address already in use"),
        Severity.HIGH,
        "a server that could not listen because the port is taken",
        "Start each server once (not at import time and again under `__main__`, nor in a "
        "module the server also imports), and give every extra server its own port.",
    ),
    Signature(
        "cuda-oom",
        re.compile(r"CUDA out of memory|OutOfMemoryError: CUDA|torch\.cuda\.OutOfMemoryError"),
        Severity.HIGH,
        "the GPU running out of memory",
        "Load the model in half precision or quantized, lower the batch size or resolution, "
        "free tensors between requests, or move to a GPU with more memory (`hf spaces settings "
        "{repo_id} --hardware <flavor>`).",
    ),
    Signature(
        "apt-unknown-package",
        re.compile(r"E: Unable to locate package (?P<package>\S+)"),
        Severity.HIGH,
        "apt-get unable to find the package '{package}'",
        "Use the exact Debian package name, one per line in packages.txt (or in the "
        "Dockerfile's `apt-get install`), without versions written pip-style.",
        ("SD405",),
    ),
    Signature(
        "huggingface-cli",
        re.compile(
            r"huggingface-cli(?::| is)? (?:command not found|not found|is deprecated|deprecated)"
            r"|\"huggingface-cli\": executable file not found"
        ),
        Severity.HIGH,
        "a call to huggingface-cli, which huggingface_hub 1.0 replaced with `hf`",
        "Call `hf` instead: `hf download <repo>`, `hf auth login --token $HF_TOKEN`, ...",
        ("SD215",),
    ),
    Signature(
        "transformers-cache",
        re.compile(r"Using `?TRANSFORMERS_CACHE`? is deprecated"),
        Severity.LOW,
        "the deprecated TRANSFORMERS_CACHE variable in use",
        "Set `HF_HOME` (or `HF_HUB_CACHE`) instead of `TRANSFORMERS_CACHE`.",
        ("SD205",),
    ),
    Signature(
        "gradio-share",
        re.compile(r"share=True is not supported on Hugging Face Spaces"),
        Severity.INFO,
        "launch(share=True), which Gradio ignores on a Space",
        'Remove `share=True` from `launch()` (or `share=os.getenv("SPACE_ID") is None`).',
        ("SD307",),
    ),
)


@dataclass
class _Hit:
    signature: Signature
    match: re.Match[str]
    line: str
    count: int = 1


def classify(ctx: RuntimeContext, lines: Iterable[str]) -> list[_Hit]:
    """Each signature found in `lines`, once, with its last matching line and how many lines
    matched; in the order of the signatures' first appearance."""
    hits: dict[str, _Hit] = {}
    for line in lines:
        for sig in SIGNATURES:
            m = sig.pattern.search(line)
            if m is None or (sig.applies is not None and not sig.applies(ctx, m)):
                continue
            hit = hits.get(sig.key)
            if hit is None:
                hits[sig.key] = _Hit(sig, m, line)
            else:
                hit.match, hit.line, hit.count = m, line, hit.count + 1
            break
    return list(hits.values())


@dataclass(frozen=True)
class _Source:
    label: str  # "run log"
    field: str  # "logs.run"
    lines: tuple[str, ...]


def _sources(ctx: RuntimeContext) -> list[_Source]:
    """What to read, most direct first: the Hub's own error text, then the logs that belong
    to the current revision."""
    if ctx.stage in ("CONFIG_ERROR", "NO_APP_FILE"):
        raise SkipCheck(
            f"Space {ctx.repo_id} is in {ctx.stage}: nothing was built from this revision, so "
            "its logs belong to an earlier one"
        )
    # In BUILD_ERROR and BUILDING the run log is an earlier container's, if any.
    building = ctx.stage in ("BUILD_ERROR", "BUILDING")
    tails = [ctx.build_log] if building else [ctx.run_log, ctx.build_log]
    readable = [t for t in tails if t.unavailable is None]
    out = []
    if ctx.error_message:
        lines = tuple(ln for ln in ctx.error_message.splitlines() if ln.strip())
        out.append(_Source("Hub's error message", "runtime.errorMessage", lines))
    out.extend(_Source(f"{t.kind} log", t.field, t.lines) for t in readable)
    if not out:
        raise SkipCheck("; ".join(t.unavailable or "" for t in tails))
    return out


def _values(ctx: RuntimeContext, m: re.Match[str]) -> dict[str, str]:
    groups = {k: v for k, v in m.groupdict().items() if v is not None}
    if "name2" in groups:
        groups.setdefault("name", groups["name2"])
    return {
        "repo_id": ctx.repo_id,
        "app_port": str(ctx.app_port or 7860),
        "hardware": ctx.hardware or "its hardware",
        **groups,
    }


@check("SD707")
def log_signatures(ctx: RuntimeContext) -> Iterator[Finding]:
    reported: set[str] = set()  # one finding per signature, at its most direct source
    for source in _sources(ctx):
        for hit in classify(ctx, source.lines):
            sig = hit.signature
            if sig.key in reported:
                continue
            reported.add(sig.key)
            values = _values(ctx, hit.match)
            times = f" ({hit.count} lines; the last is quoted)" if hit.count > 1 else ""
            fix = sig.fix.format(**values)
            if sig.prevents:
                ids = ", ".join(sig.prevents)
                fix += f" `spacedoctor audit` reports the cause in the repo ({ids})."
            yield Finding(
                f"the {source.label} of Space {ctx.repo_id} shows {sig.what.format(**values)}"
                f"{times}",
                Location(field=source.field),
                fix=fix,
                severity=sig.severity,
                evidence=hit.line,
            )
