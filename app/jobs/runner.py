"""Running one job: claim it, do its work in one transaction, record done or failed.

Nothing half-stored: the kind's function gets a session whose transaction is committed only when
the function returns, together with ``state='done'``; if it raises, the transaction is rolled back
and the job is failed, with the error in one line, in a transaction of its own. A worker killed
mid-job commits nothing; its job stays *running* until a queue starts again and finds the worker
dead (``app.storage.jobs.fail_stale``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from app.errors import AppError
from app.jobs.progress import Heartbeat, Progress
from app.jobs.registry import get_kind
from app.storage import jobs as store
from app.storage.models import Job

log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    """The one line a failed job shows: an AppError's message, else the exception's type and text."""
    if isinstance(exc, AppError):
        return store.one_line(exc.message)
    text = str(exc)
    return store.one_line(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


def _result(out) -> tuple[int | None, dict]:
    if out is None:
        return None, {}
    if isinstance(out, dict):
        out = dict(out)
        return out.pop("result_id", None), out
    return int(out), {}


def run_job(
    make_session: sessionmaker[Session],
    job_id: int,
    *,
    interval: float = 0.5,
    heartbeat_seconds: float = 10.0,
    on_progress: Callable[[str, float], None] | None = None,
) -> str | None:
    """Run job ``job_id`` here and now; returns its final state, or None if it was not queued
    (another worker has it, or it is over)."""
    with make_session() as session:
        if not store.claim(session, job_id):
            session.rollback()
            return None
        session.commit()

    engine = make_session.kw["bind"]
    progress = Progress(engine, job_id, interval=interval, on_progress=on_progress)
    heartbeat = Heartbeat(progress, heartbeat_seconds)
    work = make_session()
    try:
        job = work.get(Job, job_id)
        kind = get_kind(job.kind)
        progress.kind = kind
        params = store.params_of(job)
        heartbeat.start()
        out = kind.func(work, job, progress, **params)
        heartbeat.stop()
        result_id, result = _result(out)
        store.finish(work, job_id, result_id=result_id, result=result,
                     project_id=result.get("project_id") if job.project_id is None else None)
        work.commit()
    except BaseException as exc:
        heartbeat.stop()
        work.rollback()
        message = describe(exc)
        if isinstance(exc, AppError):
            log.info("job %s failed: %s", job_id, message)
        else:
            log.exception("job %s failed", job_id)
        with make_session() as session:
            store.fail(session, job_id, message)
            session.commit()
        if not isinstance(exc, Exception):
            raise
        return "failed"
    finally:
        heartbeat.stop()
        work.close()
    if on_progress is not None:
        on_progress(progress.step, 1.0)
    return "done"
