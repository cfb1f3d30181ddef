"""The servers a gradio-SDK Space starts: the platform runs `python <app_file>` itself, with
GRADIO_SERVER_NAME=0.0.0.0 and GRADIO_SERVER_PORT=7860 in the environment, so what is left to
decide is what the app file's own code passes to `launch()`, `uvicorn.run()`, `app.run()`.

gradio reads those variables only for arguments left unset (gradio/http_server.py
`start_server`: `server_name = server_name or LOCALHOST_NAME`, where LOCALHOST_NAME is
`os.getenv("GRADIO_SERVER_NAME", "127.0.0.1")`; an explicit `server_port` is used as given, and
GRADIO_SERVER_PORT is only the first port tried otherwise). An explicit value in code wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacedoctor.platform_data import DEFAULT_APP_FILE
from spacedoctor.sources.launch import EnvVar, Launch, code_launches

if TYPE_CHECKING:
    from spacedoctor.sources.space import SpaceContext

#: The variables the gradio SDK's runtime sets for the app it starts.
GRADIO_SDK_ENV = {
    "GRADIO_SERVER_NAME": "0.0.0.0",  # noqa: S104 - what the platform sets, not ours to bind
    "GRADIO_SERVER_PORT": "7860",
}


def app_file(ctx: SpaceContext) -> str:
    """The file a gradio-SDK Space runs (`app_file`, default app.py)."""
    value = ctx.card.data.get("app_file")
    return value if isinstance(value, str) and value else DEFAULT_APP_FILE["gradio"]


def gradio_sdk_launches(ctx: SpaceContext) -> list[Launch]:
    """Server calls that run when the platform runs the app file, resolved with the variables
    the platform sets. Values the platform decides point at the README's `sdk:` line."""
    module = ctx.app.modules.get(app_file(ctx))
    if module is None:
        return []
    card_path = ctx.card.path or "README.md"
    line = ctx.card.line("sdk")
    env = {name: EnvVar(value, card_path, line) for name, value in GRADIO_SDK_ENV.items()}
    return code_launches(module, env)
