"""The command line: Typer commands that parse options, call the engine, and hand results to a
reporter. No logic lives here beyond wiring, exit codes and one-line errors."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TextIO

import typer

from spacedoctor import __version__

if TYPE_CHECKING:
    from spacedoctor.config import Settings
    from spacedoctor.model import RunResult
    from spacedoctor.registry import Registry

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github")

app = typer.Typer(
    name="spacedoctor",
    help="A deployment doctor for Hugging Face Spaces: find what will break before it costs a day.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _fail(message: str) -> NoReturn:
    from spacedoctor.redact import scrub
    from spacedoctor.report import run_secrets

    # The message may echo an argument as typed: a token pasted in the wrong place must not
    # end up in a CI log.
    typer.echo(f"spacedoctor: error: {scrub(message, run_secrets())}", err=True)
    raise typer.Exit(EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"spacedoctor {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """spacedoctor checks Hugging Face Space repos before you push (audit), running Spaces after
    you deploy (probe), and gates CI on what it finds.

    Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error,
    unreadable target, bad config, or a check that crashed.
    """


# Options shared by the commands that report. Every one also reads SPACEDOCTOR_<NAME>.
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        envvar="SPACEDOCTOR_FORMAT",
        help="Output format: text, json, sarif or github (workflow annotations).",
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        envvar="SPACEDOCTOR_OUTPUT",
        help="Write the report to FILE instead of stdout.",
    ),
]
FailOnOpt = Annotated[
    str | None,
    typer.Option(
        "--fail-on",
        envvar="SPACEDOCTOR_FAIL_ON",
        help="Exit 1 when a finding is at or above this severity: "
        "critical, high, medium, low, info or none. [default: critical]",
        show_default=False,
    ),
]
SelectOpt = Annotated[
    str | None,
    typer.Option(
        "--select",
        envvar="SPACEDOCTOR_SELECT",
        help="Only these checks: comma-separated id prefixes or names (SD2,SD301,port-mismatch).",
    ),
]
IgnoreOpt = Annotated[
    str | None,
    typer.Option(
        "--ignore",
        envvar="SPACEDOCTOR_IGNORE",
        help="Skip these checks: comma-separated id prefixes or names. The longest match wins.",
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        envvar="SPACEDOCTOR_CONFIG",
        help="Config file (.spacedoctor.yaml or a pyproject.toml with [tool.spacedoctor]). "
        "Default: the one in the audited folder.",
    ),
]
NoColorOpt = Annotated[
    bool,
    typer.Option("--no-color", envvar="SPACEDOCTOR_NO_COLOR", help="Plain output (also NO_COLOR)."),
]


# The live probe's options, shared by `probe` and `audit --url`.
OriginOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--origin",
        envvar="SPACEDOCTOR_ORIGIN",
        help="A frontend origin that must be allowed by CORS (repeatable; audit: with --url).",
    ),
]
ProbePathOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--path",
        envvar="SPACEDOCTOR_PATH",
        help="An extra path to probe (repeatable; audit: with --url).",
    ),
]


def _registry() -> Registry:
    from spacedoctor.registry import RegistryError, load_registry

    try:
        return load_registry()
    except RegistryError as exc:
        _fail(f"cannot load checks: {exc}")


def _settings(
    root: Path | None,
    config: Path | None,
    select: str | None,
    ignore: str | None,
    fail_on: str | None,
) -> Settings:
    from spacedoctor.config import ConfigError, build_settings, find_config

    try:
        path, data = find_config(root or Path.cwd(), config)
        return build_settings(data, path, select=select, ignore=ignore, fail_on=fail_on)
    except ConfigError as exc:
        _fail(str(exc))


def _check_format(fmt: str) -> str:
    value = fmt.strip().lower()
    if value not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return value


@contextmanager
def _destination(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
        return
    try:
        fh = output.open("w", encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}")
    with fh:
        yield fh


def _use_color(no_color: bool, output: Path | None) -> bool:
    if no_color or output is not None or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _emit(
    result: RunResult,
    fmt: str,
    output: Path | None,
    color: bool,
    settings: Settings,
    root: str | None = None,
) -> NoReturn:
    from spacedoctor.report import render

    with _destination(output) as out:
        render(fmt, result, out, color=color, root=root)
    if result.errors:
        raise typer.Exit(EXIT_ERROR)
    threshold = settings.fail_on
    if threshold is not None and any(r.severity.rank >= threshold.rank for r in result.findings):
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


@app.command()
def audit(
    path: Annotated[
        Path, typer.Argument(help="The Space repo (or a folder of Spaces) to audit.")
    ] = Path("."),
    fmt: FormatOpt = "text",
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
    no_color: NoColorOpt = False,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            envvar="SPACEDOCTOR_URL",
            help="Also probe the running Space at URL (as `spacedoctor probe` does) and mark the "
            "static findings the probe confirmed.",
        ),
    ] = None,
    origin: OriginOpt = None,
    probe_path: ProbePathOpt = None,
) -> None:
    """Static checks of a Space repo before you push: README front matter, Dockerfile, Python
    app code, dependencies and repo files. Reads the code; never imports or runs it."""
    from spacedoctor.engine import TargetError
    from spacedoctor.engine import audit as run_audit

    fmt = _check_format(fmt)
    if not path.exists():
        _fail(f"{path}: no such file or directory")
    if not path.is_dir():
        _fail(f"{path}: not a directory (audit takes a Space repo folder)")
    settings = _settings(path, config, select, ignore, fail_on)
    registry = _registry()
    try:
        result = run_audit(path, settings, registry)
    except TargetError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{path}: {exc.strerror or exc}")
    if url is not None:
        live = (tuple(origin or ()), tuple(probe_path or ()))
        result = _confirm_live(result, url, live, path, fmt, settings, registry)
    elif origin or probe_path:
        _fail("--origin and --path go with --url")
    _emit(result, fmt, output, _use_color(no_color, output), settings, root=str(path))


def _confirm_live(
    static: RunResult,
    url: str,
    live: tuple[tuple[str, ...], tuple[str, ...]],
    path: Path,
    fmt: str,
    settings: Settings,
    registry: Registry,
) -> RunResult:
    from spacedoctor.confirm import combine
    from spacedoctor.probe import CONFIRMS, ProbeError, ProbeOptions, run_probe
    from spacedoctor.sources.card import parse_card_text

    # The repo's own front matter tells the probe what the Hub would (disable_embedding,
    # sdk_version, custom_headers) when the target is a plain URL such as localhost.
    readme = path / "README.md"
    try:
        text = readme.read_text("utf-8", errors="replace") if readme.is_file() else ""
    except OSError:
        text = ""
    card = parse_card_text(text)
    opts = ProbeOptions(
        target=url,
        origins=live[0],
        paths=live[1],
        timeout_budget=settings.timeout_budget,
        progress=fmt == "text" and sys.stderr.isatty() and not os.environ.get("CI"),
        card=card.data or None,
    )
    try:
        probed = run_probe(opts, settings, registry)
    except ProbeError as exc:
        _fail(str(exc))
    return combine(static, probed, CONFIRMS)


@app.command()
def probe(
    target: Annotated[
        str,
        typer.Argument(
            help="The running Space: https://owner-name.hf.space, "
            "https://huggingface.co/spaces/owner/name, owner/name, or any http(s) URL."
        ),
    ],
    origin: OriginOpt = None,
    probe_path: ProbePathOpt = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            envvar="SPACEDOCTOR_ENDPOINT",
            help="One request to time, as 'METHOD /path' (e.g. 'POST /predict').",
        ),
    ] = None,
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            envvar="SPACEDOCTOR_DATA",
            help="Body for --endpoint: text, or @file to read it.",
        ),
    ] = None,
    timeout_budget: Annotated[
        float | None,
        typer.Option(
            "--timeout-budget",
            envvar="SPACEDOCTOR_TIMEOUT_BUDGET",
            help="Seconds a request may take before the Spaces proxy answers 504. [default: 60]",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = "text",
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Live HTTP checks of a running Space, the way a browser and the Space page see it."""
    fmt = _check_format(fmt)
    settings = _settings(None, config, select, ignore, fail_on)
    registry = _registry()
    body: bytes | None = None
    if data is not None:
        if data.startswith("@"):
            try:
                body = Path(data[1:]).read_bytes()
            except OSError as exc:
                _fail(f"--data {data}: {exc.strerror}")
        else:
            body = data.encode("utf-8")
    if timeout_budget is not None and timeout_budget <= 0:
        _fail("--timeout-budget must be a positive number of seconds")
    from spacedoctor.probe import ProbeError, ProbeOptions, run_probe

    color = _use_color(no_color, output)
    opts = ProbeOptions(
        target=target,
        origins=tuple(origin or ()),
        paths=tuple(probe_path or ()),
        endpoint=endpoint,
        data=body,
        timeout_budget=timeout_budget or settings.timeout_budget,
        progress=fmt == "text" and sys.stderr.isatty() and not os.environ.get("CI"),
    )
    try:
        result = run_probe(opts, settings, registry)
    except ProbeError as exc:
        _fail(str(exc))
    _emit(result, fmt, output, color, settings)


@app.command()
def diagnose(
    space: Annotated[
        str,
        typer.Argument(
            help="The Space on the Hub: owner/name or https://huggingface.co/spaces/owner/name."
        ),
    ],
    log_lines: Annotated[
        int,
        typer.Option(
            "--log-lines",
            envvar="SPACEDOCTOR_LOG_LINES",
            help="How many of the last lines of the build and run logs to read.",
        ),
    ] = 200,
    fmt: FormatOpt = "text",
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Why a Space does not run: its stage, hardware and domains from the Hub, and known failures
    in its build and run logs. Private Spaces and logs need HF_TOKEN (or `hf auth login`)."""
    fmt = _check_format(fmt)
    settings = _settings(None, config, select, ignore, fail_on)
    registry = _registry()
    from spacedoctor.diagnose import DiagnoseError, DiagnoseOptions, run_diagnose

    color = _use_color(no_color, output)
    try:
        result = run_diagnose(DiagnoseOptions(space=space, log_lines=log_lines), settings, registry)
    except DiagnoseError as exc:
        _fail(str(exc))
    _emit(result, fmt, output, color, settings)


@app.command("checks")
def list_checks(
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", envvar="SPACEDOCTOR_FORMAT", help="text or json."),
    ] = "text",
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
) -> None:
    """List the catalog of checks (built-in and plugins)."""
    from spacedoctor.config import Settings, split_list

    fmt = fmt.strip().lower()
    if fmt not in ("text", "json"):
        _fail(f"--format must be text or json, not {fmt!r}")
    registry = _registry()
    sel = Settings(select=split_list(select) if select else None, ignore=split_list(ignore))
    infos = [b.info for b in registry.checks if sel.selected(b.info.id, b.info.name)]
    if fmt == "json":
        import json

        doc = [
            {
                "id": i.id,
                "name": i.name,
                "severity": i.severity.value,
                "target": i.target.value,
                "title": i.title,
                "why": i.why,
                "fix": i.fix,
                "references": list(i.references),
                "plugin": i.plugin,
            }
            for i in infos
        ]
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    width = max((len(i.name) for i in infos), default=10)
    for i in infos:
        typer.echo(
            f"{i.id}  {i.severity.value:<8}  {i.target.value:<10}  {i.name:<{width}}  {i.title}"
        )


@app.command()
def explain(
    check: Annotated[
        str, typer.Argument(help="A check id (SD204) or name (cache-dir-unwritable).")
    ],
) -> None:
    """Explain a check: what it finds, why it breaks a Space, and how to fix it."""
    registry = _registry()
    bound = registry.lookup(check.strip())
    if bound is None:
        _fail(f"unknown check {check!r}; `spacedoctor checks` lists them")
    i = bound.info
    lines = [
        f"{i.id} {i.name} ({i.severity.value}, {i.target.value})",
        "",
        i.title,
        "",
        "Why:",
        *("  " + ln if ln else "" for ln in i.why.splitlines()),
        "",
        "Fix:",
        *("  " + ln if ln else "" for ln in i.fix.splitlines()),
    ]
    if i.references:
        lines += ["", "References:", *(f"  {r}" for r in i.references)]
    if i.plugin != "builtin":
        lines += ["", f"Provided by the plugin {i.plugin!r}."]
    typer.echo("\n".join(lines))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("spacedoctor: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if os.environ.get("SPACEDOCTOR_DEBUG"):
            raise
        from spacedoctor.redact import scrub
        from spacedoctor.report import run_secrets

        typer.echo(
            f"spacedoctor: internal error: {type(exc).__name__}: {scrub(str(exc), run_secrets())} "
            "(set SPACEDOCTOR_DEBUG=1 for the traceback)",
            err=True,
        )
        sys.exit(EXIT_ERROR)
