"""Files the running app writes where uid 1000 cannot: SD217 root-owned-workdir-writes (relative
paths, in the working directory) and SD310 writes-to-unwritable (absolute paths). Cache
locations are SD204's (cache_dirs.py) and are left to it."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.cachepaths import CACHE_VARS
from spacedoctor.sources.dockerfile import SPACE_UID, DockerImage, Writability
from spacedoctor.sources.pywrites import RuntimeCode, WriteSite, runtime_code, write_sites
from spacedoctor.sources.space import SpaceContext

#: Always writable by every user: sticky world-writable directories and kernel filesystems.
_SCRATCH = ("/tmp", "/var/tmp", "/dev/shm", "/dev", "/proc", "/sys")  # noqa: S108


@dataclass(frozen=True)
class _Blocked:
    site: WriteSite
    target: str  # the directory (or path) uid 1000 must be able to write
    w: Writability
    others: tuple[int, ...]  # further lines of the same file writing to the same place


def _runtime(ctx: SpaceContext) -> tuple[DockerImage, RuntimeCode, str]:
    image = ctx.require_docker()
    code = runtime_code(ctx)
    if code is None:
        raise SkipCheck("the Python code the start command runs is not known")
    home_var = ctx.launches.env.get("HOME")
    home = home_var.value if home_var is not None else image.home
    return image, code, home or "/"


def _probe(site: WriteSite, image: DockerImage, cwd: str) -> str | None:
    """The image path uid 1000 must be able to write for this call to work, or None when the
    call cannot fail for lack of permission (it makes a directory that already exists)."""
    v = site.value
    base = v.text if v.complete else v.directory
    target = posixpath.normpath(posixpath.join(cwd, base or "."))
    if site.op == "mkdir" and v.complete:
        return None if image.owner(target) is not None else target
    if v.complete:
        if image.owner(target) is not None:
            return target  # a directory: the file is created inside it
        return posixpath.dirname(target) or "/"
    return target


def _blocked(
    image: DockerImage, code: RuntimeCode, home: str, relative: bool
) -> Iterator[_Blocked]:
    cwd = code.cwd or image.workdir
    for module in sorted(code.modules, key=lambda m: m.path):
        firsts: dict[str, _Blocked] = {}
        extra: dict[str, list[int]] = {}
        for site in write_sites(module, home, image.image_path(module.path)):
            if site.handled:
                continue
            is_relative = not site.value.text.startswith("/")
            if is_relative != relative:
                continue
            target = _probe(site, image, cwd)
            if target is None or _scratch(target):
                continue
            w = image.writable(target)
            if w.writable or not w.known:
                continue
            if target in firsts:
                extra.setdefault(target, []).append(site.line)
                continue
            firsts[target] = _Blocked(site, target, w, ())
        for target, b in firsts.items():
            yield _Blocked(b.site, target, b.w, tuple(extra.get(target, ())))


def _scratch(path: str) -> bool:
    return any(path == d or path.startswith(d + "/") for d in _SCRATCH)


def _what(site: WriteSite) -> str:
    v = site.value
    if not v.complete:
        where = v.directory or "."
        start = f" ({v.text!r}...)" if v.text.rstrip("/") != v.directory else ""
        return f"`{site.call}` writes a file named at runtime in {where!r}{start}"
    verb = "creates the directory" if site.op == "mkdir" else "writes"
    return f"`{site.call}` {verb} {v.text!r}"


def _more(b: _Blocked) -> str:
    if not b.others:
        return ""
    lines = ", ".join(str(n) for n in b.others)
    return f" (also line{'s' if len(b.others) > 1 else ''} {lines})"


def _lines(w: Writability, path: str) -> str | None:
    return f"{path} lines " + ", ".join(str(n) for n in w.lines) if w.lines else None


def _user_fix(image: DockerImage) -> str:
    user = image.runtime_user
    if user is not None and user.home_created:
        return user.name
    return "user"


@check("SD217")
def root_owned_workdir_writes(ctx: SpaceContext) -> Iterator[Finding]:
    image, code, home = _runtime(ctx)
    if code.chdir is not None:
        path, line = code.chdir
        raise SkipCheck(f"os.chdir ({path}:{line}) makes the working directory unknown")
    cwd = code.cwd or image.workdir
    user = _user_fix(image)
    for b in _blocked(image, code, home, relative=True):
        where = "the working directory" if b.target == cwd else f"{b.target}"
        yield Finding(
            f"{_what(b.site)}{_more(b)} relative to the working directory {cwd}, but the Space "
            f"runs as uid {SPACE_UID}, which cannot write {where}: {b.w.reason}: the write "
            f"fails with PermissionError: [Errno 13] Permission denied",
            Location(b.site.path, b.site.line),
            fix=(
                f"Give the app directory to uid {SPACE_UID} in the Dockerfile: create the user "
                f"before WORKDIR and copy with `COPY --chown={user} . {cwd}` (or `RUN chown -R "
                f"{SPACE_UID}:{SPACE_UID} {b.target}` as root before USER), or write to /tmp "
                "or $HOME instead."
            ),
            evidence=_lines(b.w, image.path),
        )


@check("SD310")
def writes_to_unwritable(ctx: SpaceContext) -> Iterator[Finding]:
    image, code, home = _runtime(ctx)
    cache_roots = [v for k, v in image.env.items() if k in CACHE_VARS and v.startswith("/")]
    for b in _blocked(image, code, home, relative=False):
        if _cache_like(b.target, cache_roots):
            continue  # SD204 reports cache locations
        hint = ""
        fix = (
            f"Write to /tmp (scratch) or under $HOME, or create {b.target} in the Dockerfile "
            f"as root and hand it over before USER: `RUN mkdir -p {b.target} && chown "
            f"{SPACE_UID}:{SPACE_UID} {b.target}`; for data that must survive restarts, "
            "mount a bucket volume there."
        )
        if b.target == "/data" or b.target.startswith("/data/"):
            hint = (
                "; /data exists only when a volume is mounted there (declare it with "
                "mount-paths if this Space mounts one)"
            )
            fix = (
                "Mount a bucket volume at /data in the Space settings (and add `mount-paths: "
                "[/data]` to .spacedoctor.yaml), or write to /tmp for data that may be lost on "
                "restart."
            )
        tilde = " (~ is HOME, " + home + ")" if b.site.value.text.startswith(home + "/") else ""
        yield Finding(
            f"{_what(b.site)}{_more(b)}{tilde}, but the Space runs as uid {SPACE_UID}, which "
            f"cannot write {b.target}: {b.w.reason}{hint}: the write fails with "
            "PermissionError: [Errno 13] Permission denied",
            Location(b.site.path, b.site.line),
            fix=fix,
            evidence=_lines(b.w, image.path),
        )


def _cache_like(target: str, roots: list[str]) -> bool:
    lowered = target.lower()
    if "cache" in lowered or "huggingface" in lowered:
        return True
    return any(target == r or target.startswith(r.rstrip("/") + "/") for r in roots)
