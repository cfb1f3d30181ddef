"""Cache locations of a Docker Space: from ENV, start scripts and Python code; and SD204 on
inputs the fixture harness cannot express (configured mount paths)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from spacedoctor.checks.cache_dirs import cache_dir_unwritable
from spacedoctor.config import Settings
from spacedoctor.sources.cachepaths import find_cache_use, start_scripts
from spacedoctor.sources.repo import Tree
from spacedoctor.sources.space import SpaceContext

README = "---\nsdk: docker\n---\n"
SEED_001 = (
    Path(__file__).parent / "checks/SD204-cache-dir-unwritable/bad-seed001-data-without-volume"
)


def space(tmp_path: Path, files: dict[str, str], settings: Settings | None = None) -> SpaceContext:
    files = {"README.md": README, **files}
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return SpaceContext(Tree.walk(tmp_path), settings=settings)


def test_start_script_is_found_through_the_copy(tmp_path: Path) -> None:
    ctx = space(
        tmp_path,
        {
            "Dockerfile": (
                "FROM python\nWORKDIR /srv\nCOPY run/entry.sh /entry.sh\nCOPY . .\n"
                'ENTRYPOINT ["/entry.sh"]\n'
            ),
            "run/entry.sh": "export HF_HOME=/srv/hf\nexec bash ./inner.sh\n",
            "inner.sh": "export TORCH_HOME=$HF_HOME/torch\npython app.py\n",
        },
    )
    image = ctx.require_docker()
    scripts = start_scripts(ctx, image)
    assert [rel for rel, _ in scripts] == ["run/entry.sh", "inner.sh"]
    use = find_cache_use(ctx, image)
    got = {(s.var, s.value, s.path, s.line) for s in use.settings}
    assert got == {
        ("HF_HOME", "/srv/hf", "run/entry.sh", 1),
        ("TORCH_HOME", "/srv/hf/torch", "inner.sh", 1),
    }


def test_python_settings_and_paths(tmp_path: Path) -> None:
    ctx = space(
        tmp_path,
        {
            "Dockerfile": "FROM python\nENV BASE=/opt/cache\n",
            "app.py": """
                import os
                from pathlib import Path

                ROOT = Path(os.environ.get("BASE", "/nope")) / "hf"
                os.environ.update({"HF_HOME": str(ROOT)}, TORCH_HOME="/t")
                os.environ.setdefault("XDG_CACHE_HOME", "/x")
                os.putenv("HF_HUB_CACHE", os.path.join("/a", "b"))
                from huggingface_hub import snapshot_download
                snapshot_download("r", cache_dir=ROOT)
                ROOT.mkdir(parents=True)
            """,
        },
    )
    use = find_cache_use(ctx, ctx.require_docker())
    got = {(s.var, s.value, s.line, s.weak) for s in use.settings}
    assert ("TORCH_HOME", "/t", 5, False) in got
    assert ("XDG_CACHE_HOME", "/x", 6, True) in got
    assert ("HF_HUB_CACHE", "/a/b", 7, False) in got
    assert (None, "/opt/cache/hf", 4, False) in got  # cache_dir= from the assignment on line 4
    assert use.libraries == {"huggingface_hub"}
    assert use.downloads_with_cache_dir == 1 and use.downloads_without_cache_dir == 0
    assert [(o.op, o.target, o.line, o.set_line) for o in use.ops] == [
        ("mkdir", "/opt/cache/hf", 10, 4)
    ]


def test_mount_path_makes_data_writable() -> None:
    ctx = SpaceContext(Tree.walk(SEED_001), settings=Settings(mount_paths=("/data",)))
    assert list(cache_dir_unwritable(ctx)) == []
    ctx = SpaceContext(Tree.walk(SEED_001), settings=Settings())
    assert [f.location.line for f in cache_dir_unwritable(ctx)] == [5]


def test_unknown_owner_is_not_reported(tmp_path: Path) -> None:
    ctx = space(
        tmp_path,
        {
            "Dockerfile": "FROM python\nCOPY --chown=ghost . /app\nENV HF_HOME=/app/.cache\n",
            "app.py": "import transformers\n",
        },
    )
    assert list(cache_dir_unwritable(ctx)) == []


def test_mkdir_calls_record_whether_an_existing_directory_is_fine(tmp_path: Path) -> None:
    ctx = space(
        tmp_path,
        {
            "Dockerfile": 'FROM python\nCOPY start.sh /start.sh\nCMD ["sh", "/start.sh"]\n',
            "start.sh": "mkdir -p /srv/a\nmkdir /srv/b\nmkdir --parents /srv/c\nchmod 777 /srv/a\n",
            "app.py": """
                import os
                from pathlib import Path
                os.makedirs("/srv/d", exist_ok=True)
                os.makedirs("/srv/e", 0o755, True)
                os.makedirs("/srv/f")
                os.mkdir("/srv/g")
                Path("/srv/h").mkdir(parents=True, exist_ok=True)
                Path("/srv/i").mkdir(0o755, True, True)
                Path("/srv/j").mkdir(parents=True)
                os.makedirs("/srv/k", exist_ok=False)
            """,
        },
    )
    use = find_cache_use(ctx, ctx.require_docker())
    got = {(op.op, op.target, op.exist_ok) for op in use.ops}
    assert got == {
        ("mkdir", "/srv/a", True),
        ("mkdir", "/srv/b", False),
        ("mkdir", "/srv/c", True),
        ("chmod", "/srv/a", False),
        ("mkdir", "/srv/d", True),
        ("mkdir", "/srv/e", True),
        ("mkdir", "/srv/f", False),
        ("mkdir", "/srv/g", False),
        ("mkdir", "/srv/h", True),
        ("mkdir", "/srv/i", True),
        ("mkdir", "/srv/j", False),
        ("mkdir", "/srv/k", False),
    }
