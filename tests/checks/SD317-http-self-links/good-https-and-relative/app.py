"""Served at http://me-demo.hf.space behind the proxy (docstrings are not loaded)."""

import os

import requests

SPACE_HOST = os.environ.get("SPACE_HOST")
BASE = f"https://{SPACE_HOST}" if SPACE_HOST else "http://localhost:7860"
CALLBACK = "https://" + os.environ["SPACE_HOST"] + "/oauth/callback"


def fix_scheme(url: str) -> str:
    # Upgrading a URL mentions the http form without loading it.
    if url.startswith(f"http://{SPACE_HOST}"):
        return url.replace("http://", "https://", 1)
    return url.replace(f"http://{SPACE_HOST}", f"https://{SPACE_HOST}")


def ping() -> int:
    # Server-side request: no browser, no mixed content.
    return requests.get("http://me-other.hf.space/health", timeout=5).status_code


def is_insecure(url: str) -> bool:
    return url == "http://me-demo.hf.space"
