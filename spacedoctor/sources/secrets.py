"""Credentials written into text: provider tokens recognised by their published shape (the
prefixes and lengths secret scanners such as gitleaks and detect-secrets match), with the
placeholders of tutorials and templates (`hf_xxx...`, `AKIAIOSFODNN7EXAMPLE`, `sk-...`) told apart
by their look: repeated or sequential characters, the word EXAMPLE, too little entropy.

Pure functions over a string; callers decide which files to read and how to redact."""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Provider:
    """A kind of credential: what to call it, where to revoke it, what to name its secret."""

    key: str
    label: str  # "a Hugging Face user access token"
    revoke: str  # where the owner revokes or rotates it
    env: str  # the conventional variable name for the Space secret


@dataclass(frozen=True)
class SecretHit:
    provider: Provider
    value: str  # the secret itself (callers must redact it before showing it)
    line: int  # 1-based
    column: int  # 1-based


HF = Provider(
    "huggingface",
    "a Hugging Face user access token",
    "https://huggingface.co/settings/tokens",
    "HF_TOKEN",
)
HF_ORG = Provider(
    "huggingface-org",
    "a Hugging Face organization API token",
    "the organization's settings on https://huggingface.co",
    "HF_TOKEN",
)
OPENAI = Provider(
    "openai", "an OpenAI API key", "https://platform.openai.com/api-keys", "OPENAI_API_KEY"
)
ANTHROPIC = Provider(
    "anthropic",
    "an Anthropic API key",
    "https://console.anthropic.com/settings/keys",
    "ANTHROPIC_API_KEY",
)
AWS = Provider(
    "aws",
    "an AWS access key id",
    "the AWS IAM console (Security credentials > Access keys)",
    "AWS_ACCESS_KEY_ID",
)
GITHUB = Provider("github", "a GitHub token", "https://github.com/settings/tokens", "GITHUB_TOKEN")
GOOGLE = Provider(
    "google",
    "a Google API key",
    "https://console.cloud.google.com/apis/credentials",
    "GOOGLE_API_KEY",
)
SLACK = Provider("slack", "a Slack token", "https://api.slack.com/apps", "SLACK_TOKEN")
PRIVATE_KEY = Provider(
    "private-key",
    "an unencrypted private key",
    "every place that trusts it (replace the key pair)",
    "PRIVATE_KEY",
)

#: (provider, pattern). Shapes: Hugging Face `hf_` + 34 letters and `api_org_` + 34 letters
#: (gitleaks `huggingface-access-token`, detect-secrets HuggingFaceDetector); OpenAI keys carry
#: the `T3BlbkFJ` marker (gitleaks `openai-api-key`); Anthropic `sk-ant-api03-`/`sk-ant-admin01-`;
#: AWS `AKIA`/`ASIA` + 16; GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 36 and `github_pat_` + 82;
#: Google `AIza` + 35; Slack `xoxb-`/`xoxp-`/... with numeric ids.
_PATTERNS: tuple[tuple[Provider, re.Pattern[str]], ...] = (
    (HF, re.compile(r"(?<![A-Za-z0-9_])hf_[A-Za-z]{34}(?![A-Za-z0-9_])")),
    (HF_ORG, re.compile(r"(?<![A-Za-z0-9_])api_org_[A-Za-z]{34}(?![A-Za-z0-9_])")),
    (
        OPENAI,
        re.compile(
            r"(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,}T3BlbkFJ"
            r"[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])"
        ),
    ),
    (
        ANTHROPIC,
        re.compile(
            r"(?<![A-Za-z0-9_-])sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,}(?![A-Za-z0-9_-])"
        ),
    ),
    (AWS, re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])")),
    (GITHUB, re.compile(r"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])")),
    (GITHUB, re.compile(r"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{82}(?![A-Za-z0-9_])")),
    (GOOGLE, re.compile(r"(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])")),
    (
        SLACK,
        re.compile(r"(?<![A-Za-z0-9])xox[baprs]-[0-9]{8,13}-[0-9A-Za-z-]{8,}(?![A-Za-z0-9-])"),
    ),
)
#: Text each of _PATTERNS cannot match without: a substring test skips most files in
#: microseconds, where the look-behind patterns scan every position.
_NEEDS: tuple[tuple[str, ...], ...] = (
    ("hf_",),
    ("api_org_",),
    ("T3BlbkFJ",),
    ("sk-ant-",),
    ("AKIA", "ASIA"),
    ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    ("github_pat_",),
    ("AIza",),
    ("xox",),
)
_PRIVATE_KEY = re.compile(r"-----BEGIN (?P<kind>(?:RSA |EC |DSA |OPENSSH |PGP )?)PRIVATE KEY-----")
_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=]{40,}$")
_PLACEHOLDER_WORDS = re.compile(r"EXAMPLE|SAMPLE|DUMMY|PLACEHOLDER|REDACTED|XXXX|YOUR|TOKEN", re.I)
#: Below this many bits of Shannon entropy per character the body is a made-up pattern
#: (random tokens over 52 or 62 symbols score above 4).
MIN_ENTROPY = 3.0


def entropy(text: str) -> float:
    """Shannon entropy of `text` in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _sequential_run(text: str, run: int = 6) -> bool:
    """Whether `text` holds `run` characters in a row that step by one (abcdef, 123456, FEDCBA)."""
    up = down = 1
    for a, b in itertools.pairwise(text):
        step = ord(b) - ord(a)
        up = up + 1 if step == 1 else 1
        down = down + 1 if step == -1 else 1
        if up >= run or down >= run:
            return True
    return False


def _body(value: str) -> str:
    """The random part of a token: what follows its fixed prefix."""
    m = re.match(
        r"^(?:hf_|api_org_|sk-ant-(?:api|admin)\d\d-|sk-(?:proj-|svcacct-|admin-)?|"
        r"AKIA|ASIA|gh[pousr]_|github_pat_|AIza|xox[baprs]-)",
        value,
    )
    return value[m.end() :] if m else value


def is_placeholder(value: str) -> bool:
    """A value of the right shape that is not a real credential: documentation examples,
    `hf_xxxx...`, runs like `abcdefgh`, or too uniform to have been generated."""
    body = _body(value)
    if value.startswith(("hf_", "api_org_")) and (body.islower() or body.isupper()):
        # 34 letters drawn from 52 are never all one case; `hf_downloadsnapshotwithretries...`
        # is an identifier.
        return True
    if _PLACEHOLDER_WORDS.search(body):
        return True
    if len(set(body)) <= 4:
        return True
    if _sequential_run(body):
        return True
    return entropy(body) < MIN_ENTROPY


def find_secrets(text: str) -> list[SecretHit]:
    """Every credential in `text`, in order, placeholders left out."""
    hits: list[SecretHit] = []
    line_starts: list[int] = []

    def position(offset: int) -> tuple[int, int]:
        if not line_starts:  # built on the first hit only: most files have none
            line_starts.extend([0, *(m.end() for m in re.finditer(r"\n", text))])
        idx = bisect.bisect_right(line_starts, offset) - 1
        return idx + 1, offset - line_starts[idx] + 1

    seen: set[int] = set()
    for (provider, pattern), needs in zip(_PATTERNS, _NEEDS, strict=True):
        if not any(n in text for n in needs):
            continue
        for m in pattern.finditer(text):
            if m.start() in seen or is_placeholder(m.group(0)):
                continue
            seen.add(m.start())
            line, col = position(m.start())
            hits.append(SecretHit(provider, m.group(0), line, col))
    lines = text.splitlines() if "PRIVATE KEY-----" in text else []
    for idx, raw in enumerate(lines):
        km = _PRIVATE_KEY.search(raw)
        if km is None:
            continue
        # A real key has its base64 body on the next line (a PEM in a JSON string has it after
        # a literal `\n`); a sentence that names the header does not.
        rest = raw[km.end() :].replace("\\n", "\n").strip().split("\n", 1)[0].strip()
        following = lines[idx + 1].strip() if idx + 1 < len(lines) else ""
        if not (_BASE64_LINE.match(rest) or _BASE64_LINE.match(following)):
            continue
        if "ENCRYPTED" in " ".join(lines[idx : idx + 3]):
            continue  # passphrase-protected (Proc-Type: 4,ENCRYPTED)
        hits.append(SecretHit(PRIVATE_KEY, km.group(0), idx + 1, km.start() + 1))
    hits.sort(key=lambda h: (h.line, h.column))
    return hits


def token_patterns() -> tuple[re.Pattern[str], ...]:
    """The provider token shapes, for redacting text that may quote one."""
    return tuple(pattern for _, pattern in _PATTERNS)


#: Suffixes of env-file templates, which hold placeholders rather than secrets (`.env.example`).
ENV_TEMPLATES = frozenset(
    {"example", "examples", "sample", "template", "tmpl", "tpl", "dist", "default", "defaults"}
)
#: File names ssh gives private keys.
KEY_FILE_NAMES = frozenset({"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"})


def is_env_file(name: str) -> bool:
    """`.env`, `.env.production`, `prod.env`: an env file, not a template (`.env.example`)."""
    if name == ".env":
        return True
    if name.startswith(".env."):
        return name[len(".env.") :].lower() not in ENV_TEMPLATES
    stem, dot, ext = name.rpartition(".")
    return bool(dot) and ext == "env" and stem.rsplit(".", 1)[-1].lower() not in ENV_TEMPLATES


def is_key_file(name: str) -> bool:
    """A file named like a private key: `*.pem`, `*.key`, `id_rsa`, ..."""
    return name in KEY_FILE_NAMES or name.endswith((".pem", ".key"))
