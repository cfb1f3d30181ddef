"""Module's shared walk (nodes, of, parents) and import_sites agree with a plain ast.walk."""

from __future__ import annotations

import ast

from spacedoctor.sources.pyapp import Module, import_sites, parse_module

SOURCE = b'''"""doc"""
import os, sys as system
from fastapi import FastAPI
try:
    import orjson
except ImportError:
    orjson = None
if sys.version_info >= (3, 12):
    import tomllib

app = FastAPI()
total: int = 0


class Thing:
    def go(self, n):
        async def inner():
            import json
            return [x async for x in f(lambda y: y + f"{n!r:>{width}}")]
        match n:
            case {"k": v}:
                from pkg import mod
        return os.getenv("X", "default")
'''


def _module() -> Module:
    module = parse_module("app.py", SOURCE)
    assert isinstance(module, Module)
    return module


def test_nodes_are_ast_walk_order() -> None:
    module = _module()
    assert [id(n) for n in module.nodes] == [id(n) for n in ast.walk(module.tree)]
    assert module.nodes is module.nodes  # computed once


def test_of_matches_isinstance_filter_in_walk_order() -> None:
    module = _module()
    walked = list(ast.walk(module.tree))
    for types in [
        (ast.Call,),
        (ast.Assign, ast.AnnAssign),
        (ast.expr,),  # an abstract class: every concrete subclass
        (ast.stmt, ast.excepthandler),
        (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda),
        (ast.Constant, ast.JoinedStr),
        (ast.Global,),  # none in the module
    ]:
        expected = [id(n) for n in walked if isinstance(n, types)]
        assert [id(n) for n in module.of(*types)] == expected, types
    assert module.of(ast.Global) == []


def test_parents_map_every_child_to_its_parent() -> None:
    module = _module()
    expected = {id(c): p for p in ast.walk(module.tree) for c in ast.iter_child_nodes(p)}
    assert module.parents == expected
    assert id(module.tree) not in module.parents


def test_calls_and_imports_use_the_index() -> None:
    module = _module()
    assert module.imports["system"] == "sys"
    assert module.imports["FastAPI"] == "fastapi.FastAPI"
    assert {name for _, name in module.calls()} >= {"fastapi.FastAPI", "os.getenv", "f"}


def test_import_sites_skip_no_statement_and_return_copies() -> None:
    module = _module()
    sites = import_sites(module)
    found = [(s.module, s.line, s.optional) for s in sites]
    assert found == [
        ("os", 2, False),
        ("sys", 2, False),
        ("fastapi", 3, False),
        ("orjson", 5, True),
        ("tomllib", 9, True),
        ("json", 18, False),
        ("pkg", 22, False),
    ]
    sites.clear()
    assert len(import_sites(module)) == 7  # the cached list is not the caller's
