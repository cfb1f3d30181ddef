"""A hand-built RunResult covering every shape a reporter must handle, for the report tests.

Built by hand (not by auditing a repo) so the golden files change only when a reporter does,
never when a check lands or changes."""

from __future__ import annotations

from spacedoctor.model import (
    CheckError,
    CheckInfo,
    Finding,
    Location,
    Reported,
    RunResult,
    Severity,
    Skipped,
    Target,
)

SD001 = CheckInfo(
    id="SD001",
    name="unused-suppression",
    severity=Severity.INFO,
    target=Target.REPO,
    title="A `# spacedoctor: ignore=` comment suppresses nothing",
    why="The suppression names a check that reports nothing on the line it covers.\n",
    fix="Delete the id from the comment (or the whole comment).\n",
)
SD101 = CheckInfo(
    id="SD101",
    name="frontmatter-missing",
    severity=Severity.CRITICAL,
    target=Target.CARD,
    title="README.md has no valid Space front matter",
    why="A Space is configured by the YAML block at the top of README.md.\n",
    fix=(
        "Start README.md with a block like:\n"
        "  ---\n"
        "  title: My Space\n"
        "  sdk: docker\n"
        "  app_port: 7860\n"
        "  ---\n"
    ),
    references=("https://huggingface.co/docs/hub/spaces-config-reference",),
)
SD204 = CheckInfo(
    id="SD204",
    name="cache-dir-unwritable",
    severity=Severity.CRITICAL,
    target=Target.DOCKERFILE,
    title="A cache directory is not writable by the Space's user",
    why="Docker Spaces run the container as uid 1000, so root-owned paths are read-only.\n",
    fix="Point the cache at a writable folder:\n  ENV HF_HOME=/tmp/hf\n",
    references=(
        "https://huggingface.co/docs/hub/spaces-sdks-docker#permissions",
        "https://huggingface.co/docs/huggingface_hub/package_reference/environment_variables",
    ),
)
SD205 = CheckInfo(
    id="SD205",
    name="port-not-exposed",
    severity=Severity.MEDIUM,
    target=Target.DOCKERFILE,
    title="The app listens on a port other than app_port",
    why="The Hub routes traffic to app_port only.\n",
    fix="Set `app_port` to the port the server binds.\n",
)
SD206 = CheckInfo(
    id="SD206",
    name="cmd-shell-form",
    severity=Severity.LOW,
    target=Target.DOCKERFILE,
    title="CMD uses the shell form",
    why="The shell form wraps the server in /bin/sh -c.\n",
    fix='Use the exec form: CMD ["python", "app.py"]\n',
)
SD302 = CheckInfo(
    id="SD302",
    name="bind-localhost",
    severity=Severity.HIGH,
    target=Target.PYTHON,
    title="The server binds 127.0.0.1",
    why="The Hub reaches the app from outside the container.\n",
    fix='Bind 0.0.0.0: `uvicorn.run(app, host="0.0.0.0")`\n',
)
SD501 = CheckInfo(
    id="SD501",
    name="root-not-ok",
    severity=Severity.HIGH,
    target=Target.LIVE,
    title="The Space's root URL does not answer 200",
    why="The Hub's health check waits for the app to answer on its root URL.\n",
    fix="Serve a page at `/`.\n",
)
SD601 = CheckInfo(
    id="SD601",
    name="runtime-error",
    severity=Severity.HIGH,
    target=Target.RUNTIME,
    title="The Space is in RUNTIME_ERROR",
    why="The container exited or never became healthy.\n",
    fix="Read the container logs: `spacedoctor logs <space>`.\n",
)

CHECKS = (SD001, SD101, SD204, SD205, SD206, SD302, SD501, SD601)


def sample() -> RunResult:
    """Findings at a file with a column, a file with a space in its name, a URL and an API
    field; a finding fix overriding the catalog's, a severity override, evidence, non-ASCII
    text, a multi-line fix; one skipped check, one crashed check, one suppression."""
    findings = [
        Reported(
            SD204,
            Finding(
                "HF_HOME=/root/.cache is owned by root, so uid 1000 cannot write there",
                Location("Dockerfile", 12, 5),
                fix=(
                    "Point the cache at a writable folder:\n"
                    "  ENV HF_HOME=/tmp/hf\n"
                    "  RUN mkdir -p $HF_HOME"
                ),
            ),
            Severity.CRITICAL,
        ),
        Reported(
            SD205,
            Finding("uvicorn binds 8000, app_port is 7860", Location("Dockerfile", 20)),
            Severity.LOW,
        ),
        Reported(
            SD101,
            Finding(
                "README.md has no YAML front matter block (--- ... ---) at its top",
                Location("README.md", 1),
            ),
            Severity.CRITICAL,
        ),
        Reported(
            SD001,
            Finding(
                "suppression of SD302 matches no finding",
                Location("src/my app.py", 3),
                fix="remove `SD302` from the `# spacedoctor: ignore=` comment on line 3",
            ),
            Severity.INFO,
        ),
        Reported(
            SD501,
            Finding(
                "GET / answered 502 Bad Gateway — the app is not listening",
                Location(url="https://demo-space.hf.space/?view=a%20b"),
                evidence="HTTP/1.1 502 Bad Gateway",
            ),
            Severity.HIGH,
        ),
        Reported(
            SD601,
            Finding("stage is RUNTIME_ERROR: exit code 1", Location(field="runtime.stage")),
            Severity.HIGH,
        ),
    ]
    findings.sort(key=Reported.sort_key)
    return RunResult(
        target="examples/demo-space",
        findings=tuple(findings),
        skipped=(Skipped("SD302", "no Python app file found (app_file is unset, no app.py)"),),
        errors=(CheckError("SD206", "check crashed: ValueError: bad port 'abc'"),),
        checks=CHECKS,
        suppressed=1,
    )


def clean() -> RunResult:
    return RunResult(target="examples/clean-space", findings=(), checks=(SD001, SD101, SD204))


def errors_only() -> RunResult:
    return RunResult(
        target="examples/broken",
        findings=(),
        errors=(
            CheckError("SD101", "README.md: cannot read: permission denied"),
            CheckError("dockerfile", "unparsable"),
        ),
        checks=(SD101,),
    )
