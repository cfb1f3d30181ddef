"""Helpers of SD307/SD312/SD316: conditional calls, spaces.GPU uses, Space URL derivations."""

from __future__ import annotations

import ast
import textwrap

from spacedoctor.checks.py_runtime import (
    DEDICATED_GPU,
    _Assignments,
    _host_parts,
    _spaces_gpu_uses,
    _torch_compiles,
    calls_with_conditions,
)
from spacedoctor.sources.pyapp import Module, parse_module


def _module(src: str) -> Module:
    got = parse_module("app.py", textwrap.dedent(src).encode())
    assert isinstance(got, Module)
    return got


def test_calls_with_conditions() -> None:
    m = _module(
        """
        a()
        if __name__ == "__main__":
            b()
        if x:
            c()
        else:
            d()
        e() if y else f()
        """
    )
    got = {ast.unparse(c.func): cond for c, cond in calls_with_conditions(m.tree)}
    assert got == {"a": False, "b": False, "c": True, "d": True, "e": True, "f": True}


def test_spaces_gpu_and_torch_compile_lines() -> None:
    m = _module(
        """
        import spaces, torch
        @spaces.GPU
        def a(): ...
        @spaces.GPU(duration=90)
        def b(): ...
        c = spaces.GPU(lambda: 1)
        m = torch.compile(model)
        @torch.compile
        def d(): ...
        s = "torch.compile(x)"
        """
    )
    assert _spaces_gpu_uses(m) == [3, 5, 7]
    assert _torch_compiles(m) == [8, 9]
    assert "t4-small" in DEDICATED_GPU
    assert "zero-a10g" not in DEDICATED_GPU
    assert "cpu-basic" not in DEDICATED_GPU


def _culprit(src: str) -> str | None:
    m = _module(src)
    assigns = _Assignments(m)
    last = m.tree.body[-1]
    assert isinstance(last, ast.Assign)
    parts = _host_parts(last.value)
    if not parts:
        return None
    return next((c for p in parts if (c := assigns.munged(p)) is not None), None)


def test_space_url_derivations() -> None:
    assert _culprit("import os\nu = f\"https://{os.environ['SPACE_ID']}.hf.space\"") == "SPACE_ID"
    assert _culprit('i = os.getenv("SPACE_ID").replace("/", "-")\nu = "https://" + i + ".hf.space"')
    # The Hub's own values and paths are fine.
    assert (
        _culprit('i = api.space_info(os.getenv("SPACE_ID"))\nu = f"https://{i.subdomain}.hf.space"')
        is None
    )
    assert _culprit("u = f\"https://huggingface.co/spaces/{os.getenv('SPACE_ID')}\"") is None
    assert _culprit("u = f\"https://x.hf.space/{os.getenv('SPACE_ID')}\"") is None
