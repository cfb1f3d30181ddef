"""Python code that misreads the Spaces runtime: Gradio share links (SD307), ZeroGPU rules
(SD312), Space URLs built from the repo id (SD316)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.platform_data import HARDWARE_FLAVORS, ZEROGPU_FLAVOR
from spacedoctor.sources.pyapp import Module, const_str, keyword
from spacedoctor.sources.space import SpaceContext

_MAIN_NAMES = frozenset({"__name__"})


def _imports_gradio(module: Module) -> bool:
    return any(v == "gradio" or v.startswith("gradio.") for v in module.imports.values())


def _is_main_guard(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    sides = [test.left, *test.comparators]
    return any(isinstance(s, ast.Name) and s.id in _MAIN_NAMES for s in sides) and any(
        const_str(s) == "__main__" for s in sides
    )


def calls_with_conditions(tree: ast.AST) -> Iterator[tuple[ast.Call, bool]]:
    """Every call with whether it runs under a condition: inside an `if`/`else` (other than
    `if __name__ == "__main__":`), a conditional expression, or a `while`."""

    def visit(node: ast.AST, conditional: bool) -> Iterator[tuple[ast.Call, bool]]:
        if isinstance(node, ast.Call):
            yield node, conditional
        if isinstance(node, ast.If) and not _is_main_guard(node.test):
            yield from visit(node.test, conditional)
            for stmt in [*node.body, *node.orelse]:
                yield from visit(stmt, True)
            return
        if isinstance(node, ast.IfExp):
            yield from visit(node.test, conditional)
            yield from visit(node.body, True)
            yield from visit(node.orelse, True)
            return
        for child in ast.iter_child_nodes(node):
            yield from visit(child, conditional)

    yield from visit(tree, False)


# --- SD307 ------------------------------------------------------------------------------------


@check("SD307")
def gradio_share_true(ctx: SpaceContext) -> Iterator[Finding]:
    modules = [m for _, m in sorted(ctx.app.modules.items()) if _imports_gradio(m)]
    if not modules:
        raise SkipCheck("no module imports gradio")
    for module in modules:
        for call, conditional in calls_with_conditions(module.tree):
            if conditional or not isinstance(call.func, ast.Attribute):
                continue
            if call.func.attr != "launch":
                continue
            share = keyword(call, "share")
            if not (isinstance(share, ast.Constant) and share.value is True):
                continue
            receiver = ast.unparse(call.func.value)
            if len(receiver) > 40:
                receiver = "demo"
            yield Finding(
                f"`{receiver}.launch(share=True)`: on a Space Gradio ignores share=True (it warns "
                '"Setting share=True is not supported on Hugging Face Spaces" and turns it '
                "off), so no gradio.live link is made; the Space's own URL is the public one",
                Location(module.path, share.lineno),
                fix=(
                    f"Remove `share=True` from the launch call in {module.path} line "
                    f"{call.lineno} (`{receiver}.launch()`); to share a local run, pass it only "
                    'off Spaces: `share=os.getenv("SPACE_ID") is None`.'
                ),
            )


# --- SD312 ------------------------------------------------------------------------------------

ZEROGPU = ZEROGPU_FLAVOR
#: Flavors with a GPU of their own (ZeroGPU's is lent per call, and only to Gradio Spaces).
DEDICATED_GPU = frozenset(f for f in HARDWARE_FLAVORS if not f.startswith(("cpu-", "zero-")))


def _spaces_gpu_uses(module: Module) -> list[int]:
    """Lines where `spaces.GPU` decorates or wraps a function."""
    out: list[int] = []
    for node in module.of(ast.FunctionDef, ast.AsyncFunctionDef, ast.Call):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if module.qualname(target) == "spaces.GPU":
                    out.append(deco.lineno)
        elif isinstance(node, ast.Call) and module.qualname(node.func) == "spaces.GPU":
            if node.args and not isinstance(node.args[0], ast.Constant):
                out.append(node.lineno)  # spaces.GPU(fn) / spaces.GPU(duration=...)(fn)
    return sorted(set(out))


def _torch_compiles(module: Module) -> list[int]:
    out: list[int] = []
    for node in module.of(ast.Call, ast.FunctionDef, ast.AsyncFunctionDef):
        if isinstance(node, ast.Call) and module.qualname(node.func) == "torch.compile":
            out.append(node.lineno)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out.extend(
                deco.lineno
                for deco in node.decorator_list
                if isinstance(deco, ast.Attribute | ast.Name)
                and module.qualname(deco) == "torch.compile"
            )
    return sorted(set(out))


@check("SD312")
def zerogpu_misuse(ctx: SpaceContext) -> Iterator[Finding]:
    hardware = ctx.card.data.get("suggested_hardware")
    uses = [
        (path, line) for path, m in sorted(ctx.app.modules.items()) for line in _spaces_gpu_uses(m)
    ]
    if hardware != ZEROGPU and not uses:
        raise SkipCheck("no sign of ZeroGPU (no @spaces.GPU, suggested_hardware is not zero-a10g)")
    sdk = ctx.sdk
    if sdk == "docker":
        yield from _zerogpu_on_docker(ctx, hardware, uses)
        return
    if sdk != "gradio":
        raise SkipCheck(f"sdk is {sdk}: ZeroGPU runs Gradio Spaces only")
    where = f"{uses[0][0]} line {uses[0][1]}" if uses else "suggested_hardware: zero-a10g"
    for path, module in sorted(ctx.app.modules.items()):
        for line in _torch_compiles(module):
            yield Finding(
                f"torch.compile in a ZeroGPU Space (ZeroGPU is in use: {where}): ZeroGPU does not "
                "support torch.compile; each @spaces.GPU call runs in a short-lived process, so "
                "a just-in-time compiled graph is not kept between calls",
                Location(path, line),
                fix=(
                    f"Remove torch.compile at {path} line {line}, or compile ahead of time the "
                    "ZeroGPU way: capture example inputs with `spaces.aoti_capture`, "
                    "`torch.export.export` the module, `spaces.aoti_compile` it inside a "
                    "@spaces.GPU function and `spaces.aoti_apply` the result "
                    "(https://huggingface.co/blog/zerogpu-aoti)."
                ),
            )


def _zerogpu_on_docker(
    ctx: SpaceContext, hardware: object, uses: list[tuple[str, int]]
) -> Iterator[Finding]:
    card = ctx.card
    readme = card.path or "README.md"
    if hardware == ZEROGPU:
        yield Finding(
            "suggested_hardware is zero-a10g, but this is a Docker Space: ZeroGPU is only "
            "available to Gradio SDK Spaces, so this hardware cannot be assigned to it",
            Location(readme, card.line("suggested_hardware")),
            fix=(
                "Either make it a Gradio Space (`sdk: gradio`, app_file, requirements.txt) to use "
                "ZeroGPU, or suggest a GPU a Docker Space can run on, e.g. "
                "`suggested_hardware: t4-small`."
            ),
        )
        return
    if isinstance(hardware, str) and hardware in DEDICATED_GPU:
        return  # a GPU of its own: the decorators are harmless no-ops there
    path, line = uses[0]
    yield Finding(
        f"@spaces.GPU ({path} line {line}) in a Docker Space: ZeroGPU only serves Gradio SDK "
        "Spaces, so the decorator does nothing here and the code runs on the Space's own "
        "hardware, which has no GPU unless you pay for one",
        Location(path, line),
        fix=(
            "To use ZeroGPU, make this a Gradio Space (`sdk: gradio` in README.md, app_file, "
            "requirements.txt instead of the Dockerfile). To stay on Docker, choose GPU "
            "hardware in the Space settings and record it with `suggested_hardware: t4-small` "
            "(or another GPU flavor) in README.md."
        ),
    )


# --- SD316 ------------------------------------------------------------------------------------

#: Variables that name the Space (`owner/name` and its parts), not its host.
_IDENTITY_VARS = frozenset({"SPACE_ID", "SPACE_AUTHOR_NAME", "SPACE_REPO_NAME"})
_MAX_DEPTH = 4


_STR_METHODS = frozenset(
    {
        "lower",
        "upper",
        "casefold",
        "strip",
        "lstrip",
        "rstrip",
        "replace",
        "split",
        "rsplit",
        "join",
        "format",
        "removeprefix",
        "removesuffix",
    }
)
_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get"})


class _Assignments:
    """`name = expr` anywhere in a module, for following a string back a few steps."""

    def __init__(self, module: Module) -> None:
        self.module = module
        self.by_name: dict[str, list[ast.expr]] = {}
        for node in module.of(ast.Assign, ast.AnnAssign):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        self.by_name.setdefault(t.id, []).append(node.value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                if node.value is not None:
                    self.by_name.setdefault(node.target.id, []).append(node.value)

    def munged(self, expr: ast.AST, depth: int = 0) -> str | None:
        """The part of a string expression that derives a host from a repo id: a
        `.replace("/", ...)`, or SPACE_ID / SPACE_AUTHOR_NAME / SPACE_REPO_NAME; None when there
        is none. Only string operations are followed: a value returned by some other call
        (`HfApi().space_info(...)`) or read from an attribute (`info.subdomain`) is the Hub's."""
        if depth > _MAX_DEPTH:
            return None
        nxt = depth + 1
        if isinstance(expr, ast.Name):
            if expr.id in _IDENTITY_VARS:
                return expr.id
            for value in self.by_name.get(expr.id, []):
                got = self.munged(value, nxt)
                if got is not None:
                    return got
            return None
        if isinstance(expr, ast.Subscript):
            if self.module.qualname(expr.value) == "os.environ":
                name = const_str(expr.slice)
                return name if name in _IDENTITY_VARS else None
            return self.munged(expr.value, nxt)
        if isinstance(expr, ast.Call):
            callee = self.module.qualname(expr.func)
            if callee in _ENV_GETTERS and expr.args:
                name = const_str(expr.args[0])
                return name if name in _IDENTITY_VARS else None
            if isinstance(expr.func, ast.Attribute) and expr.func.attr in _STR_METHODS:
                if expr.func.attr == "replace" and expr.args and const_str(expr.args[0]) == "/":
                    return ast.unparse(expr)
                for part in [expr.func.value, *expr.args]:
                    got = self.munged(part, nxt)
                    if got is not None:
                        return got
                return None
            if isinstance(expr.func, ast.Name) and expr.func.id == "str" and expr.args:
                return self.munged(expr.args[0], nxt)
            return None
        if isinstance(expr, ast.JoinedStr):
            for v in expr.values:
                got = self.munged(v, nxt)
                if got is not None:
                    return got
            return None
        if isinstance(expr, ast.FormattedValue):
            return self.munged(expr.value, nxt)
        if isinstance(expr, ast.BinOp):
            return self.munged(expr.left, nxt) or self.munged(expr.right, nxt)
        return None


def _host_parts(node: ast.AST) -> list[ast.AST] | None:
    """For a string built with a `.hf.space` host (f-string, `+` chain, `.format`), the pieces
    that make up the host name; None when `node` builds no such string."""
    if isinstance(node, ast.JoinedStr):
        return _before_hf_space(list(node.values))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts: list[ast.AST] = []

        def flatten(n: ast.AST) -> None:
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
                flatten(n.left)
                flatten(n.right)
            else:
                parts.append(n)

        flatten(node)
        return _before_hf_space(parts)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and "hf.space" in (const_str(node.func.value) or "")
    ):
        return [*node.args, *(k.value for k in node.keywords)]
    return None


def _before_hf_space(parts: list[ast.AST]) -> list[ast.AST] | None:
    for i, part in enumerate(parts):
        text = const_str(part)
        if text is None or "hf.space" not in text.lower():
            continue
        host: list[ast.AST] = []
        for prev in reversed(parts[:i]):
            prev_text = const_str(prev)
            if prev_text is not None and ("/" in prev_text or "@" in prev_text):
                break
            host.append(prev)
        return host
    return None


@check("SD316")
def space_url_munging(ctx: SpaceContext) -> Iterator[Finding]:
    if not ctx.app.modules:
        raise SkipCheck("no Python files")
    for path, module in sorted(ctx.app.modules.items()):
        assigns: _Assignments | None = None
        seen: set[int] = set()
        # _host_parts answers only for these three (f-string, `+`, `.format` call).
        for node in module.of(ast.JoinedStr, ast.BinOp, ast.Call):
            parts = _host_parts(node)
            if not parts or node.lineno in seen:
                continue
            assigns = assigns or _Assignments(module)
            culprit = next((c for p in parts if (c := assigns.munged(p)) is not None), None)
            if culprit is None:
                continue
            seen.add(node.lineno)
            yield Finding(
                f"`{_short(ast.unparse(node))}` builds a Space URL from the repo id (through "
                f"`{_short(culprit)}`), but the "
                "subdomain is assigned by the Hub and is not a documented function of the id "
                "(it is lower-cased, characters a host name cannot hold such as `_` are "
                "replaced, static Spaces are served from .static.hf.space), so this URL is "
                "wrong for some Spaces",
                Location(path, node.lineno),
                fix=(
                    "For this Space use the host the platform sets: "
                    "`f\"https://{os.environ['SPACE_HOST']}\"`. For another Space ask the Hub: "
                    "`HfApi().space_info(repo_id).host`."
                ),
            )


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
