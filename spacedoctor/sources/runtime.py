"""RuntimeContext: what the Hub says about a Space's runtime, and the tails of its build and run
logs, read through huggingface_hub within one time budget.

Calls: `HfApi.get_space_runtime` (GET /api/spaces/{id}/runtime), `HfApi.space_info` (GET
/api/spaces/{id}, for the sdk and app_port) and `HfApi.fetch_space_logs(follow=False)` (SSE on
/api/spaces/{id}/logs/{build,run}). huggingface_hub is imported inside `fetch_runtime` only, and
its HfApi gets the endpoint read now (`HF_ENDPOINT` is read by the library only at import).

The time budget is enforced here, not left to the library: `get_space_runtime` has no timeout
and the library's client has none by default, and a log stream that keeps sending keep-alives
never hits the library's read timeout. Each call runs in a daemon thread the caller stops
waiting for at the deadline; a log stream cut short keeps the lines read so far.

Everything text-like the Hub returns (log lines, errorMessage) is cleaned once here: ANSI
colour codes removed, each line capped, and the token and anything token-shaped redacted, so
no check and no reporter ever holds a credential.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

import spacedoctor
from spacedoctor.redact import redact, redact_in
from spacedoctor.sources.hub import HubError, endpoint_display, hub_endpoint
from spacedoctor.sources.secrets import find_secrets

log = logging.getLogger(__name__)

#: Stages in which the Space did not come up (SpaceStage in huggingface_hub).
ERROR_STAGES = frozenset({"BUILD_ERROR", "RUNTIME_ERROR", "CONFIG_ERROR", "NO_APP_FILE"})
#: Stages on the way to RUNNING (huggingface_hub's INTERMEDIATE_SPACE_STAGES).
INTERMEDIATE_STAGES = frozenset(
    {"BUILDING", "RUNNING_BUILDING", "APP_STARTING", "RUNNING_APP_STARTING"}
)
#: A Space's default app port when the card sets no app_port (spaces-config-reference).
DEFAULT_APP_PORT = 7860
#: One log line or the errorMessage is cut at this many characters.
MAX_LINE = 2000
MAX_ERROR = 4000
ELLIPSIS = "…"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Token shapes redacted whatever their look (a placeholder lost is no harm): Hugging Face user
# and org tokens, and the value of an Authorization header.
_TOKEN_SHAPES = re.compile(r"(?<![A-Za-z0-9_])(?:hf_|api_org_)[A-Za-z0-9]{16,}")
_BEARER = re.compile(r"(?i)(\bbearer\s+)([A-Za-z0-9._~+/=-]{12,})")


@dataclass(frozen=True)
class Domain:
    """A domain the Space is served on (its *.hf.space host, or a custom domain) and its state."""

    name: str
    stage: str | None

    @property
    def is_custom(self) -> bool:
        host = self.name.lower().rstrip(".")
        return not (host == "hf.space" or host.endswith(".hf.space"))


@dataclass(frozen=True)
class MountedVolume:
    type: str
    source: str
    mount_path: str
    read_only: bool | None = None


@dataclass(frozen=True)
class LogTail:
    """The last lines of one of the Space's logs, cleaned (see the module docstring)."""

    kind: str  # "build" or "run"
    lines: tuple[str, ...] = ()
    read: int = 0  # non-blank lines read in all (the tail keeps the last `len(lines)`)
    complete: bool = True  # False when the time budget cut the stream
    unavailable: str | None = None  # why the log could not be read at all

    @property
    def field(self) -> str:
        return f"logs.{self.kind}"

    def last(self, count: int) -> tuple[str, ...]:
        return self.lines[-count:] if count > 0 else ()


@dataclass(frozen=True)
class RuntimeContext:
    """Everything the runtime and log checks (SD7xx) may read about one Space."""

    repo_id: str
    stage: str
    hardware: str | None = None
    requested_hardware: str | None = None
    sleep_time: int | None = None  # seconds without traffic before the Space sleeps
    storage: str | None = None
    dev_mode: bool = False
    error_message: str | None = None  # raw errorMessage (undocumented field), cleaned
    replicas_current: int | None = None
    replicas_requested: int | str | None = None
    domains: tuple[Domain, ...] = ()
    volumes: tuple[MountedVolume, ...] = ()
    #: From space_info; None when it could not be read.
    sdk: str | None = None
    #: The port the platform sends traffic to: the card's app_port, else 7860; None when the
    #: card could not be read (then nothing may be concluded from a port).
    app_port: int | None = None
    build_log: LogTail = field(default_factory=lambda: LogTail("build"))
    run_log: LogTail = field(default_factory=lambda: LogTail("run"))
    raw: Mapping[str, Any] = field(default_factory=dict)
    #: Inputs that could not be read, as "what: why" (reported as skipped, not as errors).
    notes: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.stage in ERROR_STAGES

    @property
    def is_intermediate(self) -> bool:
        return self.stage in INTERMEDIATE_STAGES


# --- cleaning ------------------------------------------------------------------------------


def clean_text(text: str, secrets: Iterable[str] = (), limit: int = MAX_LINE) -> str:
    """`text` without terminal escapes or control characters, cut at `limit` characters, with
    each of `secrets` and anything token-shaped redacted."""
    out = _CONTROL.sub("", _ANSI.sub("", text.replace("\r\n", "\n").replace("\t", "    ")))
    for secret in secrets:
        if secret and secret.strip():
            out = redact_in(out, secret)
    out = _TOKEN_SHAPES.sub(lambda m: redact(m.group(0)), out)
    out = _BEARER.sub(lambda m: m.group(1) + redact(m.group(2)), out)
    for hit in find_secrets(out):
        out = redact_in(out, hit.value)
    if len(out) > limit:
        out = out[:limit] + ELLIPSIS
    return out


def _clean_lines(chunk: str, secrets: tuple[str, ...]) -> list[str]:
    """One log event's text as display lines: split, blank lines dropped, each cleaned."""
    out = []
    for piece in chunk.splitlines():
        if not piece.strip():
            continue
        # Cut before cleaning so a megabyte line costs nothing; clean again caps the result.
        line = clean_text(piece[: MAX_LINE * 2], secrets).rstrip()
        if line.strip():
            out.append(line)
    return out


# --- parsing the runtime JSON ------------------------------------------------------------------


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_runtime(
    repo_id: str, raw: Mapping[str, Any], secrets: tuple[str, ...] = ()
) -> RuntimeContext:
    """The runtime JSON (`SpaceRuntime.raw`) as a RuntimeContext, every field checked for type:
    fields the Hub leaves out or changes shape of become None, never an exception."""
    stage = _str(raw.get("stage"))
    if stage is None:
        raise HubError(f"the Hub's runtime answer for Space {repo_id} has no stage")
    hardware = _mapping(raw.get("hardware"))
    replicas = _mapping(raw.get("replicas"))
    requested = replicas.get("requested")
    domains = [
        Domain(str(item["domain"]), _str(item.get("stage")))
        for item in _list(raw.get("domains"))
        if isinstance(item, Mapping) and _str(item.get("domain"))
    ]
    volumes = []
    for item in _list(raw.get("volumes")):
        if not isinstance(item, Mapping):
            continue
        mount = _str(item.get("mountPath")) or _str(item.get("mount_path"))
        source = _str(item.get("source"))
        if mount and source:
            ro = item.get("readOnly", item.get("read_only"))
            volumes.append(
                MountedVolume(
                    _str(item.get("type")) or "model",
                    source,
                    mount,
                    ro if isinstance(ro, bool) else None,
                )
            )
    error = _str(raw.get("errorMessage"))
    return RuntimeContext(
        repo_id=repo_id,
        stage=stage.strip().upper(),
        hardware=_str(hardware.get("current")),
        requested_hardware=_str(hardware.get("requested")),
        sleep_time=_int(raw.get("gcTimeout")),
        storage=_str(raw.get("storage")),
        dev_mode=raw.get("devMode") is True,
        error_message=clean_text(error, secrets, MAX_ERROR).strip() if error else None,
        replicas_current=_int(replicas.get("current")),
        replicas_requested=_int(requested) if _int(requested) is not None else _str(requested),
        domains=tuple(domains),
        volumes=tuple(volumes),
        raw=dict(raw),
    )


def app_port_of(sdk: str | None, card: Mapping[str, Any]) -> int | None:
    """Where the platform sends traffic: a Docker Space's app_port, else 7860."""
    if sdk == "docker":
        port = card.get("app_port")
        if isinstance(port, int) and not isinstance(port, bool) and 0 < port < 65536:
            return port
        if port is not None:
            return None  # an app_port the Hub would reject or ignore: do not guess
    return DEFAULT_APP_PORT


# --- fetching ----------------------------------------------------------------------------------

T = TypeVar("T")


class _Call(threading.Thread, Generic[T]):
    """One blocking call in a daemon thread, so the caller can stop waiting at a deadline
    (an abandoned call ends with its connection, or with the process)."""

    def __init__(self, fn: Callable[[], T], name: str) -> None:
        super().__init__(name=f"spacedoctor-{name}", daemon=True)
        self.fn = fn
        self.result: T | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as exc:  # handed to the caller, never raised in the thread
            self.error = exc

    def wait(self, deadline: float) -> bool:
        """Whether the call finished before the deadline (time.monotonic())."""
        self.join(max(0.0, deadline - time.monotonic()))
        return not self.is_alive()


class _LogReader(threading.Thread):
    """Reads one log stream into a bounded tail; stops after the next event once told to."""

    def __init__(
        self, stream: Callable[[], Iterable[str]], kind: str, keep: int, secrets: tuple[str, ...]
    ) -> None:
        super().__init__(name=f"spacedoctor-logs-{kind}", daemon=True)
        self.stream = stream
        self.kind = kind
        self.secrets = secrets
        self.tail: deque[str] = deque(maxlen=max(keep, 1))
        self.read = 0
        self.error: BaseException | None = None
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def run(self) -> None:
        try:
            for chunk in self.stream():
                if not isinstance(chunk, str):
                    continue
                lines = _clean_lines(chunk, self.secrets)
                with self.lock:
                    self.tail.extend(lines)
                    self.read += len(lines)
                if self.stop.is_set():
                    break
        except BaseException as exc:
            self.error = exc

    def snapshot(self) -> tuple[tuple[str, ...], int]:
        with self.lock:
            return tuple(self.tail), self.read


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def access_error(exc: BaseException, repo_id: str, token: str | None) -> HubError:
    """A one-line HubError for a failed runtime request. The library's own message is never
    shown: it carries URLs and response text; only the status and the exception's type are."""
    where = endpoint_display()
    status = _status(exc)
    login = "set HF_TOKEN (or run `hf auth login`) with a token that can read it"
    if status == 404:
        hint = f" (a private Space needs a token: {login})" if not token else ""
        return HubError(f"Space {repo_id} was not found on {where}{hint}")
    if status in (401, 403):
        if token:
            return HubError(
                f"the Hub answered HTTP {status} for Space {repo_id}: this Space is private or "
                "the token lacks access (or the token is invalid or expired)"
            )
        return HubError(
            f"the Hub answered HTTP {status} for Space {repo_id}: this Space is private or the "
            f"token lacks access; {login}"
        )
    if status is not None:
        return HubError(f"the Hub at {where} answered HTTP {status} for Space {repo_id}")
    name = type(exc).__name__
    if name == "OfflineModeIsEnabled":
        return HubError("HF_HUB_OFFLINE is set, and diagnosing a Space needs the Hub")
    if _is_transport_error(exc):
        return HubError(f"cannot reach the Hub at {where} for Space {repo_id}: {name}")
    # The library could not read the answer (SpaceRuntime expects a shape the Hub changed).
    return HubError(
        f"the Hub's runtime answer for Space {repo_id} has a shape spacedoctor cannot read ({name})"
    )


def _is_transport_error(exc: BaseException) -> bool:
    # httpx/httpcore (huggingface_hub 1.x) or httpx2/httpcore2 (2.x): matched by module, so
    # neither has to be imported here.
    module = type(exc).__module__ or ""
    return isinstance(exc, OSError) or module.split(".")[0] in (
        "httpx",
        "httpx2",
        "httpcore",
        "httpcore2",
    )


def _log_unavailable(exc: BaseException, kind: str, token: str | None) -> str:
    status = _status(exc)
    what = f"the {kind} log"
    if status in (401, 403):
        if token:
            return (
                f"{what}: the Hub answered HTTP {status} (the token cannot read this Space's logs)"
            )
        return (
            f"{what}: the Hub answered HTTP {status}; logs need a token "
            "(set HF_TOKEN or run `hf auth login`)"
        )
    if status is not None:
        return f"{what}: the Hub answered HTTP {status}"
    return f"{what} could not be read: {type(exc).__name__}"


def fetch_runtime(
    repo_id: str,
    token: str | None,
    *,
    log_lines: int = 200,
    timeout: float = 30.0,
) -> RuntimeContext:
    """Ask the Hub for the Space's runtime, then (side by side) its card and the tails of both
    logs, all within `timeout` seconds. The runtime is required (a HubError otherwise); what
    else cannot be read is noted in `notes` and the logs' `unavailable`."""
    from huggingface_hub import HfApi

    deadline = time.monotonic() + timeout
    secrets = (token,) if token else ()
    api = HfApi(
        endpoint=hub_endpoint(),
        token=token or False,
        library_name="spacedoctor",
        library_version=spacedoctor.__version__,
    )

    call: _Call[Any] = _Call(lambda: api.get_space_runtime(repo_id), "runtime")
    call.start()
    if not call.wait(deadline):
        raise HubError(
            f"the Hub at {endpoint_display()} did not answer within {timeout:g} s "
            f"for Space {repo_id}"
        )
    if call.error is not None:
        if not isinstance(call.error, Exception):
            raise call.error
        log.debug("runtime request failed: %s", type(call.error).__name__)
        raise access_error(call.error, repo_id, token)
    raw = getattr(call.result, "raw", None)
    if not isinstance(raw, Mapping):
        raise HubError(f"the Hub's runtime answer for Space {repo_id} is not a JSON object")
    ctx = parse_runtime(repo_id, raw, secrets)

    info: _Call[Any] = _Call(
        lambda: api.space_info(repo_id, timeout=max(1.0, deadline - time.monotonic())), "info"
    )
    readers = [
        _LogReader(_log_stream(api, repo_id, build), kind, log_lines, secrets)
        for kind, build in (("build", True), ("run", False))
    ]
    info.start()
    for reader in readers:
        reader.start()

    notes: list[str] = []
    sdk: str | None = None
    app_port: int | None = None
    if not info.wait(deadline):
        notes.append(f"the Space's card: the Hub did not answer within {timeout:g} s")
    elif info.error is not None:
        status = _status(info.error)
        why = f"HTTP {status}" if status is not None else type(info.error).__name__
        notes.append(f"the Space's card could not be read ({why})")
    else:
        sdk = _str(getattr(info.result, "sdk", None))
        card = _card_dict(getattr(info.result, "card_data", None))
        app_port = app_port_of(sdk or _str(card.get("sdk")), card)

    tails = {}
    for reader in readers:
        finished = _join(reader, deadline)
        if not finished:
            reader.stop.set()
        lines, read = reader.snapshot()
        unavailable = None
        if finished and reader.error is not None:
            unavailable = _log_unavailable(reader.error, reader.kind, token)
            log.debug("%s log request failed: %s", reader.kind, type(reader.error).__name__)
        tails[reader.kind] = LogTail(
            reader.kind, lines, read, complete=finished, unavailable=unavailable
        )
        if not finished:
            notes.append(
                f"the {reader.kind} log was still streaming after {timeout:g} s: the lines read by "
                f"then ({len(lines)}) are used"
            )
    return replace(
        ctx,
        sdk=sdk,
        app_port=app_port,
        build_log=tails["build"],
        run_log=tails["run"],
        notes=tuple(notes),
    )


def _log_stream(api: Any, repo_id: str, build: bool) -> Callable[[], Iterable[str]]:
    # follow=False: the buffered log only; the library never loops back for more.
    def stream() -> Iterable[str]:
        result: Iterable[str] = api.fetch_space_logs(repo_id, build=build, follow=False)
        return result

    return stream


def _join(thread: threading.Thread, deadline: float) -> bool:
    thread.join(max(0.0, deadline - time.monotonic()))
    return not thread.is_alive()


def _card_dict(card: object) -> dict[str, Any]:
    if card is None:
        return {}
    try:
        data = card.to_dict()  # type: ignore[attr-defined]
    except Exception:
        return {}
    return dict(data) if isinstance(data, Mapping) else {}
