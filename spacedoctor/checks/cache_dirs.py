"""SD204: every cache location in effect at runtime must be writable by uid 1000."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from spacedoctor.api import Finding, Location, check
from spacedoctor.sources.cachepaths import (
    HF_CACHE_VARS,
    CacheUse,
    PathSetting,
    RuntimeOp,
    find_cache_use,
)
from spacedoctor.sources.dockerfile import SPACE_UID, DockerImage, Writability
from spacedoctor.sources.space import SpaceContext

#: Variables read by the libraries that download models, datasets and hub files.
_DOWNLOAD_VARS = HF_CACHE_VARS | {
    "HF_DATASETS_CACHE",
    "HF_ASSETS_CACHE",
    "HF_XET_CACHE",
    "SENTENCE_TRANSFORMERS_HOME",
    "TORCH_HOME",
}
#: matplotlib falls back to a temporary directory when MPLCONFIGDIR is not writable.
_NEVER = frozenset({"MPLCONFIGDIR"})


@check("SD204")
def cache_dir_unwritable(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    use = find_cache_use(ctx, image)
    uses_cache = bool(use.libraries) or use.torch_hub
    seen: set[tuple[str, int]] = set()

    def emit(finding: Finding) -> Iterator[Finding]:
        key = (finding.location.path or "", finding.location.line or 0)
        if key not in seen:
            seen.add(key)
            yield finding

    effective = _effective(use.settings)
    for setting in effective:
        if setting.var in _NEVER:
            continue
        if setting.var in _DOWNLOAD_VARS and not uses_cache:
            continue
        if setting.var == "GRADIO_TEMP_DIR" and "gradio" not in use.libraries:
            continue
        target = _runtime_path(setting.value, image, use)
        if target is None:
            continue
        w = image.writable(target)
        if w.writable or not w.known:
            continue
        what = (
            f"{setting.var} is set to {setting.value}"
            if setting.var
            else (f"cache_dir={setting.value!r}")
        )
        yield from emit(
            Finding(
                f"{what}, but the Space runs as uid {SPACE_UID}, which cannot write there: "
                + w.reason
                + _data_hint(target, image),
                Location(setting.path, setting.line),
                fix=_fix(setting.var or "the cache_dir", image),
                evidence=_lines(w),
            )
        )

    if uses_cache:
        yield from (f for d in _defaults(image, use, effective) for f in emit(d))

    effective_paths = [
        p for s in effective if (p := _runtime_path(s.value, image, use)) is not None
    ]
    for op in use.ops:
        target = image.resolve(op.target)
        if not _cache_like(target, effective_paths):
            continue
        finding = _op_finding(op, target, image)
        if finding is not None:
            yield from emit(finding)


def _effective(settings: list[PathSetting]) -> list[PathSetting]:
    """The settings that decide each variable: Python assignments override the start script,
    which overrides Dockerfile ENV; os.environ.setdefault only counts when nothing else set it."""
    by_var: dict[str, list[PathSetting]] = {}
    out: list[PathSetting] = []
    for s in settings:
        if s.var is None:
            out.append(s)
        else:
            by_var.setdefault(s.var, []).append(s)
    for group in by_var.values():
        strong_py = [s for s in group if s.source == "python" and not s.weak]
        script = [s for s in group if s.source == "script"]
        docker = [s for s in group if s.source == "dockerfile"]
        weak = [s for s in group if s.weak]
        if strong_py:
            out.extend(strong_py)
        elif script:
            out.append(script[-1])
        elif docker:
            out.append(docker[-1])
        else:
            out.extend(weak)
    return out


def _runtime_path(value: str, image: DockerImage, use: CacheUse) -> str | None:
    if not value or "$" in value or "{" in value:
        return None
    if value.startswith("~"):
        home = use.runtime_env.get("HOME", image.home)
        value = home.rstrip("/") + value[1:]
    return image.resolve(value)


def _defaults(image: DockerImage, use: CacheUse, effective: list[PathSetting]) -> Iterator[Finding]:
    """~/.cache/... under a HOME uid 1000 cannot write, when nothing moved the cache elsewhere."""
    set_vars = {s.var for s in effective if s.var is not None}
    paths: list[str] = []
    home = use.runtime_env.get("HOME", image.home) or "/"
    base = posixpath.join(home, ".cache")
    all_have_cache_dir = use.downloads_with_cache_dir > 0 and use.downloads_without_cache_dir == 0
    # Gradio alone downloads nothing at startup (its temp files go to /tmp); the model and
    # dataset libraries, or an explicit download call, do.
    downloads = bool(use.libraries - {"gradio"}) or use.downloads_without_cache_dir > 0
    if downloads and not (set_vars & HF_CACHE_VARS) and not all_have_cache_dir:
        paths.append(posixpath.join(base, "huggingface"))
    if use.torch_hub and not ({"TORCH_HOME", "XDG_CACHE_HOME"} & set_vars):
        paths.append(posixpath.join(base, "torch"))
    blocked = [(p, w) for p in paths if not (w := image.writable(p)).writable and w.known]
    if not blocked:
        return
    line = _home_cause_line(image)
    names = " and ".join(p for p, _ in blocked)
    uses = ", ".join(sorted(use.libraries | ({"torch.hub"} if use.torch_hub else set())))
    if home == "/":
        cause = (
            "HOME is / because the image has no user with uid 1000 and no ENV HOME"
            if image.runtime_user is None and "HOME" not in image.env
            else "HOME is /"
        )
    else:
        cause = f"HOME is {home}"
    yield Finding(
        f"the app uses {uses}, which cache downloads under ~/.cache; {cause}, so the cache is "
        f"{names}, which uid {SPACE_UID} cannot write: {blocked[0][1].reason}",
        Location(image.path, line),
        fix=_fix("HF_HOME", image),
        evidence=_lines(blocked[0][1]),
    )


def _home_cause_line(image: DockerImage) -> int:
    if "HOME" in image.env:
        return image.env_lines.get("HOME") or 1
    if image.runtime_user is not None and image.runtime_user.line is not None:
        return image.runtime_user.line
    return image.user_line or image.from_line or 1


def _cache_like(target: str, effective_paths: list[str]) -> bool:
    lowered = target.lower()
    if "cache" in lowered or "huggingface" in lowered:
        return True
    return any(target == p or target.startswith(p.rstrip("/") + "/") for p in effective_paths)


def _op_finding(op: RuntimeOp, target: str, image: DockerImage) -> Finding | None:
    w = image.writable(target)
    where = Location(op.set_path or op.path, op.set_line or op.line)
    call = f"{op.path}:{op.line}"
    if not w.known:
        return None
    if op.op == "mkdir":
        if w.writable or (op.exist_ok and image.owner(target) is not None):
            # an exist_ok mkdir of a directory the image has succeeds; writing into it fails,
            # and that is reported where the directory is chosen
            return None
        return Finding(
            f"{target} is created at runtime ({call}), which cannot work as uid {SPACE_UID}: "
            f"{w.reason}{_data_hint(target, image)}",
            where,
            fix=_fix("the cache directory", image),
            evidence=_lines(w),
        )
    owner = image.owner(target)
    if w.writable and (owner is None or owner[0] in (SPACE_UID, None)):
        return None
    if not w.writable:
        reason = w.reason
    else:
        reason = f"{target} is owned by uid {owner[0] if owner else '?'}" + (
            f" (created at line {owner[1]} of {image.path})" if owner and owner[1] else ""
        )
    return Finding(
        f"{target} is chmod-ed at runtime ({call}), but a process can only chmod what it owns and "
        f"the Space runs as uid {SPACE_UID}: {reason}",
        where,
        fix=_fix("the cache directory", image),
        evidence=_lines(w),
    )


def _data_hint(target: str, image: DockerImage) -> str:
    if (target == "/data" or target.startswith("/data/")) and not any(
        _under(target, m) for m in image.mount_paths
    ):
        return (
            "; /data exists only when a volume is mounted there (declare it with mount-paths "
            "if this Space mounts one)"
        )
    return ""


def _under(path: str, mount: str) -> bool:
    m = mount.rstrip("/") or "/"
    return path == m or path.startswith(m + "/")


def _lines(w: Writability) -> str | None:
    return "Dockerfile lines " + ", ".join(str(n) for n in w.lines) if w.lines else None


def _fix(var: str, image: DockerImage) -> str:
    user = image.runtime_user
    if user is not None and user.home_created:
        home = user.home.rstrip("/")
        return (
            f"Point {var} at a directory uid {SPACE_UID} owns, e.g. {home}/.cache/huggingface "
            f"(`ENV HF_HOME={home}/.cache/huggingface`), or /tmp for a throwaway cache; create "
            f"build-time directories as root and `chown {SPACE_UID}:{SPACE_UID}` them before USER."
        )
    return (
        "Create a user with uid 1000 and give it a home: `RUN useradd -m -u 1000 user`, "
        "`USER user`, `ENV HOME=/home/user`, `WORKDIR $HOME/app`, `COPY --chown=user . $HOME/app`; "
        f"or point {var} at /tmp (e.g. `ENV HF_HOME=/tmp/huggingface`) for a throwaway cache."
    )
