"""Long work as background jobs (issue 13): a huey queue, the jobs table, progress and recovery.

Imports point down: app.storage, app.errors and app.config, never flask, the web, the services or
the CLI. The public API:

- ``register(name, func, steps=…)``: a job kind (see ``registry``);
- ``JobQueue(conf)``: ``submit(session, kind, …, dedupe_key=…)``, ``run_here(job_id)``, ``recover()``;
- ``start_consumer(queue)`` / ``stop_consumer(consumer)``: threads in the server's process;
- ``run_worker(conf)``: the ``duizhao worker`` command's consumer processes;
- ``content_key(*parts)``: a dedupe key from a form token or the submitted files.
"""

from __future__ import annotations

import hashlib

from app.jobs.consumer import run_worker, start_consumer, stop_consumer
from app.jobs.progress import Progress
from app.jobs.queue import JobQueue, make_huey, queue_kind
from app.jobs.registry import KINDS, STEPS, JobKind, get_kind, register, unregister
from app.jobs.runner import describe, run_job


def content_key(*parts: bytes | str | int | None) -> str:
    """A dedupe key: the SHA-256 of ``parts`` (the kind's scope, e.g. project id and user id, then a
    form token or the files' bytes)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


__all__ = [
    "KINDS", "STEPS", "JobKind", "JobQueue", "Progress", "content_key", "describe", "get_kind", "make_huey",
    "queue_kind", "register", "run_job", "run_worker", "start_consumer", "stop_consumer", "unregister",
]
