"""Query functions over the jobs table (issue 13). None of them commits: the caller owns the session.

The life of a job: ``create_or_join`` (queued) → ``claim`` (running, with the worker's host and pid)
→ ``touch`` (progress, step, heartbeat; any number of times) → ``finish`` (done) or ``fail`` (failed).
``claim`` is one conditional UPDATE, so a job whose message was delivered twice runs once.
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.storage.models import Job, JobFile, utcnow

ACTIVE = ("queued", "running")
RESULT_ROLE = "result"  # a file a job wrote (an export); every other role is an input, deleted when the job ends
MESSAGE_CHARS = 500


def one_line(text: str, limit: int = MESSAGE_CHARS) -> str:
    """``text`` on one line (whitespace runs collapsed), cut to ``limit`` characters."""
    line = re.sub(r"\s+", " ", str(text)).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def this_host() -> str:
    return socket.gethostname()


def params_of(job: Job) -> dict:
    return json.loads(job.params or "{}")


def result_of(job: Job) -> dict:
    return json.loads(job.result or "{}")


def _active_with_key(session: Session, kind: str, key: str, since: datetime | None) -> Job | None:
    """The newest job of ``kind`` with ``key`` that is queued or running, or done since ``since``."""
    alive = Job.state.in_(ACTIVE)
    if since is not None:
        alive = or_(alive, (Job.state == "done") & (Job.created_at >= since))
    return session.scalar(
        select(Job).where(Job.kind == kind, Job.dedupe_key == key, alive).order_by(Job.id.desc()).limit(1)
    )


def create_or_join(
    session: Session,
    kind: str,
    *,
    project_id: int | None = None,
    user_id: int | None = None,
    params: dict | None = None,
    dedupe_key: str | None = None,
    window_seconds: float = 600,
) -> tuple[Job, bool]:
    """A new queued job, or the one a second submit joins; returns ``(job, created)``.

    With a ``dedupe_key``, a job of the same kind and key that is queued or running, or that finished
    well within the last ``window_seconds``, is returned instead of a new one (a failed one is not: a
    retry starts afresh). The partial unique index on (kind, dedupe_key) settles two submits racing
    each other: the loser's insert fails alone and it joins the winner.
    """
    if dedupe_key:
        since = utcnow() - timedelta(seconds=window_seconds)
        found = _active_with_key(session, kind, dedupe_key, since)
        if found is not None:
            return found, False
    values = {"kind": kind, "project_id": project_id, "user_id": user_id, "state": "queued",
              "params": json.dumps(params or {}, ensure_ascii=False, sort_keys=True), "dedupe_key": dedupe_key or None}
    try:
        # A Core insert that fails leaves SQLite's transaction usable (the statement alone is undone);
        # PostgreSQL aborts the whole transaction, so there it runs in a savepoint. (Not on SQLite:
        # pysqlite's savepoints commit the caller's transaction.)
        if session.get_bind().dialect.name == "sqlite":
            job_id = session.execute(insert(Job).values(**values)).inserted_primary_key[0]
        else:
            with session.begin_nested():
                job_id = session.execute(insert(Job).values(**values)).inserted_primary_key[0]
    except IntegrityError:
        found = _active_with_key(session, kind, dedupe_key, None) if dedupe_key else None
        if found is None:
            raise
        return found, False
    return session.get(Job, job_id), True


def claim(session: Session, job_id: int, *, host: str | None = None, pid: int | None = None) -> bool:
    """Mark a queued job running on this worker; False if another worker has it or it is over."""
    now = utcnow()
    res = session.execute(
        update(Job).where(Job.id == job_id, Job.state == "queued")
        .values(state="running", started_at=now, heartbeat_at=now, worker_host=host or this_host(),
                worker_pid=pid if pid is not None else os.getpid(), message="")
        .execution_options(synchronize_session=False)
    )
    return res.rowcount == 1


def touch(session: Session, job_id: int, *, step: str | None = None, progress: float | None = None) -> None:
    """Record a running job's step and progress (0..1) and that its worker is alive."""
    values: dict = {"heartbeat_at": utcnow()}
    if step is not None:
        values["step"] = step[:40]
    if progress is not None:
        values["progress"] = min(1.0, max(0.0, float(progress)))
    session.execute(update(Job).where(Job.id == job_id, Job.state == "running").values(**values)
                    .execution_options(synchronize_session=False))


def finish(session: Session, job_id: int, *, result_id: int | None = None, result: dict | None = None,
           message: str = "", project_id: int | None = None) -> None:
    """Mark a job done and drop its input files; called in the job's own work transaction, so both commit
    or neither. ``project_id``: the project the job made (an import into a new project), when it had none."""
    values = {"state": "done", "progress": 1.0, "finished_at": utcnow(), "result_id": result_id,
              "result": json.dumps(result or {}, ensure_ascii=False, sort_keys=True), "message": one_line(message)}
    if project_id is not None:
        values["project_id"] = project_id
    session.execute(update(Job).where(Job.id == job_id).values(**values).execution_options(synchronize_session=False))
    drop_inputs(session, job_id)


def fail(session: Session, job_id: int, message: str) -> None:
    """Mark a job failed with a one-line message (a job that is already over stays as it is)."""
    session.execute(
        update(Job).where(Job.id == job_id, Job.state.in_(ACTIVE))
        .values(state="failed", finished_at=utcnow(), message=one_line(message) or "failed")
        .execution_options(synchronize_session=False)
    )
    drop_inputs(session, job_id)


# -- files: what a job reads (uploads) and writes (exports), reachable from a worker on another machine --

def add_file(session: Session, job_id: int, role: str, filename: str, data: bytes, mimetype: str = "") -> JobFile:
    """Keep ``data`` for job ``job_id``: an input (``role`` zh, en, file…) or its ``result``."""
    row = JobFile(job_id=job_id, role=role[:20], filename=(filename or "")[:300], mimetype=mimetype[:120], data=data)
    session.add(row)
    session.flush()
    return row


def files_of(session: Session, job_id: int, role: str | None = None) -> list[JobFile]:
    """Job ``job_id``'s files (of ``role``), in the order they were added."""
    query = select(JobFile).where(JobFile.job_id == job_id).order_by(JobFile.id)
    if role is not None:
        query = query.where(JobFile.role == role)
    return list(session.scalars(query))


def drop_inputs(session: Session, job_id: int) -> None:
    """Delete the files a job read (its result file stays with the job)."""
    session.execute(delete(JobFile).where(JobFile.job_id == job_id, JobFile.role != RESULT_ROLE)
                    .execution_options(synchronize_session=False))


def pid_alive(pid: int) -> bool:
    """True when a process ``pid`` exists on this host (a zombie counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return True


def stale_jobs(session: Session, stale_seconds: float, host: str | None = None) -> list[Job]:
    """Running jobs whose worker died: on this host, its pid is gone; elsewhere, no heartbeat for
    ``stale_seconds``."""
    host = host or this_host()
    cutoff = utcnow() - timedelta(seconds=stale_seconds)
    dead = []
    for job in session.scalars(select(Job).where(Job.state == "running").order_by(Job.id)):
        if job.worker_host == host and job.worker_pid is not None:
            if not pid_alive(job.worker_pid):
                dead.append(job)
        elif job.heartbeat_at is None or _aware(job.heartbeat_at) < cutoff:
            dead.append(job)
    return dead


def fail_stale(session: Session, stale_seconds: float, host: str | None = None) -> list[int]:
    """Fail the running jobs whose worker died (see ``stale_jobs``); returns their ids."""
    ids = []
    for job in stale_jobs(session, stale_seconds, host):
        where = f"{job.worker_host} pid {job.worker_pid}" if job.worker_pid else (job.worker_host or "unknown")
        fail(session, job.id, f"the worker ({where}) stopped before the job finished; nothing was stored")
        ids.append(job.id)
    return ids


def queued_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Job.id).where(Job.state == "queued").order_by(Job.id)))


def get_job(session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def recent_jobs(
    session: Session,
    project_ids: Iterable[int] | None,
    *,
    limit: int = 50,
    kinds: Iterable[str] | None = None,
    states: Iterable[str] | None = None,
    user_id: int | None = None,
) -> list[Job]:
    """The newest jobs of these projects (None: every project, for admins), newest first; ``user_id``: also
    that user's jobs that have no project yet (an import into a new project)."""
    query = select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)
    if project_ids is not None:
        mine = (Job.project_id.is_(None) & (Job.user_id == user_id)) if user_id is not None else None
        in_projects = Job.project_id.in_(list(project_ids))
        query = query.where(in_projects if mine is None else or_(in_projects, mine))
    if kinds is not None:
        query = query.where(Job.kind.in_(list(kinds)))
    if states is not None:
        query = query.where(Job.state.in_(list(states)))
    return list(session.scalars(query))


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
