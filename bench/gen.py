"""A generated monorepo for the scale benchmark: many Spaces, many Python files, big binaries,
deep trees. Deterministic (seeded), so every run audits the same tree."""

from __future__ import annotations

import random
from pathlib import Path

#: The full-size repo the issue names: 20,000 files, 2,000 of them Python, 50 Spaces.
FULL = {"files": 20_000, "python": 2_000, "spaces": 50}

README = """---
title: Space {i}
emoji: 🩺
colorFrom: blue
colorTo: gray
sdk: {sdk}
app_port: 7860
short_description: Generated Space number {i}
---

# Space {i}
"""

DOCKERFILE = """FROM python:3.11-slim
RUN useradd -m -u 1000 user
USER user
ENV HOME=/home/user PATH=/home/user/.local/bin:$PATH
WORKDIR /home/user/app
COPY --chown=user requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=user . .
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "7860"]
"""

APP = """import os
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

app = FastAPI()
app.mount("/static", StaticFiles(directory="static"), name="static")


@app.get("/")
def root() -> dict[str, str]:
    return {{"space": "{i}", "cache": os.environ.get("HF_HOME", "")}}
"""

MODULE = '''"""Generated module {n}."""

import json
import os
from dataclasses import dataclass


@dataclass
class Record{n}:
    name: str
    value: int = {n}

    def to_json(self) -> str:
        return json.dumps({{"name": self.name, "value": self.value}})


def load_{n}(path: str) -> list[Record{n}]:
    out = []
    with open(os.path.join(path, "data.json"), encoding="utf-8") as fh:
        for i, row in enumerate(json.load(fh)):
            if i % 2:
                out.append(Record{n}(str(row), i))
    return out
'''


def generate(root: Path, files: int, python: int, spaces: int, seed: int = 0) -> dict[str, int]:
    """Write a monorepo of about `files` files (`python` of them .py, `spaces` Spaces) under
    `root`; returns what was written. Big binaries are sparse files (no disk used)."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    written = {"files": 0, "python": 0, "spaces": spaces, "bytes": 0}

    def put(rel: str, content: str | bytes) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        path.write_bytes(data)
        written["files"] += 1
        written["bytes"] += len(data)
        if rel.endswith(".py"):
            written["python"] += 1

    put("README.md", "# A monorepo of Spaces\n")
    put(".gitignore", "__pycache__/\n*.pyc\n.venv/\n")
    per_space_py = max(1, (python - spaces) // spaces)
    per_space_other = max(0, (files - python - spaces * 6) // spaces)
    for i in range(spaces):
        base = f"spaces/space-{i:03d}/"
        sdk = "docker" if i % 3 else "gradio"
        put(base + "README.md", README.format(i=i, sdk=sdk))
        put(base + "requirements.txt", "fastapi==0.115.0\nuvicorn[standard]==0.30.0\n")
        if sdk == "docker":
            put(base + "Dockerfile", DOCKERFILE)
        put(base + "app.py", APP.format(i=i))
        put(base + "static/index.html", f"<html><body>Space {i}</body></html>\n")
        for j in range(per_space_py):
            depth = rng.randint(0, 4)
            folder = "".join(f"pkg{d}/" for d in range(depth))
            put(f"{base}src/{folder}mod_{j}.py", MODULE.format(n=i * 1000 + j))
        for k in range(per_space_other):
            kind = rng.choice(["json", "md", "txt", "css", "js"])
            put(f"{base}assets/a{k % 10}/file_{k}.{kind}", f"item {k} of space {i}\n" * 3)
        # A model weight per Space, sparse: the audit must look at its size, never read it.
        with open(root / (base + "model.safetensors"), "wb") as fh:
            fh.truncate(rng.choice([50, 200, 600]) << 20)
        written["files"] += 1
    # A deep tree: 120 nested folders with a file at the bottom.
    deep = "".join(f"d{n}/" for n in range(120))
    put("tools/" + deep + "leaf.py", MODULE.format(n=999_999))
    # Whatever is left of the file budget: flat shared data.
    while written["files"] < files:
        n = written["files"]
        put(f"shared/data/{n % 50}/row_{n}.json", f'{{"row": {n}}}\n')
    return written
