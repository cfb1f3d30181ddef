"""GitHub Actions workflows that deploy a Space: which jobs push to huggingface.co/spaces (by
`git push` or by uploading: huggingface/hub-sync, `hf upload`), how they check the repo out, and
tokens written into the file. Parsed with yaml.compose for line numbers; never executed.

Only `.github/workflows/*.yml|yaml` at the root of the audited tree are read (GitHub reads no
other place). A Space in a subfolder of a bigger repo sees the root's workflows as context only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from spacedoctor.sources.repo import Tree

WORKFLOW_DIR = ".github/workflows/"
_SPACE_URL = re.compile(r"(?:huggingface\.co|hf\.co)/spaces/", re.I)
_GIT_PUSH = re.compile(r"\bgit\s+push\b")
_UPLOAD = re.compile(
    r"\b(?:hf|huggingface-cli)\s+upload\b|\bupload_folder\s*\(|\bupload_large_folder\b"
)
_SPACE_WORD = re.compile(r"\bspaces?\b|repo_type\s*=\s*[\"']space", re.I)
_UNSHALLOW = re.compile(r"--unshallow\b")
_LFS_FETCH = re.compile(r"\bgit\s+lfs\s+(?:pull|fetch|checkout)\b")
#: `https://user:<secret>@huggingface.co`: a password in the URL that is not a shell variable.
_URL_SECRET = re.compile(r"://[^\s/:@]+:(?P<secret>[^\s@/]+)@(?:huggingface\.co|hf\.co)\b", re.I)
#: A Hugging Face user access token (hf_ and 34 letters/digits; accept 30+).
_HF_TOKEN = re.compile(r"(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}(?![A-Za-z0-9])")


@dataclass(frozen=True)
class Checkout:
    line: int  # the `uses: actions/checkout@...` line
    full_history: bool | None  # fetch-depth: 0; None when set by an expression
    lfs: bool | None  # lfs: true; None when set by an expression


@dataclass(frozen=True)
class HubPush:
    line: int
    kind: str  # "git" (git push to the Space remote) or "upload" (hub-sync, hf upload)


@dataclass(frozen=True)
class Job:
    name: str
    line: int
    checkouts: tuple[Checkout, ...]
    pushes: tuple[HubPush, ...]
    unshallows: bool  # a run step fetches the full history itself
    fetches_lfs: bool  # a run step fetches LFS objects itself


@dataclass(frozen=True)
class LiteralToken:
    line: int
    kind: str  # a few words naming what was found; never the value


@dataclass(frozen=True)
class Workflow:
    path: str  # relative to the tree root
    jobs: tuple[Job, ...] = ()
    literal_tokens: tuple[LiteralToken, ...] = ()
    error: str | None = None

    @property
    def deploys(self) -> bool:
        return any(j.pushes for j in self.jobs)


def parse_workflow(text: str, path: str) -> Workflow:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return Workflow(path, error=f"not valid YAML: {exc}".splitlines()[0])
    if not isinstance(root, yaml.MappingNode):
        return Workflow(path, error="not a mapping")
    jobs_node = _get(root, "jobs")
    jobs: list[Job] = []
    if isinstance(jobs_node, yaml.MappingNode):
        for key, node in jobs_node.value:
            if isinstance(node, yaml.MappingNode):
                jobs.append(_job(str(key.value), key.start_mark.line + 1, node))
    tokens = _literal_tokens(text, root) if any(j.pushes for j in jobs) else ()
    return Workflow(path, tuple(jobs), tokens)


def _get(node: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    found = None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            found = v
    return found


def _scalar(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _job(name: str, line: int, node: yaml.MappingNode) -> Job:
    steps = _get(node, "steps")
    checkouts: list[Checkout] = []
    pushes: list[HubPush] = []
    runs: list[tuple[int, str]] = []
    if isinstance(steps, yaml.SequenceNode):
        for step in steps.value:
            uses_node = _get(step, "uses")
            uses = (_scalar(uses_node) or "").strip().lower()
            if uses_node is not None and uses.startswith("actions/checkout@"):
                checkouts.append(_checkout(uses_node.start_mark.line + 1, _get(step, "with")))
            elif uses_node is not None and uses.startswith("huggingface/hub-sync@"):
                pushes.append(HubPush(uses_node.start_mark.line + 1, "upload"))
            run_node = _get(step, "run")
            run = _scalar(run_node)
            if run_node is not None and run is not None:
                runs.append((run_node.start_mark.line + 1, run))
    script = "\n".join(r for _, r in runs)
    if _SPACE_URL.search(script):
        pushes.extend(HubPush(n, "git") for n, r in runs if _GIT_PUSH.search(r))
    pushes.extend(
        HubPush(n, "upload")
        for n, r in runs
        if _UPLOAD.search(r) and (_SPACE_WORD.search(r) or _SPACE_URL.search(r))
    )
    return Job(
        name,
        line,
        tuple(checkouts),
        tuple(sorted(pushes, key=lambda p: p.line)),
        bool(_UNSHALLOW.search(script)),
        bool(_LFS_FETCH.search(script)),
    )


def _checkout(line: int, with_node: yaml.Node | None) -> Checkout:
    depth = _scalar(_get(with_node, "fetch-depth")) if with_node is not None else None
    lfs = _scalar(_get(with_node, "lfs")) if with_node is not None else None
    return Checkout(line, _flag(depth, lambda v: v.strip() == "0"), _flag(lfs, _true))


def _true(value: str) -> bool:
    return value.strip().lower() in {"true", "yes", "on"}


def _flag(value: str | None, test: Callable[[str], bool]) -> bool | None:
    if value is None:
        return False
    if "${{" in value:
        return None  # decided at run time: assume the author knows
    return test(value)


def _literal_tokens(text: str, root: yaml.MappingNode) -> tuple[LiteralToken, ...]:
    found: dict[int, LiteralToken] = {}
    for idx, raw in enumerate(text.splitlines()):
        line = idx + 1
        code = raw.split(" #", 1)[0] if not raw.lstrip().startswith("#") else ""
        m = _URL_SECRET.search(code)
        if m and not m.group("secret").startswith("$"):
            found.setdefault(line, LiteralToken(line, "a password written into the Hub URL"))
        if _HF_TOKEN.search(code):
            found.setdefault(line, LiteralToken(line, "a Hugging Face token written literally"))
    for node in _walk(root):
        token = _get(node, "hf_token")
        value = _scalar(token)
        if token is not None and value and "${{" not in value:
            line = token.start_mark.line + 1
            found.setdefault(line, LiteralToken(line, "hf_token given literally"))
    return tuple(found[k] for k in sorted(found))


def _walk(node: yaml.Node) -> list[yaml.Node]:
    out = [node]
    if isinstance(node, yaml.MappingNode):
        for _, v in node.value:
            out.extend(_walk(v))
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            out.extend(_walk(v))
    return out


def workflows_of(tree: Tree) -> list[Workflow]:
    """The workflows at the root of the audited tree that GitHub would run."""
    from spacedoctor.sources.repo import Unreadable

    out = []
    for rel in tree.under(WORKFLOW_DIR):
        if "/" in rel[len(WORKFLOW_DIR) :]:
            continue
        if not rel.endswith((".yml", ".yaml")):
            continue
        try:
            text = tree.read_text(rel)
        except Unreadable as exc:
            out.append(Workflow(rel, error=str(exc)))
            continue
        out.append(parse_workflow(text, rel))
    return out


def deploys_by_upload_only(workflows: list[Workflow]) -> bool:
    """Whether the Space reaches the Hub only through uploads (hub-sync, `hf upload`), which
    store large and binary files in Xet themselves: no .gitattributes rules are needed then."""
    kinds = {p.kind for w in workflows for j in w.jobs for p in j.pushes}
    return kinds == {"upload"}
