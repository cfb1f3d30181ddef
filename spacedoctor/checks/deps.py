"""Dependency checks (SD4xx): what the build installs against what the code imports and the
platform runs (Python version, GPU hardware, the Gradio SDK's own pins)."""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.deps import (
    PACKAGES,
    InstallPlan,
    Requirement,
    install_plan,
    lower_bound_at_least,
    parse_install_commands,
    parse_requirement,
    space_deps,
    upper_bound_at_most,
)
from spacedoctor.sources.deps_data import (
    ALWAYS_PRESENT,
    DIST_MODULES,
    KNOWN_DEPS,
    KNOWN_EXTRAS,
    NAMESPACES,
    SUGGEST,
    canonical,
    closure,
    stdlib_modules,
)
from spacedoctor.sources.pyapp import ImportSite, Module, const_str, import_sites
from spacedoctor.sources.space import SpaceContext

# ---------------------------------------------------------------------------------------------
# shared helpers


def _plan(ctx: SpaceContext) -> InstallPlan:
    if ctx.sdk == "static":
        raise SkipCheck("sdk is static: nothing is installed with pip")
    return install_plan(ctx)


def _where(req: Requirement) -> str:
    return f"{req.path}:{req.line}"


@dataclass(frozen=True)
class _GradioVersion:
    """The gradio version(s) the build gets and where that is decided."""

    low: Version | None  # the lowest possible version, when known
    below: Version | None  # every possible version is below this one, when known
    path: str
    line: int
    text: str  # e.g. "gradio==4.44.1" or "sdk_version: 4.44.1"


def _gradio_version(ctx: SpaceContext, plan: InstallPlan) -> _GradioVersion | None:
    reqs = plan.named("gradio")
    if reqs:
        r = reqs[0]
        pinned = r.pinned
        if pinned is not None:
            return _GradioVersion(pinned, _next_major(pinned), r.path, r.line, r.text)
        low = _floor(r)
        below = next(
            (Version(f"{m}.0") for m in range(2, 10) if upper_bound_at_most(r.specifier, f"{m}.0")),
            None,
        )
        return _GradioVersion(low, below, r.path, r.line, r.text)
    if plan.how == "gradio":
        raw = ctx.card.data.get("sdk_version")
        try:
            v = Version(str(raw)) if raw is not None else None
        except InvalidVersion:
            v = None
        if v is not None and ctx.card.path:
            line = ctx.card.line("sdk_version")
            return _GradioVersion(v, _next_major(v), ctx.card.path, line, f"sdk_version: {raw}")
    return None


def _next_major(v: Version) -> Version:
    return Version(f"{v.major + 1}.0")


def _floor(r: Requirement) -> Version | None:
    for m in range(9, 0, -1):
        if lower_bound_at_least(r.specifier, f"{m}.0"):
            return Version(f"{m}.0")
    return None


def _python_version(ctx: SpaceContext, plan: InstallPlan) -> tuple[str, str, int] | None:
    """(version, path, line) of the Python the Space runs, when the repo says."""
    if plan.how == "gradio":
        raw = ctx.card.data.get("python_version")
        if raw is None or ctx.card.path is None:
            return None
        text = str(raw)
        if not re.fullmatch(r"3\.\d+(\.\d+)?", text):
            return None
        return text, ctx.card.path, ctx.card.line("python_version")
    if plan.how == "docker":
        try:
            image = ctx.dockerfile
        except NotImplementedError:
            return None
        if image is None or image.error is not None or not image.final:
            return None
        first = image.final[0]
        if first.cmd != "FROM" or not first.args:
            return None
        m = re.match(r"^(?:docker\.io/)?(?:library/)?python:(3\.\d+)", first.args[0]) or re.search(
            r":python(3\.\d+)", first.args[0]
        )
        if m:
            return m.group(1), image.path, first.line
    return None


def _at_least(version: str, other: str) -> bool:
    try:
        return Version(version) >= Version(other)
    except InvalidVersion:
        return False


# ---------------------------------------------------------------------------------------------
# SD401 missing-dependency

_TESTISH_DIRS = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "benchmarks", ".github"}
)


def _is_testish(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        any(p in _TESTISH_DIRS for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name in ("conftest.py", "setup.py", "noxfile.py")
    )


def _local_names(ctx: SpaceContext) -> set[str]:
    """Every name a module of the Space could be imported as: file stems and folder names."""
    out: set[str] = set()
    for rel in ctx.repo.names():
        parts = rel.split("/")
        out.update(parts[:-1])
        name = parts[-1]
        if name.endswith((".py", ".pyi", ".so", ".pyd", ".pyc")):
            out.add(name.split(".", 1)[0])
    return out


def _local_targets(site: ImportSite, module: Module, modules: dict[str, Module]) -> list[str]:
    """The Space's modules an import may load (any that exists, from any plausible sys.path)."""
    here = posixpath.dirname(module.path)
    if site.level:
        base = here
        for _ in range(site.level - 1):
            base = posixpath.dirname(base)
        bases = [base]
        dotted = site.module
    else:
        bases = ["", here, "src"]
        dotted = site.module
    found: list[str] = []
    parts = dotted.split(".") if dotted else []
    for base in dict.fromkeys(bases):
        prefix = base + "/" if base else ""
        stems = [prefix + "/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        stems += [prefix + "/".join([*parts, name]) for name in site.names]
        found.extend(
            cand
            for stem in stems
            for cand in (stem + ".py", stem + "/__init__.py")
            if cand in modules
        )
    return found


def _entry_modules(ctx: SpaceContext, plan: InstallPlan, modules: dict[str, Module]) -> list[str]:
    """The app's own entry files, when the Space names them; [] means: use every module."""
    if plan.how == "gradio":
        app_file = ctx.card.data.get("app_file")
        name = app_file if isinstance(app_file, str) else "app.py"
        return [name] if name in modules else []
    try:
        image = ctx.dockerfile
    except NotImplementedError:
        return []
    if image is None:
        return []
    words: list[str] = []
    workdir = image.workdir
    for spec in (image.entrypoint, image.cmd):
        if spec is None:
            continue
        if spec.argv is not None:
            words.extend(spec.argv)
        elif spec.shell is not None:
            words.extend(spec.shell.split())
    out: list[str] = []
    for i, w in enumerate(words):
        cands: list[str] = []
        if w.endswith(".py"):
            cands.append(w)
        elif i and words[i - 1] == "-m":
            cands.extend([w.replace(".", "/") + ".py", w.replace(".", "/") + "/__main__.py"])
        elif re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*(\(\))?", w):
            cands.append(w.split(":", 1)[0].replace(".", "/") + ".py")
        for c in cands:
            c = posixpath.normpath(c)
            if c.startswith("/") and workdir and workdir != "/":
                c = posixpath.relpath(c, workdir)
            if c in modules:
                out.append(c)
    return out


def _reachable(ctx: SpaceContext, plan: InstallPlan) -> list[Module]:
    modules = ctx.app.modules
    roots = _entry_modules(ctx, plan, modules)
    if not roots:
        return [m for p, m in sorted(modules.items()) if not _is_testish(p)]
    seen: dict[str, Module] = {}
    todo = list(roots)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        module = modules[path]
        seen[path] = module
        for site in import_sites(module):
            todo.extend(t for t in _local_targets(site, module, modules) if t not in seen)
    return [seen[p] for p in sorted(seen)]


def _provided(plan: InstallPlan) -> tuple[set[str], set[str]]:
    """(canonical distribution names, import names) the build makes importable."""
    dists: set[str] = set(plan.preinstalled) | set(ALWAYS_PRESENT)
    for r in plan.requirements:
        if r.name is None or r.constraint:
            continue
        dists.add(r.name)
        for extra in r.extras:
            dists.update(KNOWN_EXTRAS.get((r.name, extra), (extra,)))
    dists = closure(dists)
    modules: set[str] = set()
    for d in dists:
        modules.update(DIST_MODULES.get(d, ()))
    return dists, modules


@check("SD401")
def missing_dependency(ctx: SpaceContext) -> Iterator[Finding]:
    plan = _plan(ctx)
    if plan.how == "unknown":
        raise SkipCheck(plan.incomplete or "the Space's sdk is unknown")
    if not plan.complete:
        raise SkipCheck(
            plan.incomplete or "the build installs from something the audit cannot read"
        )
    nameless = next((r for r in plan.requirements if r.name is None and not r.constraint), None)
    if nameless is not None:
        raise SkipCheck(f"{_where(nameless)} installs {nameless.text}, whose contents are unknown")
    if not ctx.app.modules:
        raise SkipCheck("no Python files")
    dists, provided_mods = _provided(plan)
    runtime = _runtime_installs(ctx)
    if runtime is None:
        raise SkipCheck(
            "the code installs packages at runtime with arguments the audit cannot read"
        )
    dists |= closure(runtime)
    provided_mods |= {m for d in closure(runtime) for m in DIST_MODULES.get(d, ())}
    local = _local_names(ctx)
    stdlib = stdlib_modules()
    reported: set[str] = set()
    for module in _reachable(ctx, plan):
        for site in import_sites(module):
            top = site.top
            if site.level or site.optional or not top or top in reported:
                continue
            if top in stdlib or top in local or top in NAMESPACES or top in ALWAYS_PRESENT:
                continue
            if canonical(top) in dists or top in provided_mods:
                continue
            reported.add(top)
            dist = SUGGEST.get(top, top)
            yield _missing(plan, module.path, site, dist)


def _runtime_installs(ctx: SpaceContext) -> set[str] | None:
    """Distributions the code installs itself (`os.system("pip install x")`,
    `subprocess.run([sys.executable, "-m", "pip", "install", "x"])`); None when it installs
    something that cannot be read."""
    out: set[str] = set()
    for module in ctx.app.modules.values():
        for node in module.of(ast.Constant, ast.List, ast.Tuple):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if "pip" in text and "install" in text:
                    for pip in parse_install_commands(text).pips:
                        if pip.requirement_files or pip.local:
                            return None
                        out.update(_names(pip.packages))
            elif isinstance(node, ast.List | ast.Tuple):
                words = [const_str(e) for e in node.elts]
                if "pip" not in words or "install" not in words:
                    continue
                rest = words[words.index("install") + 1 :]
                if any(w is None for w in rest):
                    return None
                args = [w for w in rest if w is not None]
                if any(w.startswith(("-r", "--requirement", "-e")) for w in args):
                    return None
                out.update(_names([w for w in args if not w.startswith("-")]))
    return out


def _names(specs: list[str]) -> set[str]:
    out: set[str] = set()
    for spec in specs:
        parsed = parse_requirement(spec, "", 0)
        if isinstance(parsed, Requirement) and parsed.name:
            out.add(parsed.name)
    return out


_KNOWN_DISTS = frozenset(KNOWN_DEPS) | {d for deps in KNOWN_DEPS.values() for d in deps}


def _missing(plan: InstallPlan, path: str, site: ImportSite, dist: str) -> Finding:
    read = [f.path for f in plan.files if f.requirements or f.options]
    read += [r.path for r in plan.requirements]
    if plan.how == "gradio":
        read.append("the Gradio SDK's preinstalled gradio, huggingface_hub, requests, datasets")
    elif not read:
        read.append("the Dockerfile's pip installs")
    message = (
        f"`{site.module}` is imported, but nothing the build installs provides it "
        f"(read: {'; '.join(dict.fromkeys(read))}): the Space fails with "
        f"ModuleNotFoundError: No module named '{site.top}'; add `{dist}`"
    )
    if plan.target is not None:
        fix = f"echo '{dist}' >> {plan.target}"
    else:
        fix = f"add `{dist}` to the Dockerfile's `pip install` command"
    if dist == site.top and canonical(dist) not in _KNOWN_DISTS:
        fix += f"  # if `{site.top}` is published under another name on PyPI, use that name"
    return Finding(message, Location(path, site.line), fix=fix, evidence=site.module)


# ---------------------------------------------------------------------------------------------
# SD402 hub-gradio-skew

HUB_HFFOLDER_REMOVED = "1.0"


@check("SD402")
def hub_gradio_skew(ctx: SpaceContext) -> Iterator[Finding]:
    plan = _plan(ctx)
    gradio = _gradio_version(ctx, plan)
    if gradio is None:
        raise SkipCheck("the gradio version is not pinned")
    # Verified: gradio 4.x imports HfFolder at `import gradio` (gradio/oauth.py); 5.x does not.
    if not (
        gradio.low is not None
        and gradio.low >= Version("4.0")
        and gradio.below is not None
        and gradio.below <= Version("5.0")
    ):
        return
    for hub in plan.requirements:
        if hub.name != "huggingface-hub":
            continue
        if not (
            lower_bound_at_least(hub.specifier, HUB_HFFOLDER_REMOVED)
            or (hub.pinned is not None and hub.pinned >= Version(HUB_HFFOLDER_REMOVED))
        ):
            continue
        yield Finding(
            f"`{hub.text}` installs huggingface_hub 1.x, which removed `HfFolder`, but gradio is "
            f"4.x here (`{gradio.text}` at {gradio.path}:{gradio.line}) and gradio 4.x imports "
            "`HfFolder`: `import gradio` fails with ImportError: cannot import name 'HfFolder' "
            "from 'huggingface_hub'",
            Location(hub.path, hub.line),
            fix=(
                "huggingface_hub<1.0  # or upgrade gradio to a release that supports "
                "huggingface_hub 1.x"
            ),
            evidence=hub.text,
        )


# ---------------------------------------------------------------------------------------------
# SD403 py313-audioop

AUDIOOP_FIX = "audioop-lts; python_version>='3.13'"


@check("SD403")
def py313_audioop(ctx: SpaceContext) -> Iterator[Finding]:
    plan = _plan(ctx)
    py = _python_version(ctx, plan)
    if py is None:
        raise SkipCheck("the Python version is not set in the repo")
    version, py_path, py_line = py
    if not _at_least(version, "3.13"):
        return
    if plan.named("audioop-lts", version):
        return
    where_py = f"Python {version} ({py_path}:{py_line})"
    gradio = _gradio_version(ctx, plan)
    gradio_installed = bool(plan.named("gradio")) or plan.how == "gradio"
    gradio_old = gradio is not None and gradio.below is not None and gradio.below <= Version("5.0")
    target = plan.target or "requirements.txt"
    if gradio_old and gradio is not None:
        yield Finding(
            f"gradio before 5.0 (`{gradio.text}`) imports pydub, which imports `audioop`, a module "
            f"removed in {where_py}: `import gradio` fails with ModuleNotFoundError: No module "
            "named 'audioop'",
            Location(gradio.path, gradio.line),
            fix=f'echo "{AUDIOOP_FIX}" >> {target}  # or upgrade gradio, or use Python 3.12',
        )
    elif not gradio_installed:
        # A current gradio depends on audioop-lts itself; without gradio nothing brings it in.
        for r in plan.named("pydub", version):
            yield Finding(
                f"`{r.text}` imports `audioop`, which was removed in {where_py}, and nothing "
                "installs `audioop-lts`: importing pydub fails with ModuleNotFoundError: No "
                "module named 'audioop' (or 'pyaudioop')",
                Location(r.path, r.line),
                fix=f'echo "{AUDIOOP_FIX}" >> {target}',
            )
    if gradio_installed and not gradio_old:
        return
    for module in sorted(ctx.app.modules.values(), key=lambda m: m.path):
        for site in import_sites(module):
            if site.top == "audioop" and not site.level and not site.optional:
                yield Finding(
                    f"`import audioop`: the module was removed in {where_py}",
                    Location(module.path, site.line),
                    fix=f'echo "{AUDIOOP_FIX}" >> {target}',
                )


# ---------------------------------------------------------------------------------------------
# SD404 hf-transfer-deprecated


@check("SD404")
def hf_transfer_deprecated(ctx: SpaceContext) -> Iterator[Finding]:
    plan = _plan(ctx)
    hubs = [r for r in plan.requirements if r.name == "huggingface-hub"]
    if any(upper_bound_at_most(h.specifier, "1.0") for h in hubs):
        return  # an explicitly old huggingface_hub still uses hf_transfer
    for module in ctx.app.modules.values():
        if any(s.top == "hf_transfer" and not s.level for s in import_sites(module)):
            return  # the code uses hf_transfer itself
    for r in plan.requirements:
        if r.constraint:
            continue
        if r.name == "hf-transfer":
            what = f"`{r.text}`"
        elif r.name == "huggingface-hub" and "hf-transfer" in r.extras:
            what = f"the `hf_transfer` extra of `{r.text}`"
        else:
            continue
        yield Finding(
            f"{what} installs hf_transfer, which huggingface_hub no longer uses: downloads go "
            "through hf_xet and HF_HUB_ENABLE_HF_TRANSFER is ignored",
            Location(r.path, r.line),
            fix=(
                "delete the line (or the extra); for faster downloads set the variable "
                "HF_XET_HIGH_PERFORMANCE=1"
            ),
        )


# ---------------------------------------------------------------------------------------------
# SD405 packages-txt-invalid

_APT_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+|/[a-z0-9.-]+)?")
_COMMANDS = frozenset(
    {"sudo", "apt-get", "apt", "pip", "pip3", "conda", "brew", "yum", "dnf", "apk", "npm"}
)
_PIP_OPS = re.compile(r"(==|>=|<=|~=|!=|<|>)")


@check("SD405")
def packages_txt_invalid(ctx: SpaceContext) -> Iterator[Finding]:
    lines = space_deps(ctx).packages
    if lines is None:
        raise SkipCheck("no packages.txt")
    if ctx.sdk == "docker":
        names = (
            " ".join(w for a in lines for w in a.words if _APT_NAME.fullmatch(w)) or "<packages>"
        )
        yield Finding(
            "packages.txt is ignored in a Docker Space: the image is built from the Dockerfile "
            "alone, so these apt packages are never installed",
            Location(PACKAGES, 1),
            fix=(
                "in the Dockerfile: RUN apt-get update && apt-get install -y "
                f"--no-install-recommends {names} && rm -rf /var/lib/apt/lists/*"
            ),
        )
        return
    for a in lines:
        if a.words[0] in _COMMANDS and len(a.words) > 1:
            names = " ".join(w for w in a.words[1:] if _APT_NAME.fullmatch(w) and w != "install")
            yield Finding(
                f"`{' '.join(a.words)}` is a command; packages.txt lists apt package names, "
                "one per line, and each line is passed to apt-get install",
                Location(a.path, a.line),
                fix=f"replace the line with: {names}" if names else "delete the line",
            )
            continue
        for word in a.words:
            if word.startswith("-") or _APT_NAME.fullmatch(word):
                continue
            if _PIP_OPS.search(word):
                name = _PIP_OPS.split(word, maxsplit=1)[0]
                reason = "apt-get does not read pip-style version specifiers"
                fix = (
                    f"replace `{word}` with `{name}` "
                    f"(apt pins a version with a single `=`: `{name}=<version>`)"
                )
            elif word.lower() != word and _APT_NAME.fullmatch(word.lower()):
                reason = "apt package names are lower case"
                fix = f"replace `{word}` with `{word.lower()}`"
            else:
                reason = "it is not a valid apt package name"
                fix = f"replace `{word}` with the Debian package name (see packages.debian.org)"
            yield Finding(
                f"`{word}` in packages.txt: {reason}; apt-get install fails and the build stops",
                Location(a.path, a.line),
                fix=fix,
            )
            break


# ---------------------------------------------------------------------------------------------
# SD406 gpu-wheels

_TORCH = frozenset({"torch", "torchvision", "torchaudio"})
_CPU_INDEX = re.compile(r"download\.pytorch\.org/whl/cpu(/|$)")
_CU_INDEX = "https://download.pytorch.org/whl/cu124"
_CUDA_INDEX = re.compile(r"download\.pytorch\.org/whl/cu(\d+)(/|$)")
#: Oldest CUDA whose PyTorch wheels carry kernels for each GPU family's compute capability:
#: T4 sm_75, A100 sm_80, A10G sm_86, L4/L40S sm_89, H100 sm_90.
_MIN_CUDA = (
    ("t4", 10.0),
    ("a100", 11.0),
    ("a10g", 11.1),
    ("l40s", 11.8),
    ("l4", 11.8),
    ("h100", 11.8),
)


def _cuda(tag: str) -> float:
    # cu113 -> 11.3, cu92 -> 9.2, cu121 -> 12.1
    return float(f"{tag[:-1]}.{tag[-1]}")


@check("SD406")
def gpu_wheels(ctx: SpaceContext) -> Iterator[Finding]:
    hw = ctx.card.data.get("suggested_hardware")
    if not isinstance(hw, str) or hw.startswith("cpu"):
        raise SkipCheck("no GPU suggested_hardware")
    plan = _plan(ctx)
    hw_line = f"suggested_hardware: {hw} at {ctx.card.path}:{ctx.card.line('suggested_hardware')}"
    min_cuda = (
        None
        if hw.startswith("zero")
        else next((v for fam, v in _MIN_CUDA if hw.startswith(fam)), None)
    )
    for opt in plan.options:
        if opt.name not in ("--index-url", "--extra-index-url", "--find-links") or not opt.value:
            continue
        if _CPU_INDEX.search(opt.value):
            yield Finding(
                f"`{opt.name} {opt.value}` installs CPU-only PyTorch wheels, but the Space asks "
                f"for a GPU ({hw_line}): torch.cuda.is_available() is False and the GPU sits idle",
                Location(opt.path, opt.line),
                fix=(
                    f"--extra-index-url {_CU_INDEX}  "
                    "# or delete the line: PyPI's Linux torch wheels include CUDA"
                ),
            )
            continue
        m = _CUDA_INDEX.search(opt.value)
        if m and min_cuda is not None and _cuda(m.group(1)) < min_cuda:
            yield Finding(
                f"`{opt.name} {opt.value}` installs PyTorch built for CUDA {_cuda(m.group(1))}, "
                f"which has no kernels for the {hw} GPU "
                f"(needs CUDA {min_cuda} or later; {hw_line})",
                Location(opt.path, opt.line),
                fix=f"--extra-index-url {_CU_INDEX}  # with a torch version that has cu124 wheels",
            )
    for r in plan.requirements:
        if r.name not in _TORCH:
            continue
        text = r.text.replace("%2B", "+").lower()
        if "+cpu" in text or (r.url is not None and "/cpu/" in r.url):
            yield Finding(
                f"`{r.text}` is a CPU-only PyTorch build, but the Space asks for a GPU ({hw_line})",
                Location(r.path, r.line),
                fix=f"{r.name}=={r.pinned.base_version}" if r.pinned is not None else r.name,
            )


# ---------------------------------------------------------------------------------------------
# SD407 unpinned-critical

_CRITICAL = ("gradio", "torch", "transformers")


@check("SD407")
def unpinned_critical(ctx: SpaceContext) -> Iterator[Finding]:
    plan = _plan(ctx)
    constrained = {r.name for r in plan.requirements if r.constraint and list(r.specifier)}
    for r in plan.requirements:
        if r.name not in _CRITICAL or r.constraint or not r.unversioned or r.name in constrained:
            continue
        if r.name == "gradio" and plan.how == "gradio" and ctx.card.data.get("sdk_version"):
            continue  # the SDK installs the sdk_version from README.md; this line changes nothing
        yield Finding(
            f"`{r.text}` has no version: every rebuild (including restarts after a platform "
            f"update) installs the newest {r.name}, so a new release can break the Space "
            "without a commit",
            Location(r.path, r.line),
            fix=(
                f"{r.name}==<the version you tested>  "
                f"# `pip show {r.name}` in your working environment prints it"
            ),
        )


# ---------------------------------------------------------------------------------------------
# SD408 git-deps

_SHA = re.compile(r"[0-9a-f]{7,40}")
_TAG = re.compile(r"v?\d+(\.\d+)+([.-]?\w+)?")


def _git_ref(url: str) -> str | None:
    body = url.split("#", 1)[0]
    body = body.split("://", 1)[-1]
    path = body.split("/", 1)[1] if "/" in body else body
    if "@" not in path:
        return None
    return path.rsplit("@", 1)[1] or None


def _pinned_url(url: str, ref: str | None) -> str:
    base, hash_, fragment = url.partition("#")
    if ref is not None:
        base = base.rsplit("@", 1)[0]
    return f"{base}@<commit sha>" + (hash_ + fragment if hash_ else "")


@check("SD408")
def git_deps(ctx: SpaceContext) -> Iterator[Finding]:
    plan = _plan(ctx)
    for r in plan.requirements:
        url = r.url
        if url is None or not (
            url.startswith(("git+", "git@")) or r.text.startswith(("git+", "git@"))
        ):
            continue
        if url.startswith(("git+ssh://", "git@")) or "git+git@" in url:
            yield Finding(
                f"`{r.text}` is fetched over SSH; the Space build has no SSH key, so cloning fails",
                Location(r.path, r.line),
                fix=(
                    "use an https URL pinned to a commit: "
                    "git+https://<host>/<owner>/<repo>.git@<commit sha>"
                ),
            )
            continue
        ref = _git_ref(url)
        if ref is not None and (_SHA.fullmatch(ref) or _TAG.fullmatch(ref)):
            continue
        moving = f"the branch `{ref}`" if ref else "the default branch"
        yield Finding(
            f"`{r.text}` installs {moving} of a git repository: every rebuild clones whatever it "
            "points at now (builds change without a commit, and fail when the repository moves)",
            Location(r.path, r.line),
            fix=f"pin a commit: {_pinned_url(url, ref)}",
        )
