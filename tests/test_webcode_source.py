"""Unit tests for the web code source: header writes, library defaults, flask-cors, files."""

from __future__ import annotations

from pathlib import Path

from spacedoctor.sources.pyapp import Module, parse_module
from spacedoctor.sources.repo import RepoFiles, Tree
from spacedoctor.sources.webcode import (
    MAX_FRONTEND_BYTES,
    flask_cors_credentials,
    frontend_files,
    is_test_path,
    literal_headers,
    nginx_headers,
    origin_matches_any,
    secure_headers,
    talisman_headers,
)


def _module(src: str, path: str = "app.py") -> Module:
    mod = parse_module(path, src.encode())
    assert isinstance(mod, Module)
    return mod


def _pairs(headers: object) -> set[tuple[str, str, int]]:
    return {(h.name, h.value, h.line) for h in headers}  # type: ignore[attr-defined]


def test_literal_header_writes_of_every_shape() -> None:
    mod = _module(
        "r.headers['X-Frame-Options'] = 'DENY'\n"
        "r.headers.setdefault('Content-Security-Policy', \"frame-ancestors 'none'\")\n"
        "H = {'Cross-Origin-Opener-Policy': 'same-origin', 'X-Other': 'x'}\n"
        "RAW = [(b'cross-origin-embedder-policy', b'require-corp')]\n"
    )
    assert _pairs(literal_headers(mod)) == {
        ("x-frame-options", "DENY", 1),
        ("content-security-policy", "frame-ancestors 'none'", 2),
        ("cross-origin-opener-policy", "same-origin", 3),
        ("cross-origin-embedder-policy", "require-corp", 4),
    }


def test_reads_asserts_and_non_literals_are_not_writes() -> None:
    mod = _module(
        "v = r.headers.get('X-Frame-Options', 'DENY')\n"
        "assert r.headers['X-Frame-Options'] == 'DENY'\n"
        "assert ('X-Frame-Options', 'DENY') in pairs\n"
        "r.headers['X-Frame-Options'] = policy\n"
    )
    assert list(literal_headers(mod)) == []


def test_talisman_default_and_explicit_options() -> None:
    default = _module("from flask_talisman import Talisman\nTalisman(app)\n")
    assert _pairs(talisman_headers(default)) == {
        ("x-frame-options", "SAMEORIGIN", 2),
        ("content-security-policy", "default-src 'self'; object-src 'none'", 2),
    }
    off = _module(
        "from flask_talisman import Talisman\n"
        "Talisman(app, frame_options=None, content_security_policy={'frame-ancestors': "
        "['https://huggingface.co']})\n"
    )
    assert _pairs(talisman_headers(off)) == {
        ("content-security-policy", "frame-ancestors https://huggingface.co", 2)
    }
    const = _module(
        "import flask_talisman\nt = flask_talisman.Talisman()\n"
        "t.init_app(app, frame_options=flask_talisman.DENY)\n"
    )
    assert ("x-frame-options", "DENY", 3) in _pairs(talisman_headers(const))
    unknown = _module("from flask_talisman import Talisman\nTalisman(app, frame_options=opt)\n")
    assert list(talisman_headers(unknown)) == []


def test_secure_presets_and_middleware_defaults() -> None:
    mod = _module(
        "from secure import Secure, Preset\n"
        "from secure.middleware import SecureASGIMiddleware\n"
        "a = Secure.from_preset(Preset.STRICT)\n"
        "app.add_middleware(SecureASGIMiddleware, secure=a)\n"
        "app.add_middleware(SecureASGIMiddleware)\n"
    )
    got = _pairs(secure_headers(mod))
    assert ("x-frame-options", "DENY", 3) in got
    assert ("cross-origin-embedder-policy", "require-corp", 3) in got
    assert ("x-frame-options", "SAMEORIGIN", 5) in got
    assert not any(line == 4 for _, _, line in got)


def test_flask_cors_credentials_with_any_origin() -> None:
    mod = _module(
        "from flask_cors import CORS\n"
        "CORS(app, supports_credentials=True)\n"
        "CORS(app, origins=['https://a.hf.space'], supports_credentials=True)\n"
        "CORS(app, origins='*', supports_credentials=True, send_wildcard=True)\n"
        "CORS(app, resources={r'/api/*': {'origins': '*', 'supports_credentials': True}})\n"
    )
    assert {(c.line, c.origins) for c in flask_cors_credentials(mod)} == {
        (2, "origins='*' (the default)"),
        (5, "origins='*'"),
    }


def test_origin_patterns() -> None:
    assert origin_matches_any("*")
    assert origin_matches_any(r"https://.*")
    assert not origin_matches_any(r"https://me-[a-z]+\.hf\.space")
    assert not origin_matches_any("https://me.hf.space")


def test_test_paths() -> None:
    assert is_test_path("tests/test_app.py") and is_test_path("conftest.py")
    assert not is_test_path("app.py") and not is_test_path("contest.py")


def test_frontend_files_skip_bundles_and_nginx(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text("const a = 1;\n")
    (tmp_path / "vendor.min.js").write_text("var a=1;\n")
    (tmp_path / "bundle.js").write_text("x" * 5000 + "\n")
    (tmp_path / "big.js").write_text("a\n" * (MAX_FRONTEND_BYTES // 2 + 10))
    (tmp_path / "nginx.conf").write_text(
        "server {\n  add_header X-Frame-Options DENY;\n  add_header X-Other 1;\n}\n"
    )
    repo = RepoFiles(Tree.walk(tmp_path), "")
    assert [f.path for f in frontend_files(repo)] == ["app.js"]
    assert _pairs(nginx_headers(repo)) == {("x-frame-options", "DENY", 2)}
