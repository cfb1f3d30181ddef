"""Transcription jobs, shared by the routes (a lock keeps threads apart, not processes)."""

import threading
from collections import defaultdict

LOCK = threading.Lock()
# expect: SD315
TASKS = defaultdict(dict)


def create(task_id: str, filename: str) -> None:
    with LOCK:
        TASKS[task_id]["status"] = "queued"
        TASKS[task_id]["file"] = filename


def finish(task_id: str, text: str) -> None:
    with LOCK:
        TASKS[task_id].update(status="done", text=text)
