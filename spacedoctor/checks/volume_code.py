"""SD216 stale-bytecode-on-volume: Python code (or its bytecode cache) kept on a mounted volume,
which outlives the image, so a redeploy can keep running the previous deploy's code."""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator

from spacedoctor.api import Finding, Location, check
from spacedoctor.sources.launch import Step, copied_from
from spacedoctor.sources.pyapp import const_str
from spacedoctor.sources.space import SpaceContext

#: The classic persistent-storage path; buckets mounted elsewhere come from settings.
CLASSIC_VOLUME = "/data"
_RUNNERS = frozenset(
    {"uvicorn", "gunicorn", "hypercorn", "streamlit", "flask", "fastapi", "gradio", "celery"}
)
_PY = re.compile(r"python[0-9.]*")
_FIX_KEEP = (
    "Keep code in the image (COPY --chown=user . /home/user/app) and put only data on the "
    "volume; if code must live there, set ENV PYTHONDONTWRITEBYTECODE=1 and delete its "
    "__pycache__ folders at start, or point PYTHONPYCACHEPREFIX at /tmp/pycache."
)


def _volumes(ctx: SpaceContext) -> tuple[str, ...]:
    paths = {CLASSIC_VOLUME, *ctx.settings.mount_paths}
    return tuple(sorted(posixpath.normpath(p) for p in paths if p.startswith("/")))


def _on(path: str | None, volumes: tuple[str, ...]) -> str | None:
    """The volume `path` lies on, or None."""
    if not path or not path.startswith("/"):
        return None
    p = posixpath.normpath(path)
    for v in volumes:
        if p == v or p.startswith(v.rstrip("/") + "/"):
            return v
    return None


def _code_dir(step: Step) -> str | None:
    """The directory a Python-running step imports the app's code from, when it can be told."""
    argv = step.argv
    if not argv:
        return None
    name = argv[0].rsplit("/", 1)[-1]
    if _PY.fullmatch(name):
        for i, word in enumerate(argv[1:], start=1):
            if word in {"-m", "-c"} or word.startswith(("-m", "-c")):
                return step.cwd  # -m puts the working directory first on sys.path
            if word in {"-W", "-X"}:
                continue
            if word.startswith("-") or argv[i - 1] in {"-W", "-X"}:
                continue
            return _dir_of(word, step.cwd)  # sys.path[0] is the script's directory
        return None
    if name in _RUNNERS:
        for i, word in enumerate(argv):
            for opt in ("--app-dir", "--chdir"):
                if word == opt and i + 1 < len(argv):
                    return _abs(argv[i + 1], step.cwd)
                if word.startswith(opt + "="):
                    return _abs(word.split("=", 1)[1], step.cwd)
        if name in {"streamlit", "gradio"}:
            script = next((w for w in argv[1:] if w.endswith(".py")), None)
            if script is not None:
                return _dir_of(script, step.cwd)
        return step.cwd  # uvicorn/gunicorn import `main:app` from the working directory
    return None


def _abs(path: str, cwd: str | None) -> str | None:
    if path.startswith("/"):
        return posixpath.normpath(path)
    if cwd is None:
        return None
    return posixpath.normpath(posixpath.join(cwd, path))


def _dir_of(script: str, cwd: str | None) -> str | None:
    full = _abs(script, cwd)
    return posixpath.dirname(full) if full else None


def _no_clobber(argv: tuple[str, ...]) -> str | None:
    """The option that makes a cp/rsync keep files already at the destination."""
    name = argv[0].rsplit("/", 1)[-1]
    for word in argv[1:]:
        if name == "cp":
            if word in {"--no-clobber", "--update=none", "--update=none-fail", "--update"}:
                return word
            if word == "--update=older":
                return word
            if word.startswith("-") and not word.startswith("--") and set(word[1:]) & {"n", "u"}:
                return word
        elif name == "rsync" and word in {"--ignore-existing", "--update", "-u"}:
            return word
    return None


def _sources(argv: tuple[str, ...]) -> list[str]:
    words = [w for w in argv[1:] if not w.startswith("-")]
    return words[:-1] if len(words) > 1 else []


def _copies_code(ctx: SpaceContext, src: str, cwd: str | None) -> bool:
    """Does a copy source hold Python code (a .py file, or a directory the image filled with
    the repo's .py files)?"""
    if src.endswith(".py"):
        return True
    image = ctx.dockerfile
    full = _abs(src.rstrip("*").rstrip("/").removesuffix("/."), cwd)
    if image is None or full is None:
        return False
    as_file = copied_from(image.copies, ctx.repo, full)
    if as_file is not None:
        return as_file.endswith(".py")
    names = ctx.repo.names()
    for cp in image.copies:
        dest = posixpath.normpath(cp.dest)
        if not cp.is_dir:
            if cp.src.endswith(".py") and (dest.startswith(full + "/") or full == "/"):
                return True
            continue
        if full == dest or full.startswith(dest + "/"):
            sub = full[len(dest) :].lstrip("/")
            base = posixpath.join(cp.src, sub) if cp.src else sub
        elif dest.startswith(full.rstrip("/") + "/") or full == "/":
            base = cp.src
        else:
            continue
        prefix = base.rstrip("/") + "/" if base else ""
        if any(r.startswith(prefix) and r.endswith(".py") for r in names):
            return True
    return False


def _purges_pycache(steps: list[Step]) -> bool:
    for step in steps:
        name = step.argv[0].rsplit("/", 1)[-1] if step.argv else ""
        if name in {"rm", "find"} and any("__pycache__" in w or ".pyc" in w for w in step.argv):
            return True
    return False


@check("SD216")
def stale_bytecode_on_volume(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    volumes = _volumes(ctx)
    launches = ctx.launches
    steps = launches.steps
    seen: set[tuple[str, int]] = set()

    def once(path: str, line: int) -> bool:
        if (path, line) in seen:
            return False
        seen.add((path, line))
        return True

    env_values = dict(image.env)
    for step in steps:
        env_values.update(step.assignments)
    no_bytecode = bool(env_values.get("PYTHONDONTWRITEBYTECODE")) and _purges_pycache(steps)

    # Variables that put code or bytecode on the volume: Dockerfile ENV, then script exports.
    settings: list[tuple[str, str, str, int]] = [
        (name, value, image.path, image.env_lines.get(name, 1)) for name, value in image.env.items()
    ]
    settings += [(n, v, s.path, s.line) for s in steps for n, v in s.assignments]
    for name, value, path, line in settings:
        if name == "PYTHONPYCACHEPREFIX" and (vol := _on(value, volumes)) and once(path, line):
            yield Finding(
                f"PYTHONPYCACHEPREFIX={value} keeps bytecode on the volume at {vol}, which "
                "outlives every redeploy: a .pyc there is reused whenever its source has the "
                "same whole-second mtime and size, so old code can keep running",
                Location(path, line),
                fix="Point the prefix at ephemeral storage: ENV PYTHONPYCACHEPREFIX=/tmp/pycache",
            )
        if name == "PYTHONPATH":
            entries = [e for e in value.split(":") if _on(e, volumes)]
            if entries and once(path, line):
                yield Finding(
                    f"PYTHONPATH={value} imports code from the volume ({entries[0]}), which "
                    "outlives the image: what runs is whatever an earlier deploy left there, "
                    "with its bytecode, not what this commit ships",
                    Location(path, line),
                    fix=_FIX_KEEP,
                )

    for step in steps:
        argv = step.argv
        if not argv:
            continue
        name = argv[0].rsplit("/", 1)[-1]
        # Copying code onto the volume at start without overwriting what is there.
        if name in {"cp", "rsync"}:
            dest = next((w for w in reversed(argv[1:]) if not w.startswith("-")), None)
            vol = _on(_abs(dest, step.cwd) if dest else None, volumes)
            flag = _no_clobber(argv)
            if vol and flag and any(_copies_code(ctx, s, step.cwd) for s in _sources(argv)):
                if once(step.path, step.line):
                    yield Finding(
                        f"`{name} {flag}` copies the app's code onto the volume at {vol} but "
                        "keeps files already there: the volume outlives the image, so after "
                        "a redeploy the previous deploy's files stay and keep running",
                        Location(step.path, step.line),
                        fix=_FIX_KEEP,
                    )
            continue
        # pip install --target onto the volume: an existing target is not replaced.
        if _PY.fullmatch(name) or name in {"pip", "pip3", "uv"}:
            target = _pip_target(argv)
            vol = _on(_abs(target, step.cwd) if target else None, volumes)
            if vol and once(step.path, step.line):
                yield Finding(
                    f"packages are installed into {target} on the volume at {vol}, which "
                    "outlives the image: pip does not replace what an earlier start put there "
                    "without --upgrade, and this commit's requirements are not what runs",
                    Location(step.path, step.line),
                    fix="Install packages at build time in a RUN line (they are baked into "
                    "the image), not onto the volume at start.",
                )
                continue
        # Running the app's code from the volume.
        code_dir = _code_dir(step)
        vol = _on(code_dir, volumes)
        if vol is None or no_bytecode:
            continue
        from_cwd = code_dir == step.cwd and step.cwd_origin is not None
        path, line = step.cwd_origin if from_cwd and step.cwd_origin else (step.path, step.line)
        if once(path, line):
            yield Finding(
                f"the app's code runs from {code_dir}, on the volume at {vol}: the volume "
                "outlives the image, so files and __pycache__ written by an earlier deploy "
                "stay there, and a .pyc is reused whenever its source has the same "
                "whole-second mtime and size",
                Location(path, line),
                fix=_FIX_KEEP,
            )

    for rel, module in sorted(ctx.app.modules.items()):
        for node in module.of(ast.Call):
            if not node.args:
                continue
            callee = module.qualname(node.func)
            if callee not in {"sys.path.insert", "sys.path.append", "site.addsitedir"}:
                continue
            entry = const_str(node.args[-1])
            vol = _on(entry, volumes)
            if vol and once(rel, node.lineno):
                yield Finding(
                    f"{callee}() adds {entry!r} to the import path, on the volume at {vol}, which "
                    "outlives the image: modules (and bytecode) an earlier deploy left there "
                    "shadow or outlive this commit's code",
                    Location(rel, node.lineno),
                    fix=_FIX_KEEP,
                )


def _pip_target(argv: tuple[str, ...]) -> str | None:
    if "install" not in argv:
        return None
    for i, word in enumerate(argv):
        if word in {"--target", "-t"} and i + 1 < len(argv):
            return argv[i + 1]
        if word.startswith("--target="):
            return word.split("=", 1)[1]
    return None
