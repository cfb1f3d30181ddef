"""Where a Docker Space's caches go at runtime: cache variables set by Dockerfile ENV, by the
shell scripts CMD/ENTRYPOINT run, and by Python code (os.environ, cache_dir=), plus the
directories the app itself creates or chmods at startup, and whether it uses a cache at all."""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacedoctor.sources.pyapp import Module, const_str, keyword, single_assignments
from spacedoctor.sources.repo import Unreadable
from spacedoctor.sources.shell import SimpleCommand, parse_script

if TYPE_CHECKING:
    from spacedoctor.sources.dockerfile import DockerImage
    from spacedoctor.sources.space import SpaceContext

#: Cache variables and the libraries that read them.
CACHE_VARS = (
    "HF_HOME",
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "TRANSFORMERS_CACHE",
    "HF_DATASETS_CACHE",
    "HF_ASSETS_CACHE",
    "HF_XET_CACHE",
    "SENTENCE_TRANSFORMERS_HOME",
    "TORCH_HOME",
    "XDG_CACHE_HOME",
    "MPLCONFIGDIR",
    "NUMBA_CACHE_DIR",
    "GRADIO_TEMP_DIR",
)
#: Variables that, set to a writable place, take Hugging Face downloads off the default.
HF_CACHE_VARS = frozenset(
    {"HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE", "XDG_CACHE_HOME"}
)
#: Imports (top-level package) and requirement names that download into the HF cache.
CACHE_LIBRARIES = frozenset(
    {"transformers", "huggingface_hub", "diffusers", "datasets", "sentence_transformers", "gradio"}
)
#: Calls that download into the Hugging Face cache unless given cache_dir=.
_DOWNLOAD_SUFFIXES = (
    ".from_pretrained",
    "hf_hub_download",
    "snapshot_download",
    "load_dataset",
    "pipeline",
    "SentenceTransformer",
)
_MKDIR_CALLS = frozenset({"os.makedirs", "os.mkdir"})
_CHMOD_CALLS = frozenset({"os.chmod"})
_PATH_CTORS = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.PurePath", "Path"})
_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get"})
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash"})


@dataclass(frozen=True)
class PathSetting:
    """A cache location chosen somewhere: an environment variable, or a cache_dir= argument."""

    var: str | None  # the variable, None for a cache_dir= argument
    value: str
    path: str  # file where it is set, relative to the Space
    line: int
    source: str  # "dockerfile", "script", "python", "argument"
    weak: bool = False  # os.environ.setdefault: only used when nothing else set it


@dataclass(frozen=True)
class RuntimeOp:
    """A directory the running app creates or chmods itself (as uid 1000)."""

    op: str  # "mkdir" or "chmod"
    target: str
    path: str  # file of the call
    line: int
    #: where the target's value was chosen, when not written in the call itself
    set_path: str | None = None
    set_line: int | None = None
    #: a mkdir that succeeds when the directory already exists (`exist_ok=True`, `mkdir -p`)
    exist_ok: bool = False


@dataclass
class CacheUse:
    settings: list[PathSetting] = field(default_factory=list)
    ops: list[RuntimeOp] = field(default_factory=list)
    libraries: set[str] = field(default_factory=set)  # cache-using libraries the Space uses
    library_where: tuple[str, int] | None = None
    downloads_without_cache_dir: int = 0
    downloads_with_cache_dir: int = 0
    torch_hub: bool = False
    runtime_env: dict[str, str] = field(default_factory=dict)  # what the process sees


def find_cache_use(ctx: SpaceContext, image: DockerImage) -> CacheUse:
    use = CacheUse()
    env: dict[str, str] = {**image.env, "HOME": image.home}
    for var in CACHE_VARS:
        if var in image.env:
            use.settings.append(
                PathSetting(
                    var, image.env[var], image.path, image.env_lines.get(var, 1), "dockerfile"
                )
            )
    for rel, commands in start_scripts(ctx, image):
        for cmd in commands:
            for var, value in cmd.assignments:
                env[var] = value
                if var in CACHE_VARS:
                    use.settings.append(PathSetting(var, value, rel, cmd.line, "script"))
            _script_op(cmd, rel, use)
    use.runtime_env = env
    for module in ctx.app.modules.values():
        _scan_module(module, env, use)
    _requirements(ctx, use)
    return use


# ------------------------------------------------------------------ start scripts


def start_scripts(ctx: SpaceContext, image: DockerImage) -> list[tuple[str, list[SimpleCommand]]]:
    """The commands the container runs at start: CMD/ENTRYPOINT shell text (in the Dockerfile)
    and the repo scripts they run, followed two levels deep."""
    start = image.start_command()
    if start is None:
        return []
    argv, line = start
    env = {**image.env, "HOME": image.home}
    out: list[tuple[str, list[SimpleCommand]]] = []
    if argv[:2] == ("/bin/sh", "-c") and len(argv) > 2:
        cmds = parse_script(argv[2], line, env)
        out.append((image.path, cmds))
    else:
        cmds = [SimpleCommand(tuple(argv), (), line, " ".join(argv))]
    seen: set[str] = set()
    _follow(ctx, image, cmds, image.workdir, env, out, seen, 0)
    return out


def _follow(
    ctx: SpaceContext,
    image: DockerImage,
    cmds: list[SimpleCommand],
    cwd: str,
    env: dict[str, str],
    out: list[tuple[str, list[SimpleCommand]]],
    seen: set[str],
    depth: int,
) -> None:
    if depth > 2:
        return
    env = dict(env)
    for cmd in cmds:
        if not cmd.argv or cmd.argv[0] in ("export", "declare", "typeset", "readonly"):
            env.update(cmd.assignments)  # exported to the scripts run after this point
        if cmd.argv[:1] == ("cd",) and len(cmd.argv) > 1:
            cwd = posixpath.normpath(posixpath.join(cwd, cmd.argv[1]))
            continue
        script = _script_of(cmd.argv)
        if script is None:
            continue
        rel = image.repo_path(posixpath.join(cwd, script))
        if rel is None or rel in seen or rel not in ctx.repo:
            continue
        seen.add(rel)
        try:
            text = ctx.repo.read_text(rel)
        except Unreadable:
            continue
        inner = parse_script(text, 1, env)
        out.append((rel, inner))
        _follow(ctx, image, inner, cwd, env, out, seen, depth + 1)


def _script_of(argv: tuple[str, ...]) -> str | None:
    if not argv:
        return None
    name = argv[0].rsplit("/", 1)[-1]
    if name in _SHELLS or argv[0] in ("source", "."):
        args = [a for a in argv[1:] if not a.startswith("-")]
        if argv[0] in ("source", ".") and len(argv) > 1:
            return argv[1]
        if "-c" in argv[1:]:
            return None
        return args[0] if args else None
    if argv[0].endswith(".sh") or (("/" in argv[0]) and not argv[0].startswith("/usr/")):
        return argv[0]
    return None


def _script_op(cmd: SimpleCommand, rel: str, use: CacheUse) -> None:
    argv = list(cmd.argv)
    if argv[:1] == ["sudo"]:
        return  # not available to uid 1000 without a sudoers entry; not our concern here
    if not argv or argv[0] not in ("mkdir", "chmod") or "$" in cmd.raw:
        return  # a path from a variable is reported where the variable is set
    words = [a for a in argv[1:] if not a.startswith("-")]
    if argv[0] == "chmod":
        words = words[1:]  # the mode
    elif "-m" in argv and words:
        words = words[1:]
    parents = argv[0] == "mkdir" and any(
        a == "--parents" or (a.startswith("-") and not a.startswith("--") and "p" in a)
        for a in argv[1:]
    )
    for w in words:
        if w.startswith("/") and "$" not in w:
            use.ops.append(RuntimeOp(argv[0], w, rel, cmd.line, exist_ok=parents))


# ------------------------------------------------------------------ Python


def _scan_module(module: Module, env: dict[str, str], use: CacheUse) -> None:
    assigned = single_assignments(module)
    for name in module.imports.values():
        top = name.split(".")[0]
        if top in CACHE_LIBRARIES:
            use.libraries.add(top)
            if use.library_where is None:
                use.library_where = (module.path, 1)

    def value_of(node: ast.AST | None) -> tuple[str, int | None] | None:
        return _path_value(module, node, assigned, env, 0)

    for node in module.of(ast.Assign, ast.Call):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                var = _environ_key(module, target)
                if var in CACHE_VARS:
                    val = value_of(node.value)
                    if val is not None:
                        use.settings.append(
                            PathSetting(var, val[0], module.path, node.lineno, "python")
                        )
        if not isinstance(node, ast.Call):
            continue
        callee = module.qualname(node.func) or ""
        if callee in ("os.environ.setdefault", "os.putenv") and len(node.args) >= 2:
            var = const_str(node.args[0])
            val = value_of(node.args[1])
            if var in CACHE_VARS and val is not None:
                weak = callee.endswith("setdefault")
                use.settings.append(
                    PathSetting(var, val[0], module.path, node.lineno, "python", weak=weak)
                )
        elif callee == "os.environ.update":
            pairs: list[tuple[str | None, ast.expr]] = []
            if node.args and isinstance(node.args[0], ast.Dict):
                pairs += [
                    (const_str(k), v)
                    for k, v in zip(node.args[0].keys, node.args[0].values, strict=True)
                ]
            pairs += [(kw.arg, kw.value) for kw in node.keywords]
            for var_name, vnode in pairs:
                val = value_of(vnode)
                if var_name in CACHE_VARS and val is not None:
                    use.settings.append(
                        PathSetting(var_name, val[0], module.path, vnode.lineno, "python")
                    )
        elif callee.startswith("torch.hub."):
            use.torch_hub = True
        if callee.endswith(_DOWNLOAD_SUFFIXES):
            cache_dir = keyword(node, "cache_dir")
            if cache_dir is None:
                use.downloads_without_cache_dir += 1
            else:
                use.downloads_with_cache_dir += 1
                val = value_of(cache_dir)
                if val is not None:
                    line = val[1] or node.lineno
                    path_where = module.path
                    use.settings.append(PathSetting(None, val[0], path_where, line, "argument"))
        _python_op(module, node, callee, value_of, use)


def _python_op(
    module: Module,
    node: ast.Call,
    callee: str,
    value_of: object,
    use: CacheUse,
) -> None:
    resolve = value_of  # typed loosely to keep the signature short
    target_node: ast.AST | None = None
    op = None
    if callee in _MKDIR_CALLS and node.args:
        op, target_node = "mkdir", node.args[0]
    elif callee in _CHMOD_CALLS and node.args:
        op, target_node = "chmod", node.args[0]
    elif isinstance(node.func, ast.Attribute) and node.func.attr in ("mkdir", "chmod"):
        base = node.func.value
        if _is_pathish(module, base):
            op, target_node = node.func.attr, base
    if op is None or target_node is None:
        return
    val = resolve(target_node)  # type: ignore[operator]
    if val is None:
        return
    value, set_line = val
    if not value.startswith("/"):
        return
    in_call = set_line is None or set_line == node.lineno
    use.ops.append(
        RuntimeOp(
            op,
            value,
            module.path,
            node.lineno,
            None if in_call else module.path,
            None if in_call else set_line,
            exist_ok=op == "mkdir" and _exist_ok(node, callee),
        )
    )


def _exist_ok(call: ast.Call, callee: str) -> bool:
    """`os.makedirs(p, exist_ok=True)`, `Path(p).mkdir(parents=True, exist_ok=True)`: the call
    does nothing when the directory is already there. os.mkdir has no such argument."""
    if callee == "os.mkdir":
        return False
    node = keyword(call, "exist_ok")
    if node is None and len(call.args) > 2:
        # os.makedirs(name, mode, exist_ok); Path.mkdir(mode, parents, exist_ok)
        node = call.args[2]
    return isinstance(node, ast.Constant) and node.value is True


def _is_pathish(module: Module, node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        return (module.qualname(node.func) or "") in _PATH_CTORS
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return True
    return isinstance(node, ast.Name)


def _environ_key(module: Module, target: ast.AST) -> str | None:
    if isinstance(target, ast.Subscript) and module.qualname(target.value) == "os.environ":
        return const_str(target.slice)
    return None


def _path_value(
    module: Module,
    node: ast.AST | None,
    assigned: dict[str, tuple[ast.expr, int]],
    env: dict[str, str],
    depth: int,
) -> tuple[str, int | None] | None:
    """A path expression's value when it is knowable, and the line of the assignment it came
    from (None when it is written where it is used)."""
    if node is None or depth > 6:
        return None
    s = const_str(node)
    if s is not None:
        return s, None
    if isinstance(node, ast.Name) and node.id in assigned:
        value, line = assigned[node.id]
        inner = _path_value(module, value, assigned, env, depth + 1)
        if inner is None:
            return None
        return inner[0], inner[1] or line
    if isinstance(node, ast.Call):
        callee = module.qualname(node.func) or ""
        if callee in _PATH_CTORS and len(node.args) == 1:
            return _path_value(module, node.args[0], assigned, env, depth + 1)
        if callee in _PATH_CTORS or callee == "os.path.join":
            parts = [_path_value(module, a, assigned, env, depth + 1) for a in node.args]
            if parts and all(p is not None for p in parts):
                joined = posixpath.join(*(p[0] for p in parts if p is not None))
                return joined, next((p[1] for p in parts if p is not None and p[1]), None)
            return None
        if callee in _ENV_GETTERS and node.args:
            var = const_str(node.args[0])
            if var is not None and var in env:
                return env[var], None
            if len(node.args) > 1:
                return _path_value(module, node.args[1], assigned, env, depth + 1)
            return None
        if callee == "os.path.expanduser" and node.args:
            inner = _path_value(module, node.args[0], assigned, env, depth + 1)
            if inner is not None and inner[0].startswith("~"):
                return env.get("HOME", "/").rstrip("/") + inner[0][1:], inner[1]
            return inner
    if isinstance(node, ast.Subscript) and module.qualname(node.value) == "os.environ":
        var = const_str(node.slice)
        if var is not None and var in env:
            return env[var], None
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left = _path_value(module, node.left, assigned, env, depth + 1)
        right = _path_value(module, node.right, assigned, env, depth + 1)
        if left is not None and right is not None:
            return posixpath.join(left[0], right[0]), left[1] or right[1]
    return None


def _requirements(ctx: SpaceContext, use: CacheUse) -> None:
    for rel in ("requirements.txt", "pyproject.toml"):
        if rel not in ctx.repo:
            continue
        try:
            text = ctx.repo.read_text(rel)
        except Unreadable:
            continue
        for i, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip().strip("\"',")
            m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", line)
            if not m:
                continue
            name = re.sub(r"[-.]+", "_", m.group(1).lower())
            if name in CACHE_LIBRARIES:
                use.libraries.add(name)
                if use.library_where is None:
                    use.library_where = (rel, i)
