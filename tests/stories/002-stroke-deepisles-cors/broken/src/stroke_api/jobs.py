"""In-memory job store: POST returns 202 at once, the frontend polls (bug 003)."""

import threading
import time
import uuid
from dataclasses import dataclass, field


@dataclass
class Job:
    id: str
    case_id: str
    fast_mode: bool
    status: str = "pending"
    progress: int = 0
    progress_message: str = "Queued"
    result: dict | None = None
    error: str | None = None
    created: float = field(default_factory=time.time)


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def create_job(case_id: str, fast_mode: bool) -> Job:
    job = Job(uuid.uuid4().hex[:12], case_id, fast_mode)
    with _lock:
        _jobs[job.id] = job
    return job


def get_job(job_id: str) -> Job | None:
    with _lock:
        return _jobs.get(job_id)


def count() -> int:
    with _lock:
        return len(_jobs)
