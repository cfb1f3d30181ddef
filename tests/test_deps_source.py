"""The dependency source: requirement lines with their line numbers, includes, options, URL
forms, markers, pyproject entries, packages.txt, pip commands and the install plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from spacedoctor.sources.deps import (
    Problem,
    Requirement,
    expand_vars,
    install_plan,
    logical_lines,
    lower_bound_at_least,
    parse_install_commands,
    parse_packages_text,
    parse_pyproject_text,
    parse_requirement,
    parse_requirements_text,
    upper_bound_at_most,
)
from spacedoctor.sources.deps_data import canonical, closure
from spacedoctor.sources.repo import Tree
from spacedoctor.sources.space import SpaceContext


def test_continuations_keep_the_first_line_and_comments_do_not_continue() -> None:
    text = "a \\\n  ==1.0\n# note \\\nb\n"
    assert list(logical_lines(text)) == [(1, "a   ==1.0"), (3, " # note \\"), (4, "b")]


def test_requirement_lines_have_their_lines_names_and_specifiers() -> None:
    text = (
        "# comment\n"
        "\n"
        "gradio==4.44.1  # pinned\n"
        "Pillow>=10 ; python_version < '3.13' --hash=sha256:abc\n"
        "torch \\\n"
        "    ==2.5.1\n"
        "huggingface_hub[hf_transfer]\n"
    )
    f = parse_requirements_text(text, "requirements.txt")
    got = [(r.line, r.name, str(r.specifier)) for r in f.requirements]
    assert got == [
        (3, "gradio", "==4.44.1"),
        (4, "pillow", ">=10"),
        (5, "torch", "==2.5.1"),
        (7, "huggingface-hub", ""),
    ]
    assert f.requirements[0].pinned is not None and str(f.requirements[0].pinned) == "4.44.1"
    assert f.requirements[3].extras == frozenset({"hf-transfer"})
    assert f.requirements[3].unversioned
    assert f.problems == []


def test_markers_apply_only_for_a_given_python() -> None:
    lts = parse_requirement("audioop-lts; python_version>='3.13'", "r.txt", 1)
    assert isinstance(lts, Requirement)
    assert lts.applies("3.13") and lts.applies("3.13.1") and not lts.applies("3.12")
    assert lts.applies(None)  # unknown Python: counted


def test_options_includes_and_constraints() -> None:
    text = (
        "--extra-index-url https://download.pytorch.org/whl/cpu\n"
        "-i https://pypi.org/simple\n"
        "-r base.txt\n"
        "-rinline.txt\n"
        "--requirement=other.txt\n"
        "-c constraints.txt\n"
        "-r ../outside.txt\n"
    )
    resolved = {"base.txt", "inline.txt", "other.txt", "constraints.txt"}
    f = parse_requirements_text(text, "requirements.txt", lambda t: t if t in resolved else None)
    assert [(o.line, o.name, o.value) for o in f.options] == [
        (1, "--extra-index-url", "https://download.pytorch.org/whl/cpu"),
        (2, "--index-url", "https://pypi.org/simple"),
    ]
    assert [(i.line, i.target, i.constraint, i.resolved) for i in f.includes] == [
        (3, "base.txt", False, "base.txt"),
        (4, "inline.txt", False, "inline.txt"),
        (5, "other.txt", False, "other.txt"),
        (6, "constraints.txt", True, "constraints.txt"),
        (7, "../outside.txt", False, None),
    ]
    assert f.requirements == []


@pytest.mark.parametrize(
    ("text", "name", "guessed", "editable"),
    [
        ("git+https://github.com/openai/CLIP.git", "clip", True, False),
        ("-e git+https://github.com/x/tool.git@main#egg=my_tool", "my-tool", False, True),
        ("pkg @ git+https://github.com/x/y.git@v1", "pkg", False, False),
        ("https://host/wheels/some_pkg-1.0-py3-none-any.whl", "some-pkg", True, False),
        ("./vendor/thing", None, False, False),
        ("-e .", None, False, True),
    ],
)
def test_url_and_path_forms(text: str, name: str | None, guessed: bool, editable: bool) -> None:
    f = parse_requirements_text(text + "\n", "requirements.txt")
    assert f.problems == []
    (r,) = f.requirements
    assert (r.name, r.guessed, r.editable) == (name, guessed, editable)
    assert r.url is not None or r.name is None or not guessed


def test_unparsable_lines_are_recorded_not_raised() -> None:
    f = parse_requirements_text("good==1\nthis is ~ not a requirement ==\n--requirement\n", "r.txt")
    assert [r.name for r in f.requirements] == ["good"]
    assert [(p.line, p.text) for p in f.problems] == [
        (2, "this is ~ not a requirement =="),
        (3, "--requirement"),
    ]
    assert isinstance(parse_requirement("=== 1", "r.txt", 9), Problem)


def test_pyproject_dependencies_with_lines() -> None:
    text = '[project]\nname = "x"\ndependencies = [\n  "gradio>=5",\n  "torch",\n]\n'
    f = parse_pyproject_text(text)
    assert [(r.line, r.name) for r in f.requirements] == [(4, "gradio"), (5, "torch")]
    assert parse_pyproject_text("not = [toml").error is not None
    assert parse_pyproject_text("[tool.x]\na = 1\n").requirements == []


def test_packages_txt_skips_comments_and_blank_lines() -> None:
    lines = parse_packages_text("# apt\n\nffmpeg\nlibsm6 libxext6  # gl\n")
    assert [(a.line, a.words) for a in lines] == [(3, ("ffmpeg",)), (4, ("libsm6", "libxext6"))]


def test_pip_commands_in_shell() -> None:
    cmd = (
        "apt-get update && pip install --no-cache-dir -r requirements.txt 'torch==2.5.1' "
        "--extra-index-url https://download.pytorch.org/whl/cu124 && "
        "python -m pip install -e . && PIP_NO_CACHE_DIR=1 uv pip install -rextra.txt "
        "&& conda install x"
    )
    got = parse_install_commands(cmd)
    assert [p.packages for p in got.pips] == [["torch==2.5.1"], [], []]
    assert [p.requirement_files for p in got.pips] == [["requirements.txt"], [], ["extra.txt"]]
    assert got.pips[0].options == [("--extra-index-url", "https://download.pytorch.org/whl/cu124")]
    assert got.pips[1].local == ["."]
    assert got.other == ["conda"]
    assert parse_install_commands("echo pip install nothing").pips == []


def test_bounds() -> None:
    assert lower_bound_at_least(SpecifierSet(">=1.0"), "1.0")
    assert lower_bound_at_least(SpecifierSet("==1.*"), "1.0")
    assert not lower_bound_at_least(SpecifierSet(">=0.30"), "1.0")
    assert upper_bound_at_most(SpecifierSet("<5"), "5.0")
    assert upper_bound_at_most(SpecifierSet("~=4.44"), "5.0")
    assert upper_bound_at_most(SpecifierSet("==4.*"), "5.0")
    assert not upper_bound_at_most(SpecifierSet("~=4.44.0,>=4"), "4.44")
    assert not upper_bound_at_most(SpecifierSet(">=4"), "5.0")


def test_names_and_closure() -> None:
    assert canonical("Pillow") == "pillow" and canonical("huggingface_hub") == "huggingface-hub"
    got = closure({"gradio"})
    assert {"numpy", "pandas", "pyyaml", "huggingface-hub", "certifi"} <= got
    assert "torch" not in got


def _space(tmp_path: Path, files: dict[str, str]) -> SpaceContext:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return SpaceContext(Tree.walk(tmp_path))


def test_gradio_plan_reads_both_files_and_includes(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {
            "README.md": "---\nsdk: gradio\n---\n",
            "pre-requirements.txt": "pip==24.0\n",
            "requirements.txt": "-r reqs/base.txt\ntorch\n",
            "reqs/base.txt": "-c ../constraints.txt\nnumpy\n",
            "constraints.txt": "numpy==2.1.0\n",
        },
    )
    plan = install_plan(ctx)
    assert plan.how == "gradio" and plan.complete
    assert [f.path for f in plan.files] == [
        "pre-requirements.txt",
        "requirements.txt",
        "reqs/base.txt",
        "constraints.txt",
    ]
    assert [(r.name, r.constraint) for r in plan.requirements] == [
        ("pip", False),
        ("torch", False),
        ("numpy", False),
        ("numpy", True),
    ]
    assert "gradio" in plan.preinstalled
    assert install_plan(ctx) is plan  # computed once


def test_plan_is_incomplete_when_an_include_leaves_the_space(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {"README.md": "---\nsdk: gradio\n---\n", "requirements.txt": "-r ../x.txt\n"},
    )
    plan = install_plan(ctx)
    assert not plan.complete
    assert plan.incomplete is not None and "../x.txt" in plan.incomplete


def test_expand_vars_uses_arg_and_env_values() -> None:
    env = {"TORCH": "2.5.1"}
    assert expand_vars('pip install "torch==${TORCH}" x==$TORCH', env) == (
        'pip install "torch==2.5.1" x==2.5.1'
    )
    assert (
        expand_vars("pip install ${MISSING:-einops} $UNKNOWN", env) == "pip install einops $UNKNOWN"
    )


def test_docker_plan_reads_what_the_dockerfile_installs(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {
            "README.md": "---\nsdk: docker\n---\n",
            "Dockerfile": (
                "FROM python:3.11-slim\nARG V=2.5.1\nWORKDIR /app\nCOPY requirements.txt .\n"
                'RUN pip install -r requirements.txt && pip install "torch==${V}" einops\n'
                'CMD ["python", "app.py"]\n'
            ),
            "requirements.txt": "fastapi\n",
        },
    )
    plan = install_plan(ctx)
    assert plan.how == "docker" and plan.complete, plan.incomplete
    assert [(r.path, r.line, r.text) for r in plan.requirements] == [
        ("requirements.txt", 1, "fastapi"),
        ("Dockerfile", 5, "torch==2.5.1"),
        ("Dockerfile", 5, "einops"),
    ]
    assert plan.target == "requirements.txt"


@pytest.mark.parametrize(
    ("run", "base", "why"),
    [
        ("pip install -r /tmp/req.txt", "python:3.11-slim", "/tmp/req.txt"),
        ("conda install -y numpy", "python:3.11-slim", "conda"),
        ("pip install $PKGS", "python:3.11-slim", "$PKGS"),
        ("pip install einops", "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", "base image"),
    ],
)
def test_docker_plan_is_incomplete_when_it_cannot_know(
    tmp_path: Path, run: str, base: str, why: str
) -> None:
    ctx = _space(
        tmp_path,
        {
            "README.md": "---\nsdk: docker\n---\n",
            "Dockerfile": f'FROM {base}\nRUN {run}\nCMD ["python", "app.py"]\n',
        },
    )
    plan = install_plan(ctx)
    assert not plan.complete
    assert plan.incomplete is not None and why in plan.incomplete
