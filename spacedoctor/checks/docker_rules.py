"""Dockerfile checks read from the instructions and the ownership model: SD201 no-uid-1000-user,
SD202 copy-without-chown, SD203 recursive-chown, SD205 deprecated-env, SD210 secret-in-arg-env,
SD213 data-at-build, SD214 dev-mode-incompatible."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterator

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.redact import redact
from spacedoctor.sources.deps import install_plan, upper_bound_at_most
from spacedoctor.sources.dockerfile import SPACE_UID, DockerImage, Instruction
from spacedoctor.sources.shell import SimpleCommand
from spacedoctor.sources.space import SpaceContext

# --------------------------------------------------------------------------- helpers


def _abspath(path: str, cwd: str) -> str:
    return posixpath.normpath(posixpath.join(cwd or "/", path))


def _under(path: str, root: str) -> bool:
    root = root.rstrip("/") or "/"
    return path == root or path.startswith(root + "/") or root == "/"


def _final_chain(image: DockerImage) -> set[int]:
    """Indexes of the final stage and the stages it is built FROM (its layers are in the image)."""
    names: dict[str, int] = {}
    parent: dict[int, int] = {}
    for inst in image.instructions:
        if inst.cmd != "FROM":
            continue
        base = inst.args[0].lower() if inst.args else ""
        if base in names:
            parent[inst.stage] = names[base]
        if len(inst.args) == 3:
            names[inst.args[2].lower()] = inst.stage
    final = image.final[0].stage if image.final else 0
    chain = {final}
    while final in parent:
        final = parent[final]
        chain.add(final)
    return chain


def _pip_user(argv: tuple[str, ...]) -> bool:
    """`pip install --user ...` / `python -m pip install --user ...`."""
    words = list(argv)
    name = words[0].rsplit("/", 1)[-1] if words else ""
    if re.fullmatch(r"python[0-9.]*", name) and words[1:3] == ["-m", "pip"]:
        words = words[2:]
    elif not re.fullmatch(r"pip[0-9.]*", words[0].rsplit("/", 1)[-1] if words else ""):
        return False
    return len(words) > 1 and words[1] == "install" and "--user" in words[2:]


# --------------------------------------------------------------------------- SD201


@check("SD201")
def no_uid_1000_user(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    uid = image.uid_of(image.user)
    if image.user is not None and uid is not None and uid not in (0, SPACE_UID):
        name = image.user.split(":")[0]
        entry = image.users.get(name)
        line = entry.line if entry is not None and entry.line is not None else image.user_line
        gave = f" and its home {entry.home}" if entry is not None and entry.home_created else ""
        home = (
            f"HOME is {image.home}"
            if image.runtime_user is not None or "HOME" in image.env
            else "uid 1000 has no passwd entry, so HOME is /"
        )
        made = next((i for i in image.instructions if entry and i.line == entry.line), None)
        system = made is not None and re.search(r"\s(--system|-r|-S)\b", made.original)
        what = "a system user (uid below 1000)" if system else f"uid {uid}"
        yield Finding(
            f"USER {image.user} (line {image.user_line}) is {what}, but Spaces run every "
            f"container as uid {SPACE_UID}: the files the build gives {name}{gave} are not "
            f"writable at runtime, and {home}",
            Location(image.path, line or image.user_line or 1),
            fix=(
                f"RUN useradd -m -u {SPACE_UID} {name}"
                if entry is not None and entry.line is not None
                else f"RUN usermod -u {SPACE_UID} {name}"
            ),
            evidence=f"uid {uid}",
        )
    root = image.fs.get("/root")
    if root is not None and root.mode is not None and not root.mode & 0o001:
        chain = _final_chain(image)
        for inst in image.instructions:
            if inst.cmd != "RUN" or inst.stage not in chain:
                continue
            if inst.user is not None and image.uid_of(inst.user) != 0:
                continue
            if "HOME" in inst.env or "PYTHONUSERBASE" in inst.env:
                continue
            for sc in inst.commands():
                argv = sc.argv[1:] if sc.argv[:1] == ("sudo",) else sc.argv
                if _pip_user(argv):
                    yield Finding(
                        f"`pip install --user` runs as root (line {sc.line}), so the packages go "
                        f"to /root/.local, which uid {SPACE_UID} (the user every Space runs as) "
                        "cannot enter: /root is mode 700. The app then fails with "
                        "ModuleNotFoundError for packages the build installed",
                        Location(image.path, sc.line),
                        fix=(
                            "drop `--user` (install as root into the system site-packages), or "
                            "run it after `USER user` with `ENV HOME=/home/user "
                            "PATH=/home/user/.local/bin:$PATH`"
                        ),
                    )
                    break


# --------------------------------------------------------------------------- SD202


@check("SD202")
def copy_without_chown(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    user = image.runtime_user
    if user is None:
        raise SkipCheck("the image has no user with uid 1000")
    after = user.line or 0
    roots = [user.home]
    owner = image.owner(image.workdir)
    if owner is not None and owner[0] == SPACE_UID:
        roots.append(image.workdir)
    for inst in image.final:
        if inst.cmd not in ("COPY", "ADD") or inst.line <= after or len(inst.args) < 2:
            continue
        if inst.flag("chown") is not None:
            continue
        dest = _abspath(inst.args[-1], inst.workdir)
        if not any(_under(dest, r) for r in roots if r != "/"):
            continue
        made = sorted(
            p
            for p, node in image.fs.items()
            if node.exists and node.line == inst.line and node.uid == 0 and _under(p, dest)
        )
        if not made:
            continue
        shown = ", ".join(made[:3]) + (f" and {len(made) - 3} more" if len(made) > 3 else "")
        flags = " ".join(inst.flags)
        srcs = " ".join(inst.args[:-1])
        yield Finding(
            f"`{inst.cmd} {srcs} {inst.args[-1]}` copies into {dest}, inside the directories of "
            f"{user.name} (uid {SPACE_UID}), without --chown: it creates root-owned "
            f"{'directories' if len(made) > 1 else 'directory'} {shown}, where the app cannot "
            "create files at runtime",
            Location(image.path, inst.line),
            fix=f"{inst.cmd} --chown={user.name} {flags + ' ' if flags else ''}{srcs} "
            f"{inst.args[-1]}",
        )


# --------------------------------------------------------------------------- SD203


@check("SD203")
def recursive_chown(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    chain = _final_chain(image)
    copies: list[tuple[Instruction, str]] = []
    for inst in image.instructions:
        if inst.stage not in chain:
            continue
        if inst.cmd in ("COPY", "ADD") and len(inst.args) >= 2:
            copies.append((inst, _abspath(inst.args[-1], inst.workdir)))
            continue
        if inst.cmd != "RUN":
            continue
        cwd = inst.workdir
        for sc in inst.commands():
            argv = sc.argv[1:] if sc.argv[:1] == ("sudo",) else sc.argv
            if argv[:1] == ("cd",) and len(argv) > 1 and "$" not in argv[1]:
                cwd = _abspath(argv[1], cwd)
                continue
            found = _chown_r(argv, cwd)
            if found is None:
                continue
            who, paths = found
            for p in paths:
                hit = next(
                    (
                        (c, d)
                        for c, d in copies
                        if c.stage in chain and (_under(d, p) or _under(p, d))
                    ),
                    None,
                )
                if hit is None:
                    continue
                c, d = hit
                srcs = " ".join(c.args[:-1])
                yield Finding(
                    f"`chown -R {who} {p}` (line {sc.line}) changes the owner of every file "
                    f"`{c.cmd} {srcs} {c.args[-1]}` (line {c.line}) put in {d}, so the image "
                    "stores that tree twice: once as copied, once re-owned",
                    Location(image.path, sc.line),
                    fix=f"{c.cmd} --chown={who} {srcs} {c.args[-1]}  # and drop the chown -R",
                )
                break


def _chown_r(argv: tuple[str, ...], cwd: str) -> tuple[str, list[str]] | None:
    if not argv or argv[0].rsplit("/", 1)[-1] != "chown":
        return None
    opts = [a for a in argv[1:] if a.startswith("-")]
    rest = [a for a in argv[1:] if not a.startswith("-")]
    recursive = any(o == "--recursive" or (not o.startswith("--") and "R" in o) for o in opts)
    if not recursive or len(rest) < 2:
        return None
    paths = [_abspath(p, cwd) for p in rest[1:] if "$" not in p and "*" not in p]
    return rest[0], paths


# --------------------------------------------------------------------------- SD205

#: Deprecated name -> (replacement, who deprecates it).
DEPRECATED_ENV = {
    "TRANSFORMERS_CACHE": ("HF_HUB_CACHE", "transformers (removed in v5)"),
    "PYTORCH_TRANSFORMERS_CACHE": ("HF_HUB_CACHE", "transformers (removed in v5)"),
    "PYTORCH_PRETRAINED_BERT_CACHE": ("HF_HUB_CACHE", "transformers (removed in v5)"),
    "HUGGINGFACE_HUB_CACHE": ("HF_HUB_CACHE", "huggingface_hub"),
    "HUGGINGFACE_ASSETS_CACHE": ("HF_ASSETS_CACHE", "huggingface_hub"),
    "HUGGING_FACE_HUB_TOKEN": ("HF_TOKEN", "huggingface_hub"),
    "HF_HUB_ENABLE_HF_TRANSFER": ("HF_XET_HIGH_PERFORMANCE", "huggingface_hub 1.x (ignored)"),
}


@check("SD205")
def deprecated_env(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    old_hub: bool | None = None
    for inst in image.instructions:
        if inst.cmd != "ENV":
            continue
        for i in range(0, len(inst.args) - 1, 2):
            name, value = inst.args[i], inst.args[i + 1]
            if name not in DEPRECATED_ENV:
                continue
            new, who = DEPRECATED_ENV[name]
            if name == "HF_HUB_ENABLE_HF_TRANSFER":
                if old_hub is None:
                    hubs = install_plan(ctx).named("huggingface-hub")
                    old_hub = any(upper_bound_at_most(h.specifier, "1.0") for h in hubs)
                if old_hub:
                    continue  # huggingface_hub < 1.0 still uses hf_transfer
                yield Finding(
                    f"ENV {name}={value}: huggingface_hub 1.x ignores it (hf_transfer is no "
                    "longer used; downloads go through hf_xet)",
                    Location(image.path, inst.line),
                    fix="ENV HF_XET_HIGH_PERFORMANCE=1",
                )
                continue
            if name == "HUGGING_FACE_HUB_TOKEN":
                shown = redact(value) if value else '""'
                yield Finding(
                    f"ENV {name}={shown}: the variable is deprecated by {who}; the token "
                    f"variable is {new}",
                    Location(image.path, inst.line),
                    fix=(
                        f"delete the line and create a Space secret named {new} (Settings > "
                        "Variables and secrets); it reaches the app as an environment variable"
                    ),
                )
                continue
            yield Finding(
                f"ENV {name}={value}: {name} is deprecated by {who}; the same directory is set "
                f"with {new}",
                Location(image.path, inst.line),
                fix=f"ENV {new}={value}",
            )


# --------------------------------------------------------------------------- SD210

#: Docker's SecretsUsedInArgOrEnv rule: one of these as a whole `_`-separated word of the name.
_SECRET_NAME = re.compile(
    r"(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)"
    r"(?:_|$)"
)
_ALLOWED_NAME = re.compile(r"(?i)(?:_|^)public(?:_|$)")
#: Names that hold a setting about secrets, not a secret: flags, locations, lengths.
_NOT_SECRET_NAME = re.compile(
    r"(?i)(^HF_HUB_(DISABLE|ENABLE)_|_(DISABLE|ENABLE|ENABLED|DISABLED)(_|$)|"
    r"_(PATH|FILE|DIR|URL|URI|HOST|ENDPOINT|HEADER|NAME|TYPE|MODE|LENGTH|LIMIT|SIZE|EXPIRY|TTL)$)"
)
_FLAG_VALUE = re.compile(r"(?i)^(0|1|true|false|yes|no|on|off|none|null|\d+)$")


def secret_name(name: str) -> bool:
    return bool(
        _SECRET_NAME.search(name)
        and not _ALLOWED_NAME.search(name)
        and not _NOT_SECRET_NAME.search(name)
    )


def _value_is_secretish(value: str) -> bool:
    v = value.strip()
    if not v or _FLAG_VALUE.match(v):
        return False
    if v.startswith(("/", "./", "~", "$")):
        return False
    return not (re.match(r"^[a-z][a-z0-9+.-]*://", v) and "@" not in v)


@check("SD210")
def secret_in_arg_env(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    insts = list(image.instructions)
    for idx, inst in enumerate(insts):
        if inst.cmd == "ARG":
            for pair in inst.args:
                name, eq, value = pair.partition("=")
                if not secret_name(name):
                    continue
                if eq and _value_is_secretish(value):
                    yield Finding(
                        f"ARG {name} has the value {redact(value)} written in the Dockerfile: it "
                        "is in the Space's git history and in the image history of every RUN "
                        "that uses it",
                        Location(image.path, inst.line),
                        fix=_secret_fix(name),
                    )
                    continue
                use = _arg_use(name, insts[idx + 1 :], inst.stage)
                if use is not None and not eq:
                    yield Finding(
                        f"ARG {name} is used at line {use}: on Spaces build arguments are the "
                        f"Space's public Variables (a Space secret named {name} is not passed as "
                        "a build argument, so the value is empty), and a build argument used by "
                        "RUN is recorded in the image history",
                        Location(image.path, inst.line),
                        fix=_secret_fix(name),
                    )
        elif inst.cmd == "ENV":
            for i in range(0, len(inst.args) - 1, 2):
                name, value = inst.args[i], inst.args[i + 1]
                if not secret_name(name):
                    continue
                ref = re.search(rf"\b{re.escape(name)}[= ]\s*[\"']?\$\{{?(\w+)", inst.original)
                if ref is not None:
                    yield Finding(
                        f"ENV {name}=${ref.group(1)} copies a build argument into the image's "
                        "configuration, where anyone who pulls the image reads it; at runtime "
                        f"the platform already sets the Space secret {name} as an environment "
                        "variable",
                        Location(image.path, inst.line),
                        fix=_secret_fix(name),
                    )
                elif _value_is_secretish(value):
                    yield Finding(
                        f"ENV {name}={redact(value)} writes a secret into the Dockerfile (git "
                        "history) and into the image's configuration",
                        Location(image.path, inst.line),
                        fix=_secret_fix(name),
                    )


def _arg_use(name: str, later: list[Instruction], stage: int) -> int | None:
    """The line of the first later instruction of the stage that expands $name."""
    ref = re.compile(rf"\$\{{?{re.escape(name)}\b")
    for inst in later:
        if inst.stage != stage:
            return None
        if inst.cmd == "ARG":
            continue
        text = " ".join([inst.original, *inst.heredocs])
        if not ref.search(text):
            continue
        if inst.cmd == "RUN":
            mounted = any(
                f.startswith("--mount=") and "type=secret" in f and f"env={name}" in f
                for f in inst.flags
            )
            if mounted or re.search(rf"(^|[\s;&|]){re.escape(name)}=", text):
                continue  # set from the secret mount in this RUN
        return inst.line
    return None


def _secret_fix(name: str) -> str:
    return (
        f"delete this line, create a Space secret named {name}, and read it where the build "
        f"needs it: RUN --mount=type=secret,id={name},mode=0444,required=true "
        f"{name}=$(cat /run/secrets/{name}) <command>"
    )


# --------------------------------------------------------------------------- SD213

_HARMLESS = frozenset({"ln", "echo", "printf", "test", "[", "true", "export"})


@check("SD213")
def data_at_build(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    mounts: dict[str, str] = {}
    for m in image.mount_paths:
        mounts[_abspath(m, "/")] = "configured in mount-paths"
    if "/data" not in mounts:
        for var, value in image.env.items():
            if _under(_abspath(value, "/"), "/data") and value.startswith("/data"):
                line = image.env_lines.get(var)
                mounts["/data"] = f"ENV {var}={value} (line {line}) points the app at /data"
                break
    if not mounts:
        raise SkipCheck("no runtime volume mount path (mount-paths, or ENV pointing at /data)")

    def mount_of(path: str) -> str | None:
        return next((m for m in mounts if _under(path, m) and m != "/"), None)

    for inst in image.instructions:
        if inst.cmd in ("COPY", "ADD") and len(inst.args) >= 2:
            dest = _abspath(inst.args[-1], inst.workdir)
            mount = mount_of(dest)
            if mount is not None:
                what = f"`{inst.original.strip()}`"
                yield _data_finding(image, inst.line, what, dest, mount, mounts)
        elif inst.cmd == "RUN":
            for sc in inst.commands():
                hit = _run_target(sc, mount_of)
                if hit is not None:
                    yield _data_finding(
                        image, sc.line, f"`{sc.raw.strip()}`", hit, mount_of(hit) or "", mounts
                    )
                    break


def _run_target(sc: SimpleCommand, mount_of: Callable[[str], str | None]) -> str | None:
    argv = sc.argv[1:] if sc.argv[:1] == ("sudo",) else sc.argv
    if not argv:
        return None
    name = argv[0].rsplit("/", 1)[-1]
    if name in _HARMLESS:
        return None
    for word in argv[1:]:
        for part in re.split(r"[=:,]", word):
            if not part.startswith("/") or "$" in part:
                continue
            p = posixpath.normpath(part)
            m = mount_of(p)
            if m is None:
                continue
            if name in ("mkdir", "chmod", "chown") and p == m:
                continue  # making the mount point itself: harmless, hidden by the volume
            return str(p)
    return None


def _data_finding(
    image: DockerImage, line: int, what: str, path: str, mount: str, mounts: dict[str, str]
) -> Finding:
    from spacedoctor.checks.docker_start import scrub

    return Finding(
        f"{scrub(what)} puts {path} into the image at build time, but a volume is mounted at "
        f"{mount} at runtime ({mounts.get(mount, '')}): the volume hides it, and the volume "
        "itself is not there during the build",
        Location(image.path, line),
        fix=(
            f"keep build-time files outside {mount} (e.g. in the app directory), or copy them "
            f"into {mount} from the start script once the volume is mounted"
        ),
    )


# --------------------------------------------------------------------------- SD214

DEV_MODE_PACKAGES = ("bash", "curl", "wget", "procps", "git", "git-lfs")


@check("SD214")
def dev_mode_incompatible(ctx: SpaceContext) -> Iterator[Finding]:
    image = ctx.require_docker()
    if image.cmd is not None:
        return
    installed: set[str] = set()
    for inst in image.final:
        if inst.cmd != "RUN":
            continue
        for sc in inst.commands():
            argv = sc.argv[1:] if sc.argv[:1] == ("sudo",) else sc.argv
            if (argv[:1] in (("apt-get",), ("apt",), ("apk",)) and "install" in argv[1:3]) or (
                argv[:2] == ("apk", "add")
            ):
                installed.update(a for a in argv[2:] if not a.startswith("-"))
    missing = [p for p in DEV_MODE_PACKAGES if p not in installed]
    ep = image.entrypoint
    if ep is not None:
        line = ep.line
        start = "the container starts with ENTRYPOINT only"
    else:
        line = image.final[-1].line if image.final else 1
        start = "without CMD or ENTRYPOINT the container runs the base image's default command"
    base = image.base_image or ""
    notes = []
    if missing:
        notes.append(
            f"Dev Mode also needs {', '.join(missing)}, which this Dockerfile does not install "
            "(the base image may ship some)"
        )
    if "alpine" in base.lower():
        notes.append(f"and a Debian-based image with apt-get, not {base}")
    extra = ("; " + " ".join(notes)) if notes else ""
    fix = 'CMD ["python", "app.py"]  # the command that starts your app'
    if ep is not None and ep.argv:
        fix = "CMD " + json.dumps(list(ep.argv)) + "  # instead of the ENTRYPOINT line"
    elif ep is not None and ep.shell:
        fix = f"CMD {ep.shell}  # instead of the ENTRYPOINT line"
    yield Finding(
        f"If you use Dev Mode: the Dockerfile has no CMD, which Dev Mode runs to start the app "
        f"({start}){extra}",
        Location(image.path, line),
        fix=fix,
    )
