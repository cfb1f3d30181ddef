"""Helpers of SD311: which URLs name a remote endpoint on a blocked port."""

from __future__ import annotations

import pytest

from spacedoctor.checks.outbound import Target, remote_host, url_targets


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("postgresql://u:p@db.acme.io/x", [Target("postgresql", "db.acme.io", 5432, False)]),
        (
            "postgresql+psycopg2://db.acme.io:6543/x",
            [Target("postgresql", "db.acme.io", 6543, True)],
        ),
        (
            "mongodb://a.acme.io:27018,b.acme.io:27018/x",
            [Target("mongodb", "a.acme.io", 27018, True)],
        ),
        ("rediss://:pw@[2606:4700::1111]:6380", [Target("rediss", "2606:4700::1111", 6380, True)]),
        (
            "see http://api.acme.io:8000/v1 and https://x.acme.io",
            [Target("http", "api.acme.io", 8000, True)],
        ),
        ("https://api.acme.io:443/v1 http://api.acme.io:8080", []),
        ("redis://localhost:6379 redis://127.0.0.1 mysql://10.1.2.3/x redis://redis:6379", []),
        ("postgresql://user:password@host:5432/db postgresql://{}:{}@{}/db", []),
        ("postgresql://db.example.com/x", []),
        ("unknown://db.acme.io:5432", []),
    ],
)
def test_url_targets(text: str, want: list[Target]) -> None:
    assert url_targets(text) == want


def test_remote_host() -> None:
    assert remote_host("smtp.gmail.com")
    assert remote_host("8.8.8.8")
    assert not remote_host("192.168.1.4")
    assert not remote_host("db")
    assert not remote_host("host.docker.internal")
    assert not remote_host(None)
