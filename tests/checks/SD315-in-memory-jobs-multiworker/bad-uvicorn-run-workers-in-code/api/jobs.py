import uuid


def start_job(text: str, pending: dict) -> str:
    job_id = uuid.uuid4().hex
    pending[job_id] = {"text": text, "status": "queued"}
    return job_id
