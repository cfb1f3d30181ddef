"""Frozen value types shared by every part of spacedoctor: severities, catalog entries, findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is; ordered from worst to mildest."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Larger is worse: info=0 ... critical=4."""
        return _RANK[self]


_RANK = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}


class Target(StrEnum):
    """The input a check reads."""

    CARD = "card"
    DOCKERFILE = "dockerfile"
    PYTHON = "python"
    DEPS = "deps"
    REPO = "repo"
    LIVE = "live"
    RUNTIME = "runtime"
    LOGS = "logs"


#: Targets whose checks run in `spacedoctor audit` (the offline, static ones).
STATIC_TARGETS = frozenset(
    {Target.CARD, Target.DOCKERFILE, Target.PYTHON, Target.DEPS, Target.REPO}
)


@dataclass(frozen=True)
class CheckInfo:
    """One catalog entry: the prose and metadata of a check (from a catalog YAML file)."""

    id: str
    name: str
    severity: Severity
    target: Target
    title: str
    why: str
    fix: str
    references: tuple[str, ...] = ()
    plugin: str = "builtin"


@dataclass(frozen=True)
class Location:
    """Where a finding is: a file position, a URL, or an API field."""

    path: str | None = None
    line: int | None = None
    column: int | None = None
    url: str | None = None
    field: str | None = None

    def sort_key(self) -> tuple[int, str, int, int, str, str]:
        """Files first (by path, line, column), then URLs, then API fields."""
        kind = 0 if self.path is not None else 1 if self.url is not None else 2
        return (
            kind,
            self.path or "",
            self.line or 0,
            self.column or 0,
            self.url or "",
            self.field or "",
        )

    def to_dict(self) -> dict[str, object]:
        if self.path is not None:
            out: dict[str, object] = {"path": self.path, "line": self.line}
            if self.column is not None:
                out["column"] = self.column
            return out
        if self.url is not None:
            return {"url": self.url}
        if self.field is not None:
            return {"field": self.field}
        return {}


@dataclass(frozen=True)
class Finding:
    """What a check yields: a message about this repo's concrete values, and where.

    `fix` overrides the catalog's generic fix with one naming this repo's values;
    `severity` overrides the catalog severity for this one finding (e.g. streamlit vs typo).
    """

    message: str
    location: Location = field(default_factory=Location)
    fix: str | None = None
    severity: Severity | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class Reported:
    """A finding bound to its check, after config (severity overrides) was applied."""

    check: CheckInfo
    finding: Finding
    severity: Severity
    #: Live checks whose findings show this static finding is real on the running app
    #: (`audit PATH --url URL`).
    confirmed_by: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.check.id

    @property
    def fix(self) -> str:
        return self.finding.fix or self.check.fix

    def sort_key(self) -> tuple[tuple[int, str, int, int, str, str], str]:
        return (self.finding.location.sort_key(), self.check.id)


@dataclass(frozen=True)
class Skipped:
    """A check that did not run, and why (its input is absent, or config turned it off)."""

    id: str
    reason: str


@dataclass(frozen=True)
class CheckError:
    """A check or input that failed: reported, and it makes the exit code 2."""

    id: str
    message: str


@dataclass(frozen=True)
class RunResult:
    """Everything one command found; reporters render this and nothing else."""

    target: str
    findings: tuple[Reported, ...]
    skipped: tuple[Skipped, ...] = ()
    errors: tuple[CheckError, ...] = ()
    checks: tuple[CheckInfo, ...] = ()
    suppressed: int = 0

    def worst(self) -> Severity | None:
        if not self.findings:
            return None
        return max((r.severity for r in self.findings), key=lambda s: s.rank)
