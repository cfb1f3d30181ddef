"""The gradio SDK's launch: the app file as the platform runs it, with the variables it sets."""

from __future__ import annotations

from pathlib import Path

from spacedoctor.sources.repo import Tree
from spacedoctor.sources.sdk_launch import app_file, gradio_sdk_launches
from spacedoctor.sources.space import SpaceContext

DEMO = 'import gradio as gr\n\ndemo = gr.Interface(lambda x: x, "text", "text")\n'


def _space(tmp_path: Path, files: dict[str, str], card: str = "sdk: gradio\n") -> SpaceContext:
    files = {"README.md": f"---\ntitle: t\n{card}---\n", **files}
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return SpaceContext(Tree.walk(tmp_path))


def test_bare_launch_takes_the_platform_variables(tmp_path: Path) -> None:
    ctx = _space(tmp_path, {"app.py": DEMO + "demo.launch()\n"})
    (launch,) = gradio_sdk_launches(ctx)
    assert (launch.server, launch.host, launch.port) == ("gradio", "0.0.0.0", 7860)
    # Decided by the platform: pointed at the README's sdk line, never at the code.
    assert launch.where_host == ("README.md", 3)
    assert (launch.host_source, launch.port_source) == ("env", "env")


def test_explicit_arguments_override_the_platform(tmp_path: Path) -> None:
    code = DEMO + 'demo.launch(server_name="127.0.0.1", server_port=8080)\n'
    (launch,) = gradio_sdk_launches(_space(tmp_path, {"app.py": code}))
    assert (launch.host, launch.port) == ("127.0.0.1", 8080)
    assert launch.where_host == ("app.py", 4)
    assert launch.where_port == ("app.py", 4)
    assert launch.port_source == "code"


def test_env_lookup_with_a_fallback_reads_the_platform_value(tmp_path: Path) -> None:
    code = DEMO + 'import os\ndemo.launch(server_port=int(os.getenv("GRADIO_SERVER_PORT", 9)))\n'
    (launch,) = gradio_sdk_launches(_space(tmp_path, {"app.py": code}))
    assert launch.port == 7860


def test_app_file_from_the_front_matter(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {"src/ui.py": DEMO + "demo.launch(server_port=7861)\n", "app.py": DEMO + "demo.launch()\n"},
        card="sdk: gradio\napp_file: src/ui.py\n",
    )
    assert app_file(ctx) == "src/ui.py"
    (launch,) = gradio_sdk_launches(ctx)
    assert (launch.path, launch.port) == ("src/ui.py", 7861)


def test_no_app_file_or_no_call(tmp_path: Path) -> None:
    assert gradio_sdk_launches(_space(tmp_path / "a", {"other.py": DEMO})) == []
    assert gradio_sdk_launches(_space(tmp_path / "b", {"app.py": DEMO})) == []
