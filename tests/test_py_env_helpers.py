"""Helpers of the SD305 check: environment writes at import time and what reads them."""

from __future__ import annotations

import textwrap

from spacedoctor.checks.py_env import _ImportGraph, env_writes, readers
from spacedoctor.sources.pyapp import Module, PyApp, parse_module


def _module(path: str, src: str) -> Module:
    got = parse_module(path, textwrap.dedent(src).encode())
    assert isinstance(got, Module)
    return got


def test_env_writes_forms_and_scope() -> None:
    m = _module(
        "app.py",
        """
        import os
        from os import environ
        os.environ["HF_HOME"] = "/tmp/hf"
        environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.update(HF_ENDPOINT="https://mirror", XDG_CACHE_HOME=base)
        os.putenv("HF_HUB_CACHE", "/tmp/hub")
        if True:
            os.environ["TRANSFORMERS_CACHE"] = "/tmp/t"
        def later():
            os.environ["HF_HOME"] = "/elsewhere"
        """,
    )
    got = [(w.var, w.line, w.how, w.value) for w in env_writes(m)]
    assert got == [
        ("HF_HOME", 4, "assign", "/tmp/hf"),
        ("HF_HUB_OFFLINE", 5, "setdefault", "1"),
        ("HF_ENDPOINT", 6, "update", "https://mirror"),
        ("XDG_CACHE_HOME", 6, "update", None),
        ("HF_HUB_CACHE", 7, "putenv", "/tmp/hub"),
        ("TRANSFORMERS_CACHE", 9, "assign", "/tmp/t"),
    ]


def test_readers() -> None:
    assert "gradio" in readers("HF_HOME")
    assert readers("HF_TOKEN") == frozenset()  # read on every call
    assert readers("HF_DATASETS_CACHE") == frozenset({"datasets"})


def test_import_graph_follows_space_modules() -> None:
    app = PyApp()
    app.modules["app.py"] = _module("app.py", "import os\nimport helpers\nimport gradio\n")
    app.modules["helpers.py"] = _module("helpers.py", "from lib.models import load\n")
    app.modules["lib/models.py"] = _module("lib/models.py", "import transformers\n")
    graph = _ImportGraph(app)
    assert set(graph.libs("app.py")) == {"transformers", "gradio"}
    first = graph.reader_before("app.py", 10, 0, readers("HF_HOME"))
    assert first is not None
    assert (first.lib, first.line, first.via) == ("transformers", 2, "helpers.py")
    assert graph.reader_before("app.py", 2, 0, readers("HF_HOME")) is None
    assert graph.importers["helpers.py"] == [("app.py", 2)]
