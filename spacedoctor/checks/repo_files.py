"""Repository file checks (SD5xx): what the Hub rejects on push, what a checkout left behind,
what must not be committed, and how CI deploys the Space."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath

from spacedoctor.api import Finding, Location, SkipCheck, check
from spacedoctor.sources.repo import Unreadable
from spacedoctor.sources.secrets import is_env_file, is_key_file
from spacedoctor.sources.space import SpaceContext
from spacedoctor.sources.workflows import WORKFLOW_DIR, deploys_by_upload_only

#: Binary files above this are rejected unless stored with LFS/Xet. HF staff (huggingface_hub
#: #657, #687, 2022): "binary files over 1MB", reproduced there with a file of exactly 1 MiB, so
#: the decimal megabyte; small images are pushed fine (mesop PR #685).
BINARY_LIMIT = 1_000_000
#: "Your push was rejected because it contains files larger than 10 MiB."
TEXT_LIMIT = 10 * 1024 * 1024
#: Checkpoints above this are worth keeping in a model repo instead.
WEIGHTS_LIMIT = 100 * 1024 * 1024
#: storage-limits: "keeping the total number of files under 100k", "cannot exceed 10k files per
#: folder".
FILES_LIMIT = 100_000
FOLDER_LIMIT = 10_000
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".onnx", ".gguf", ".h5")
_SHOWN = 5


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size} bytes"


def _needing_large_storage(ctx: SpaceContext) -> list[tuple[str, int, bool]]:
    """(path, size, binary) of every file a git push must hand to LFS/Xet."""
    out = []
    for f in sorted(ctx.repo, key=lambda f: f.rel):
        if f.size > TEXT_LIMIT:
            out.append((f.rel, f.size, ctx.repo.is_binary(f.rel)))
        elif f.size > BINARY_LIMIT and ctx.repo.is_binary(f.rel):
            out.append((f.rel, f.size, True))
    return out


def _skip_if_uploaded(ctx: SpaceContext) -> None:
    if deploys_by_upload_only(ctx.workflows):
        raise SkipCheck(
            "the Space is deployed by upload (huggingface/hub-sync or `hf upload`), which "
            "stores large and binary files in Xet itself"
        )


def _track_pattern(rel: str) -> str:
    name = PurePosixPath(rel).name
    suffix = PurePosixPath(name).suffix
    return f"*{suffix}" if suffix and suffix != name else rel


@check("SD501")
def binary_not_in_lfs(ctx: SpaceContext) -> Iterator[Finding]:
    needing = _needing_large_storage(ctx)
    if not needing:
        return
    _skip_if_uploaded(ctx)
    attrs = ctx.gitattributes
    for rel, size, binary in needing:
        if attrs.stores_outside_git(rel):
            continue
        value, rule = attrs.lookup(rel, "filter")
        if binary:
            what = f"{rel} is a binary file of {_mb(size)}"
            hub = "Your push was rejected because it contains binary files"
        else:
            what = f"{rel} is {_mb(size)} of text, over the 10 MiB limit"
            hub = "Your push was rejected because it contains files larger than 10 MiB"
        why = "no .gitattributes rule sends it to Git LFS/Xet"
        if rule is not None:
            where = attrs.local_path(rule) or rule.path
            why = f"{where}:{rule.line} `{rule.pattern}` takes it out of Git LFS/Xet"
            if isinstance(value, str):
                why = f"{where}:{rule.line} `{rule.pattern}` gives it filter={value}, not lfs"
        pattern = _track_pattern(rel)
        yield Finding(
            f"{what} and {why}: the Hub refuses the push ('{hub}. Offending files: - {rel}')",
            Location(rel, None),
            fix=(
                f"git lfs track '{pattern}'   # git-xet uses the same rules\n"
                f"git add .gitattributes '{rel}'\n"
                "If a commit already holds the file, rewrite history (the Hub checks every "
                f"pushed commit): git lfs migrate import --include='{rel}' --everything"
            ),
        )


@check("SD502")
def lfs_pointer_in_tree(ctx: SpaceContext) -> Iterator[Finding]:
    for rel in ctx.repo.names():
        if ctx.repo.is_lfs_pointer(rel):
            yield Finding(
                f"{rel} is a Git LFS pointer, not the file: this checkout was made without "
                "git-lfs, so the app reads a 130-byte text stub, and uploading this tree "
                "(hf upload, hub-sync) publishes the stub in place of the file",
                Location(rel, 1),
                fix=(
                    "git lfs install && git lfs pull\n"
                    "In GitHub Actions: actions/checkout with `lfs: true`."
                ),
            )


@check("SD503")
def gitattributes_missing(ctx: SpaceContext) -> Iterator[Finding]:
    needing = _needing_large_storage(ctx)
    if not needing:
        return  # a Space of small text files needs no .gitattributes
    attrs = ctx.gitattributes
    if attrs.large_file_rules():
        return  # rules exist; SD501 names any file they miss
    _skip_if_uploaded(ctx)
    names = ", ".join(rel for rel, _, _ in needing[:_SHOWN])
    more = f" and {len(needing) - _SHOWN} more" if len(needing) > _SHOWN else ""
    if ".gitattributes" in ctx.repo:
        head = ".gitattributes has no `filter=lfs` rule"
    else:
        head = "there is no .gitattributes"
    patterns = sorted({_track_pattern(rel) for rel, _, _ in needing})
    lines = "\n".join(f"{p} filter=lfs diff=lfs merge=lfs -text" for p in patterns)
    yield Finding(
        f"{head}, so nothing is stored with Git LFS/Xet, yet {len(needing)} file(s) must be: "
        f"{names}{more}; the Hub rejects the push",
        Location(".gitattributes", None),
        fix=(
            "Restore the .gitattributes a new Space starts with (it tracks *.bin, *.safetensors, "
            "*.zip, ... with LFS) and add these lines:\n"
            f"{lines}"
        ),
    )


@check("SD504")
def ci_sync_workflow(ctx: SpaceContext) -> Iterator[Finding]:
    if ctx.prefix:
        raise SkipCheck("GitHub runs only the workflows at the repository root, above this Space")
    flows = [w for w in ctx.workflows if w.path in ctx.repo and w.deploys]
    if not flows:
        raise SkipCheck("no GitHub workflow deploys this Space")
    attrs = ctx.gitattributes
    uses_lfs = any(
        ctx.repo.is_lfs_pointer(rel) or attrs.stores_outside_git(rel)
        for rel in ctx.repo.names()
        if not rel.startswith(WORKFLOW_DIR)
    )
    for flow in flows:
        for job in flow.jobs:
            if not job.pushes or not job.checkouts:
                continue
            checkout = job.checkouts[0]
            kinds = {p.kind for p in job.pushes}
            problems = []
            if "git" in kinds and checkout.full_history is False and not job.unshallows:
                problems.append(
                    "it makes a shallow clone (no `fetch-depth: 0`), and git refuses to push "
                    "a shallow history to the Space ('shallow update not allowed')"
                )
            if uses_lfs and checkout.lfs is False and not job.fetches_lfs:
                problems.append(
                    "it checks out LFS files as pointers (no `lfs: true`), so the Space "
                    "receives pointers, or the push fails for want of the LFS objects"
                )
            if problems:
                yield Finding(
                    f"job `{job.name}` deploys to the Space, but its actions/checkout step: "
                    + "; ".join(problems),
                    Location(flow.path, checkout.line),
                    fix="- uses: actions/checkout@v4\n  with:\n    fetch-depth: 0\n    lfs: true",
                )
        for token in flow.literal_tokens:
            yield Finding(
                f"{flow.path} line {token.line}: {token.kind}; anyone who can read the "
                "repository can write to the Space",
                Location(flow.path, token.line),
                fix=(
                    "Revoke the token at https://huggingface.co/settings/tokens, store a new "
                    "one as the repository secret HF_TOKEN, and use ${{ secrets.HF_TOKEN }} "
                    "(in a URL: https://USER:$HF_TOKEN@huggingface.co/spaces/USER/SPACE)."
                ),
            )


# --- SD505 ------------------------------------------------------------------------------------

#: Variable names that hold secrets: one of these words as a `_`-separated part of the name,
#: or one of the pairs (so AUTHOR, MAX_TOKENS, SORT_KEY or PWD are not taken for secrets).
_SECRET_WORDS = frozenset(
    {"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "CREDENTIALS", "APIKEY"}
)
_SECRET_PAIRS = (
    "API_KEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "SECRET_KEY",
    "AUTH_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
)
#: A URL with a password in it (postgres://user:pass@host), unless the password is a variable.
_URL_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]+:(?!\$)[^\s/@]+@")
_SECRET_VALUE = re.compile(
    r"^(?:hf_[A-Za-z0-9]{30,}|sk-[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{30,}"
    r"|github_pat_\w{30,}|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{30,})$"
)
_PLACEHOLDER = re.compile(
    r"^(?:|<.*>|\$\{?\w+\}?|\{\{.*\}\}|\.\.\.|x+|\*+|-|none|null|changeme|change_me|todo"
    r"|tbd|your[-_ ].*|.*[-_]here|replace[-_ ]?me|placeholder|secret|password|token|false|true"
    r"|\d+(?:\.\d+)?)$",
    re.I,
)
_ASSIGN = re.compile(r"^(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(?P<value>.*)$")
_PRIVATE_KEY = re.compile(r"-----BEGIN (?P<kind>[A-Z0-9 ]*)PRIVATE KEY-----")


def _env_value(raw: str) -> str:
    value = raw.strip()
    if value[:1] in {'"', "'"}:
        end = value.find(value[0], 1)
        return value[1:end] if end > 0 else value[1:]
    return value.split(" #", 1)[0].strip()


def _secret_name(key: str) -> bool:
    name = key.upper().replace(".", "_").replace("-", "_")
    return bool(_SECRET_WORDS & set(name.split("_"))) or any(p in name for p in _SECRET_PAIRS)


def _env_secrets(text: str) -> list[tuple[int, str]]:
    found = []
    for idx, raw in enumerate(text.splitlines()):
        line = raw.strip()
        m = _ASSIGN.match(line)
        if not m or line.startswith("#"):
            continue
        key, value = m.group("key"), _env_value(m.group("value"))
        if (
            _SECRET_VALUE.match(value)
            or _URL_PASSWORD.match(value)
            or (_secret_name(key) and not _PLACEHOLDER.match(value))
        ):
            found.append((idx + 1, key))
    return found


def _private_key_line(text: str) -> int | None:
    lines = text.splitlines()
    for idx, raw in enumerate(lines):
        m = _PRIVATE_KEY.search(raw)
        if not m or "ENCRYPTED" in m.group("kind"):
            continue
        if any("ENCRYPTED" in nxt for nxt in lines[idx + 1 : idx + 3]):
            continue  # an old-style passphrase-protected PEM (Proc-Type: 4,ENCRYPTED)
        return idx + 1
    return None


def _json_secret(text: str) -> tuple[str, int] | None:
    if '"private_key"' not in text and '"refresh_token"' not in text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    key = data.get("private_key")
    if isinstance(key, str) and _PRIVATE_KEY.search(key):
        kind = "a service-account private key"
        field = '"private_key"'
    elif data.get("type") == "authorized_user" and data.get("refresh_token"):
        kind, field = "an OAuth refresh token", '"refresh_token"'
    else:
        return None
    line = next((i + 1 for i, raw in enumerate(text.splitlines()) if field in raw), 1)
    return kind, line


@check("SD505")
def env_file_committed(ctx: SpaceContext) -> Iterator[Finding]:
    for f in sorted(ctx.repo, key=lambda f: f.rel):
        name = PurePosixPath(f.rel).name
        found: tuple[str, int] | None = None
        try:
            if is_env_file(name):
                hits = _env_secrets(ctx.repo.read_text(f.rel, 1_000_000))
                if hits:
                    keys = ", ".join(dict.fromkeys(k for _, k in hits))
                    found = (f"an env file that sets {keys}", hits[0][0])
            elif is_key_file(name):
                line = _private_key_line(ctx.repo.read_text(f.rel, 1_000_000))
                if line is not None:
                    found = ("an unencrypted private key", line)
            elif name.endswith(".json") and f.size <= 65_536:
                found = _json_secret(ctx.repo.read_text(f.rel))
        except Unreadable:
            continue
        if found is None:
            continue
        kind, line = found
        yield Finding(
            f"{f.rel} is {kind}, and nothing ignores it: a push publishes it (the Hub scans "
            "pushes for secrets, and a public Space's files are readable by anyone)",
            Location(f.rel, line),
            fix=(
                f"git rm --cached '{f.rel}' && echo '{f.rel}' >> .gitignore\n"
                "Treat the secret as leaked: revoke/rotate it, then give the new value to the "
                "Space as a Secret (Settings > Variables and secrets); it arrives as an "
                "environment variable. If it was ever pushed, rewrite history as well."
            ),
        )


@check("SD506")
def repo_shape_limits(ctx: SpaceContext) -> Iterator[Finding]:
    total = len(ctx.repo)
    if total > FILES_LIMIT:
        yield Finding(
            f"the Space has {total} files; the Hub recommends fewer than {FILES_LIMIT}, and git "
            "operations and the file browser degrade above that",
            Location(".", None),
            fix="Merge small files (e.g. JSON into one JSONL or Parquet file), or keep data "
            "in a dataset repo and download it at build or start time.",
        )
    entries: Counter[str] = Counter()
    folders: set[str] = set()
    for f in ctx.repo:
        parts = f.rel.split("/")
        entries["/".join(parts[:-1]) or "."] += 1
        for depth in range(1, len(parts) - 1):
            folders.add("/".join(parts[: depth + 1]))
        if len(parts) > 1:
            folders.add(parts[0])
    for folder in folders:
        parent = folder.rsplit("/", 1)[0] if "/" in folder else "."
        entries[parent] += 1
    for folder, count in sorted(entries.items()):
        if count > FOLDER_LIMIT:
            yield Finding(
                f"folder {folder} has {count} entries; the Hub allows at most {FOLDER_LIMIT} "
                "files per folder",
                Location(folder, None),
                fix=f"Spread the files of {folder} over subfolders (e.g. 000/ to 999/), or "
                "pack them into archives or Parquet files.",
            )


@check("SD507")
def weights_in_repo(ctx: SpaceContext) -> Iterator[Finding]:
    for f in sorted(ctx.repo, key=lambda f: f.rel):
        if f.size <= WEIGHTS_LIMIT or not f.rel.lower().endswith(WEIGHT_SUFFIXES):
            continue
        yield Finding(
            f"{f.rel} ({_mb(f.size)}) is a model checkpoint committed to the Space: every "
            "change re-uploads it into the Space's history, and it cannot be shared or "
            "versioned apart from the app",
            Location(f.rel, None),
            fix=(
                "Upload it to a model repo (hf upload USER/MODEL "
                f"'{f.rel}'), delete it here, and fetch it at build time with the README "
                "front matter:\n"
                "preload_from_hub:\n"
                f"  - USER/MODEL {PurePosixPath(f.rel).name}"
            ),
        )
