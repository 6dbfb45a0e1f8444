"""The job queue: huey carries job ids, the jobs table carries everything else.

``QUEUE_URL`` chooses huey's storage: empty (the default) or ``sqlite:///PATH`` for SqliteHuey in a
file under the instance directory (``make run`` needs nothing more; the server runs the consumer as
a thread); ``redis://HOST:PORT/DB`` for RedisHuey, shared by ``duizhao worker`` processes on several
machines; ``immediate`` runs each job at once inside the submitting process (tests).

A message is only a job id. Running it claims the row first (one conditional UPDATE), so a message
delivered twice, or re-sent when a queue starts, runs the job once.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from app import config
from app.errors import AppError
from app.jobs.registry import get_kind
from app.jobs.runner import run_job
from app.storage import jobs as store
from app.storage.db import make_engine, make_sessionmaker, require_current
from app.storage.models import Job

log = logging.getLogger(__name__)

TASK = "duizhao.run_job"
STALE_TASK = "duizhao.fail_stale"


def queue_kind(url: str) -> str:
    """'sqlite', 'redis' or 'immediate' for a QUEUE_URL."""
    url = (url or "").strip()
    if not url or url.startswith("sqlite:"):
        return "sqlite"
    if url.startswith(("redis://", "rediss://", "unix://")):
        return "redis"
    if url == "immediate":
        return "immediate"
    raise AppError(f"QUEUE_URL must be empty, sqlite:///PATH, redis://HOST:PORT/DB or immediate, not {url!r}")


def sqlite_queue_path(url: str, instance: Path | str | None = None) -> Path:
    """The file of a SqliteHuey queue: ``sqlite:///PATH``, or queue.db in the instance directory."""
    url = (url or "").strip()
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return Path(url[len("sqlite:///"):])
    return Path(instance if instance is not None else config.load()["INSTANCE"]) / "queue.db"


def make_huey(url: str, name: str = "duizhao", instance: Path | str | None = None):
    """The huey instance for ``url`` (see the module docstring); results live in the jobs table."""
    kind = queue_kind(url)
    if kind == "redis":
        return RedisHuey(name, url=url.strip(), results=False)
    if kind == "immediate":
        return MemoryHuey(name, immediate=True, results=False)
    path = sqlite_queue_path(url, instance)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), results=False)


class JobQueue:
    """Submits jobs and runs them. One per process; ``conf`` is ``app.config.load()`` or the Flask
    config (any mapping with DATABASE_URL, QUEUE_URL, JOB_DEDUPE_SECONDS, JOB_STALE_SECONDS).

    ``make_session`` may be the caller's sessionmaker (the web server passes its own); a forked worker
    process builds its own engine from DATABASE_URL.
    """

    def __init__(self, conf: Mapping | None = None, *, make_session: sessionmaker[Session] | None = None,
                 name: str = "duizhao"):
        conf = config.load() if conf is None else conf
        defaults = None if conf.get("DATABASE_URL") and conf.get("INSTANCE") else config.load()
        self.database_url = conf.get("DATABASE_URL") or defaults["DATABASE_URL"]
        self.instance = Path(conf.get("INSTANCE") or defaults["INSTANCE"])
        self.url = conf.get("QUEUE_URL") or ""
        self.kind = queue_kind(self.url)
        self.dedupe_seconds = float(conf.get("JOB_DEDUPE_SECONDS", config.DEFAULTS["JOB_DEDUPE_SECONDS"]))
        self.stale_seconds = float(conf.get("JOB_STALE_SECONDS", config.DEFAULTS["JOB_STALE_SECONDS"]))
        self.heartbeat_seconds = max(0.2, self.stale_seconds / 4)
        self.interval = 0.5
        self.huey = make_huey(self.url, name, self.instance)
        self._given = (os.getpid(), make_session) if make_session is not None else None
        self._own: tuple[int, sessionmaker[Session]] | None = None
        self.task = self.huey.task(name=TASK)(self._execute)
        # Every minute a consumer fails the running jobs whose worker died (not only when a queue starts).
        self.stale_check = self.huey.periodic_task(crontab(), name=STALE_TASK)(self.fail_stale)

    # -- sessions ---------------------------------------------------------------------------------
    def sessionmaker(self) -> sessionmaker[Session]:
        """A sessionmaker valid in this process (after a fork, a new engine)."""
        pid = os.getpid()
        if self._given and self._given[0] == pid:
            return self._given[1]
        if self._own is None or self._own[0] != pid:
            self._own = (pid, make_sessionmaker(make_engine(self.database_url)))
        return self._own[1]

    def dispose(self) -> None:
        """Close this process's own database connections (before forking workers, or at the end)."""
        if self._own is not None and self._own[0] == os.getpid():
            self._own[1].kw["bind"].dispose()
        self._own = None

    # -- submitting -------------------------------------------------------------------------------
    def submit(self, session: Session, kind: str, *, project_id: int | None = None, user_id: int | None = None,
               params: dict | None = None, dedupe_key: str | None = None, send: bool = True) -> tuple[Job, bool]:
        """Queue a job of ``kind`` (or join the one with the same ``dedupe_key``); returns ``(job, created)``.

        The row is added to ``session``, which the caller commits; the job is sent to the queue
        only once that commit happens (a rolled-back submit sends nothing). ``send=False`` keeps it
        out of the queue, for the CLI, which then runs it in the foreground with ``run_here``.
        """
        get_kind(kind)
        job, created = store.create_or_join(session, kind, project_id=project_id, user_id=user_id, params=params,
                                            dedupe_key=dedupe_key, window_seconds=self.dedupe_seconds)
        if created and send:
            self._after_commit(session, job.id)
        return job, created

    def _after_commit(self, session: Session, job_id: int) -> None:
        key = f"duizhao.jobs.pending.{id(self)}"
        pending = session.info.get(key)
        if pending is None:
            pending = session.info[key] = []

            def send(_session):
                ids, pending[:] = list(pending), []
                for ident in ids:
                    self.enqueue(ident)

            def drop(_session):
                pending[:] = []

            event.listen(session, "after_commit", send)
            event.listen(session, "after_rollback", drop)
        pending.append(job_id)

    def enqueue(self, job_id: int) -> None:
        """Send job ``job_id`` (already committed) to the queue."""
        self.task(job_id)

    # -- running ----------------------------------------------------------------------------------
    def _execute(self, job_id: int) -> None:
        run_job(self.sessionmaker(), job_id, interval=self.interval, heartbeat_seconds=self.heartbeat_seconds)

    def run_here(self, job_id: int, on_progress=None) -> str | None:
        """Run a queued job in this process, in the foreground (the CLI, with its progress bar)."""
        return run_job(self.sessionmaker(), job_id, interval=self.interval,
                       heartbeat_seconds=self.heartbeat_seconds, on_progress=on_progress)

    def fail_stale(self) -> list[int]:
        """Fail the running jobs whose worker died (huey runs this every minute in a consumer)."""
        make_session = self.sessionmaker()
        with make_session() as session:
            failed = store.fail_stale(session, self.stale_seconds)
            session.commit()
        if failed:
            log.warning("jobs whose worker died, now failed: %s", ", ".join(map(str, failed)))
        return failed

    def recover(self, *, resend: bool = True) -> tuple[list[int], list[int]]:
        """What a queue does when it starts: fail the running jobs whose worker died, and (``resend``)
        send the queued jobs again, in case their message was lost. Returns (failed ids, resent ids)."""
        make_session = self.sessionmaker()
        require_current(make_session.kw["bind"])
        with make_session() as session:
            failed = store.fail_stale(session, self.stale_seconds)
            session.commit()
            queued = store.queued_ids(session) if resend and self.kind != "immediate" else []
        for ident in queued:
            self.enqueue(ident)
        if failed:
            log.warning("jobs whose worker died, now failed: %s", ", ".join(map(str, failed)))
        return failed, queued
