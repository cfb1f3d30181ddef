"""The write-site reader: which calls write files, the paths it can know, handled errors, and
which modules the start command runs."""

from __future__ import annotations

from pathlib import Path

from spacedoctor.sources.pyapp import Module, parse_module
from spacedoctor.sources.pywrites import PathValue, runtime_code, write_sites
from spacedoctor.sources.repo import Tree
from spacedoctor.sources.space import SpaceContext


def _module(src: str) -> Module:
    parsed = parse_module("app.py", src.encode())
    assert isinstance(parsed, Module)
    return parsed


def _sites(src: str, home: str = "/home/user") -> list[tuple[int, str, str, bool, bool]]:
    return [
        (s.line, s.op, s.value.text, s.value.complete, s.handled)
        for s in write_sites(_module(src), home)
    ]


def test_open_modes_and_reads() -> None:
    src = (
        "open('a.txt')\n"
        "open('b.txt', 'w')\n"
        "open('c.txt', mode='ab')\n"
        "open('d.txt', 'r+')\n"
        "open(name, 'w')\n"
    )
    assert _sites(src) == [
        (2, "file", "b.txt", True, False),
        (3, "file", "c.txt", True, False),
        (4, "file", "d.txt", True, False),
    ]


def test_paths_through_names_joins_and_fstrings() -> None:
    src = (
        "import os\n"
        "from pathlib import Path\n"
        "OUT = Path('/app/out')\n"
        "(OUT / 'r.json').write_text('x')\n"
        "os.makedirs(os.path.join('/srv', 'data'), exist_ok=True)\n"
        "open(f'/app/out/{name}.png', 'wb')\n"
        "(OUT / name).mkdir()\n"
        "Path('~/notes').expanduser().write_text('x')\n"
    )
    assert _sites(src) == [
        (4, "file", "/app/out/r.json", True, False),
        (5, "mkdir", "/srv/data", True, False),
        (6, "file", "/app/out/", False, False),
        (7, "mkdir", "/app/out/", False, False),
        (8, "file", "/home/user/notes", True, False),
    ]


def test_reassigned_names_stay_unknown() -> None:
    src = "p = '/a'\np = '/b'\nopen(p, 'w')\nfor q in xs:\n    open(q, 'w')\n"
    assert _sites(src) == []


def test_library_writers_and_non_paths() -> None:
    src = (
        "import torch, sqlite3, shutil\n"
        "df.to_csv('out.csv')\n"
        "img.save('x.png')\n"
        "session.save('key')\n"
        "torch.save(model, '/models/m.pt')\n"
        "sqlite3.connect(':memory:')\n"
        "sqlite3.connect('app.db')\n"
        "shutil.copy('a.txt', '/srv/b.txt')\n"
        "model.save_pretrained('ckpt')\n"
    )
    assert [(line, op, text) for line, op, text, _, _ in _sites(src)] == [
        (2, "file", "out.csv"),
        (3, "file", "x.png"),
        (5, "file", "/models/m.pt"),
        (7, "file", "app.db"),
        (8, "file", "/srv/b.txt"),
        (9, "mkdir", "ckpt"),
    ]


def test_handled_errors_are_marked() -> None:
    src = (
        "try:\n"
        "    open('a.txt', 'w')\n"
        "except PermissionError:\n"
        "    open('/tmp/a.txt', 'w')\n"
        "try:\n"
        "    open('b.txt', 'w')\n"
        "except ValueError:\n"
        "    pass\n"
    )
    assert [(line, handled) for line, _, _, _, handled in _sites(src)] == [
        (2, True),
        (4, False),
        (6, False),
    ]


def test_directory_of_path_values() -> None:
    assert PathValue("outputs/x.json", True).directory == "outputs"
    assert PathValue("x.json", True).directory == ""
    assert PathValue("/app/out/", False).directory == "/app/out"
    assert PathValue("run-", False).directory == ""


def _space(tmp_path: Path, files: dict[str, str]) -> SpaceContext:
    for rel, text in {"README.md": "---\nsdk: docker\n---\n", **files}.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return SpaceContext(Tree.walk(tmp_path))


def test_runtime_code_follows_the_start_command_and_imports(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {
            "Dockerfile": (
                "FROM python:3.11\nWORKDIR /srv\nCOPY . .\n"
                'CMD ["uvicorn", "pkg.api:app", "--host", "0.0.0.0", "--port", "7860"]\n'
            ),
            "pkg/__init__.py": "",
            "pkg/api.py": "from pkg import store\nfrom . import util\n",
            "pkg/store.py": "",
            "pkg/util.py": "",
            "train.py": "open('x', 'w')\n",
        },
    )
    code = runtime_code(ctx)
    assert code is not None
    assert sorted(m.path for m in code.modules) == [
        "pkg/__init__.py",
        "pkg/api.py",
        "pkg/store.py",
        "pkg/util.py",
    ]
    assert code.cwd == "/srv"
    assert code.chdir is None


def test_runtime_code_unknown_start(tmp_path: Path) -> None:
    ctx = _space(tmp_path, {"Dockerfile": "FROM python:3.11\nCOPY . .\n", "app.py": ""})
    assert runtime_code(ctx) is None


def test_runtime_code_notes_chdir(tmp_path: Path) -> None:
    ctx = _space(
        tmp_path,
        {
            "Dockerfile": 'FROM python:3.11\nWORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]\n',
            "app.py": "import os\nos.chdir('/tmp')\n",
        },
    )
    code = runtime_code(ctx)
    assert code is not None
    assert [m.path for m in code.modules] == ["app.py"]
    assert code.chdir == ("app.py", 2)


def test_paths_from_file_resolve_to_the_modules_image_path() -> None:
    from spacedoctor.sources.pyapp import parse_module
    from spacedoctor.sources.pywrites import write_sites

    src = (
        b"import os\nfrom pathlib import Path\n"
        b"BASE = os.path.dirname(os.path.abspath(__file__))\n"
        b"os.makedirs(os.path.join(BASE, 'projects'), exist_ok=True)\n"
        b"(Path(__file__).resolve().parent / 'out').mkdir()\n"
    )
    module = parse_module("app.py", src)
    assert not isinstance(module, type(None))
    sites = write_sites(module, "/home/user", "/app/app.py")  # type: ignore[arg-type]
    assert [(s.line, s.value.text) for s in sites] == [(4, "/app/projects"), (5, "/app/out")]
    # Where the module lands in the image is unknown: nothing is guessed.
    assert write_sites(module, "/home/user", None) == []  # type: ignore[arg-type]
