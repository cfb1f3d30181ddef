"""The five seed write-ups (/work/shared/seeds) rebuilt as Space repos under tests/stories/.

Each story has a broken/ repo, written the way its authors had it, and a fixed/ one. Both are
audited with every check (and the repo's own .spacedoctor.yaml, if any); the findings must be
exactly the `# expect:` markers (and EXPECT lines) of the broken repo, and none on the fixed one.
The markers follow what really breaks on the platform, not the write-up's diagnosis: where a
write-up is wrong, its class docstring says so. A real problem no check reports yet is listed in
KNOWN_MISSES and asserted by a strict xfail, so it cannot be forgotten nor silently start
passing."""

from __future__ import annotations

import secrets
import shutil
import string
from pathlib import Path

from spacedoctor.config import build_settings, find_config
from spacedoctor.engine import audit
from spacedoctor.registry import load_registry
from tests.fixtures import expected

STORIES = Path(__file__).parent / "stories"
REGISTRY = load_registry()

Key = tuple[str, str, int | None]


def findings(repo: Path) -> set[Key]:
    path, data = find_config(repo, None)
    result = audit(repo, build_settings(data, path), REGISTRY)
    assert result.errors == ()
    return {(r.id, r.finding.location.path, r.finding.location.line) for r in result.findings}


class _Story:
    STORY = ""
    KNOWN_MISSES: frozenset[Key] = frozenset()

    def repo(self, kind: str, tmp_path: Path) -> Path:
        return STORIES / self.STORY / kind

    def test_broken_reports_exactly_the_real_problems(self, tmp_path: Path) -> None:
        repo = self.repo("broken", tmp_path)
        want = expected(STORIES / self.STORY / "broken")
        assert want, "a broken story repo marks at least one finding"
        assert self.KNOWN_MISSES <= want
        assert findings(repo) == want - self.KNOWN_MISSES

    def test_fixed_reports_nothing(self, tmp_path: Path) -> None:
        fixed = STORIES / self.STORY / "fixed"
        assert not expected(fixed), "a fixed story repo carries no markers"
        assert findings(self.repo("fixed", tmp_path)) == set()

    def known_misses_are_found(self, tmp_path: Path) -> None:
        assert self.KNOWN_MISSES
        assert self.KNOWN_MISSES <= findings(self.repo("broken", tmp_path))


class TestVoiceForge(_Story):
    """000: `[Errno 13] Permission denied: '/app/.cache/models--facebook--mms-tts-eng'`, in a repo
    with three Docker Spaces (root, hf-direct/, voiceforge-deploy/).

    Mechanism: the Space runs as uid 1000; `WORKDIR /app` and `RUN mkdir /app/.cache` made root-
    owned directories, so no cache under /app is writable (root and hf-direct/). The write-up's
    fix cannot work: pointing HF_HOME/TRANSFORMERS_CACHE at /app/.cache keeps the cache there;
    `os.chmod('/app/.cache', 0o777)` at runtime fails, since only the owner (root) may chmod;
    and in the root app the settings come after `import transformers`, which has already read
    them (SD305). Its "Option B" (`RUN mkdir -p /app/.cache && chmod 777` at build) does make
    the cache writable (voiceforge-deploy/), but the runtime chmod still crashes the import.
    The STT endpoints run Whisper synchronously (the write-up: "CPU too slow"), past the ~60 s
    gateway on CPU hardware (SD301). The fix: a uid-1000 user with HOME (or HF_HOME in /tmp),
    no runtime chmod, STT as 202 + job polling."""

    STORY = "000-voiceforge-cache"


class TestManualAi(_Story):
    """001: `PermissionError` creating `/data/manual_store/ocr_cache` at import of
    document_loader.py, "although the source has the /tmp fix".

    Mechanism: the source's default is /tmp, but the Dockerfile sets
    `ENV MANUAL_STORE_DIR=/data/manual_store`, which wins over the default on every rebuild, and
    `RUN mkdir -p /data/manual_store` (as root, at build) left a root-owned directory in the
    image. With no volume mounted at /data (persistent storage is gone; a Storage Bucket must be
    mounted), uid 1000 cannot create ocr_cache there; the mkdir runs at module level, so
    MANUAL_DISABLE_OCR and lazy loading changed nothing. The write-up's diagnosis is folklore:
    Python reads a module's bytecode only from the `__pycache__` next to its source (or under
    PYTHONPYCACHEPREFIX) and checks it against the source's mtime and size; a
    `/data/__pycache__/document_loader.cpython-310.pyc` is never loaded for
    /home/user/app/document_loader.py, and deleting storage would not help. The fix: mount a
    bucket at /data (declared in .spacedoctor.yaml) and build nothing under it; the harmless
    bytecode clean-ups stay, and must not be reported."""

    STORY = "001-manualai-data-store"


class TestStrokeDeepIsles(_Story):
    """002: the stroke-deepisles bug tracker (CORS regex, http vs https, 60 s gateway, and the
    open "BUG-004: CORS middleware not applied to mounted StaticFiles").

    Mechanism: the API was its own FastAPI app with CORSMiddleware, mounted at /api, while
    StaticFiles was mounted at /files on the root app, which has no CORS: /api/* answers carry
    Access-Control-Allow-Origin, /files/* do not. The write-up's cause is wrong: middleware
    added to the root app wraps every mount (see test_root_middleware_wraps_mounts below).
    Bug 002 is not fixed either: `--proxy-headers` is uvicorn's default, and uvicorn trusts
    X-Forwarded-Proto only from --forwarded-allow-ips (127.0.0.1), which the Spaces proxy is
    not; result URLs come from request.base_url, so they stay http:// (SD208). Bug 003's 202 +
    polling and the single-worker in-memory job store are right and must not be reported."""

    STORY = "002-stroke-deepisles-cors"


class TestFreeFlow(_Story):
    """003: FreeFlow, a Flask app in a Docker Space that trains on HF Jobs "with the Space's
    token, automatically".

    What breaks: `app.run(port=7860)` binds Flask's default 127.0.0.1, so the proxy never
    reaches it (SD308); the Dockerfile has no uid-1000 user, so HOME is / and downloading the
    trained model back into the Space fails on /.cache/huggingface (SD204); projects are written
    next to app.py (`dirname(abspath(__file__))`), in the root-owned /app (SD310). The
    write-up is wrong that Spaces provide HF_TOKEN and SPACE_AUTHOR: neither is set by the
    platform (the owner's name is SPACE_AUTHOR_NAME; a token must be added
    as a secret), so the code falls back to user "user" and no token, the "401 Unauthorized" of
    its troubleshooting section. No static check can see a missing secret, and none flags the
    misspelt SPACE_AUTHOR: the fixed repo corrects it, the broken one does not mark it."""

    STORY = "003-freeflow-flask-jobs"


class TestPersianTts(_Story):
    """004: a Node/Express backend; `BACKEND/.env` "created with your HuggingFace token (not
    committed to git)".

    What breaks: nothing ignores .env (the root .gitignore lists node_modules, dist, models), so
    `git add .` pushes the token with the Space, public for a public Space (SD505). The rest of
    the summary is sound for a Space: the CORS callback allows exact origins (localhost only when
    NODE_ENV is development, and the Dockerfile sets production), requests without Origin are
    not a CORS matter, downloads run after a 202 with a job id, so the 60 s axios timeout is not
    the gateway's, and the node user is uid 1000, owning the app directory. The token is
    generated at test time: no token-shaped string is committed."""

    STORY = "004-persian-tts-env-token"

    def repo(self, kind: str, tmp_path: Path) -> Path:
        dest = tmp_path / kind
        shutil.copytree(STORIES / self.STORY / kind, dest)
        alphabet = string.ascii_letters + string.digits
        token = "hf_" + "".join(secrets.choice(alphabet) for _ in range(34))
        (dest / "BACKEND" / ".env").write_text(
            "PORT=3001\n"
            "NODE_ENV=development\n"
            f"HUGGINGFACE_TOKEN={token}\n"
            f"JWT_SECRET={secrets.token_hex(16)}\n"
            "CORS_ORIGIN=http://localhost:5173,http://localhost:3000\n",
            encoding="utf-8",
        )
        return dest


def test_every_story_folder_is_tested() -> None:
    tested = {cls.STORY for cls in _Story.__subclasses__()}
    on_disk = {p.name for p in STORIES.iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert tested == on_disk
    for name in on_disk:
        assert {p.name for p in (STORIES / name).iterdir() if p.is_dir()} == {"broken", "fixed"}


# ------------------------------------------------------------------ the platform fact of 002


def _cors_on_files(layout: str, tmp_path: Path) -> str | None:
    from starlette.applications import Starlette
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles
    from starlette.testclient import TestClient

    (tmp_path / "scan.nii.gz").write_bytes(b"\x1f\x8b")
    origin = "https://user-viewer.hf.space"
    files = StaticFiles(directory=str(tmp_path))
    cases = Route("/cases", lambda request: JSONResponse(["a"]))
    if layout == "root":
        app = Starlette(routes=[cases, Mount("/files", files)])
        app.add_middleware(CORSMiddleware, allow_origins=[origin])
    else:
        api = Starlette(routes=[cases])
        api.add_middleware(CORSMiddleware, allow_origins=[origin])
        app = Starlette(routes=[Mount("/api", api), Mount("/files", files)])
    with TestClient(app) as client:
        res = client.get("/files/scan.nii.gz", headers={"Origin": origin})
        assert res.status_code == 200
        return res.headers.get("access-control-allow-origin")


def test_root_middleware_wraps_mounts(tmp_path: Path) -> None:
    """BUG-004's claim is wrong: CORSMiddleware on the root app covers a mounted StaticFiles."""
    assert _cors_on_files("root", tmp_path) == "https://user-viewer.hf.space"


def test_middleware_on_a_sibling_sub_app_does_not(tmp_path: Path) -> None:
    """What the broken repo does: CORS on the /api sub-app leaves /files without the header."""
    assert _cors_on_files("sub-app", tmp_path) is None
