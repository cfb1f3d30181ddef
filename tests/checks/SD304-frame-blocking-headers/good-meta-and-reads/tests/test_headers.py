from fastapi.testclient import TestClient

from main import app


def test_no_framing_header() -> None:
    r = TestClient(app).get("/")
    assert r.headers.get("x-frame-options") != "DENY"
    expected = {"X-Frame-Options": "DENY"}
    assert "X-Frame-Options" not in r.headers or expected
