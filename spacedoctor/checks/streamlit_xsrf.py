"""Streamlit uploads that fail with 403 inside the huggingface.co iframe (SD313)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.launch import Launch
from spacedoctor.sources.repo import Unreadable
from spacedoctor.sources.servers import streamlit_server_config
from spacedoctor.sources.space import SpaceContext

OPTION = "--server.enableXsrfProtection"
ENV_VAR = "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"
#: What Streamlit's boolean options accept as false (click's BOOL).
_FALSE = frozenset({"false", "0", "no", "n", "f", "off"})
_UPLOADERS = ("file_uploader", "camera_input")


def upload_widgets(ctx: SpaceContext) -> list[tuple[str, int, str]]:
    """(path, line, widget) for every Streamlit widget that uploads a file: st.file_uploader,
    st.camera_input, and st.chat_input(accept_file=...) unless accept_file is False."""
    out: list[tuple[str, int, str]] = []
    for path, module in sorted(ctx.app.modules.items()):
        for call, name in module.calls():
            if name is None or not name.startswith("streamlit."):
                continue
            widget = name.rsplit(".", 1)[-1]
            if widget in _UPLOADERS:
                out.append((path, call.lineno, f"st.{widget}"))
            elif widget == "chat_input":
                accept = next((k.value for k in call.keywords if k.arg == "accept_file"), None)
                if accept is not None and not (
                    isinstance(accept, ast.Constant) and accept.value in (False, None)
                ):
                    out.append((path, call.lineno, "st.chat_input(accept_file=...)"))
    return out


def _disabled_in_argv(argv: tuple[str, ...]) -> bool | None:
    """True/False when the command line sets the option; None when it does not."""
    found: bool | None = None
    for i, word in enumerate(argv):
        if word.startswith(OPTION + "="):
            found = word.split("=", 1)[1].strip().lower() in _FALSE
        elif word == OPTION and i + 1 < len(argv):
            found = argv[i + 1].strip().lower() in _FALSE
    return found


def _disabled_in_config(ctx: SpaceContext) -> str | None:
    """The `.streamlit/config.toml` that turns XSRF protection off, if any. Streamlit reads the
    one in its working directory and ~/.streamlit; any such file of the Space counts."""
    for rel in ctx.repo.names():
        if not (rel == ".streamlit/config.toml" or rel.endswith("/.streamlit/config.toml")):
            continue
        try:
            server = streamlit_server_config(ctx.repo.read_text(rel))
        except Unreadable:
            continue
        if server is not None and server.get("enableXsrfProtection") is False:
            return rel
    return None


@check("SD313")
def streamlit_xsrf(ctx: SpaceContext) -> Iterator[Finding]:
    ctx.require_docker()
    launches = [la for la in ctx.launches.launches if la.server == "streamlit"]
    if not launches:
        raise SkipCheck("the start command runs no Streamlit server")
    uploads = upload_widgets(ctx)
    if not uploads:
        raise SkipCheck("no Streamlit upload widget (st.file_uploader, st.camera_input)")
    env = ctx.launches.env.get(ENV_VAR)
    if env is not None and env.value.strip().lower() in _FALSE:
        return
    if _disabled_in_config(ctx) is not None:
        return
    for launch in launches:
        if not _disabled_in_argv(launch.argv):
            yield _finding(launch, uploads)


def _finding(launch: Launch, uploads: list[tuple[str, int, str]]) -> Finding:
    path, line, widget = uploads[0]
    more = f" and {len(uploads) - 1} more" if len(uploads) > 1 else ""
    target = launch.target or "app.py"
    return Finding(
        f"Streamlit runs with XSRF protection on (its default) and the app uploads files "
        f"({widget} at {path} line {line}{more}): inside the huggingface.co page the Space is "
        "a cross-site iframe, the browser withholds Streamlit's _streamlit_xsrf cookie, and "
        "every upload fails with `AxiosError: Request failed with status code 403`",
        Location(launch.path, launch.line),
        fix=(
            f'Start Streamlit with `{OPTION} false`, e.g. CMD ["streamlit", "run", '
            f'"{target}", "--server.port", "{launch.port or 7860}", "--server.address", '
            f'"0.0.0.0", "{OPTION}", "false"], or add to .streamlit/config.toml:\n'
            "[server]\nenableXsrfProtection = false"
        ),
    )
