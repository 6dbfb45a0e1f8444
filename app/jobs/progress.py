"""Progress of a running job, written to its jobs row in short transactions of its own.

The job's work is one long transaction; progress never joins it (a rollback would take the progress
with it, and on PostgreSQL nobody else would see it before the commit). Writes are throttled: a new
step is written at once, a moving fraction at most every ``interval`` seconds.

On SQLite, a database has one writer at a time: once the job's transaction has written (usually
the *storing* step), a progress write would wait for the job's commit. So there it waits only
``SQLITE_WAIT_MS`` and, if the database is busy, keeps the value for the next write. Job functions
should compute first and store last, reporting *storing* just before they write.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.jobs.registry import JobKind
from app.storage import jobs as store

log = logging.getLogger(__name__)

SQLITE_WAIT_MS = 100
SQLITE_BUSY_MS = 30_000  # the engine's usual busy timeout (app.storage.db.make_engine)


class Progress:
    """Callable as ``progress(step, fraction=0.0)``: ``fraction`` is how far ``step`` is done when the
    kind declared its steps, else how far the whole job is. Progress never moves backwards."""

    def __init__(self, engine: Engine, job_id: int, kind: JobKind | None = None, *, interval: float = 0.5,
                 on_progress: Callable[[str, float], None] | None = None):
        self.engine = engine
        self.job_id = job_id
        self.kind = kind
        self.interval = interval
        self.on_progress = on_progress
        self.step = ""
        self.fraction = 0.0
        self.writes = 0
        self.skipped = 0
        self._written: tuple[str, float] | None = None
        self._last_write = 0.0
        self._lock = threading.Lock()

    def __call__(self, step: str, fraction: float = 0.0) -> None:
        overall = self.kind.overall(step, fraction) if self.kind else None
        if overall is None:
            overall = min(1.0, max(0.0, float(fraction)))
        with self._lock:
            new_step = step != self.step
            self.step = step
            self.fraction = max(self.fraction, overall)
            due = new_step or time.monotonic() - self._last_write >= self.interval or self.fraction >= 1.0
        if self.on_progress is not None:
            self.on_progress(self.step, self.fraction)
        if due:
            self.flush()

    def beat(self) -> None:
        """Write the heartbeat (and any progress not written yet)."""
        self.flush(force=True)

    def flush(self, force: bool = False) -> bool:
        """Write the current step and fraction in a transaction of their own; False if SQLite was busy."""
        with self._lock:
            state = (self.step, self.fraction)
            if state == self._written and not force:
                return True
            self._last_write = time.monotonic()
            sqlite = self.engine.dialect.name == "sqlite"
            try:
                with self.engine.connect() as conn:
                    if sqlite:
                        conn.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_WAIT_MS}")
                        conn.commit()  # else the session below would join this transaction and not commit
                    try:
                        with Session(bind=conn) as session:
                            store.touch(session, self.job_id, step=state[0] or None, progress=state[1])
                            session.commit()
                    finally:
                        if sqlite:
                            conn.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
                            conn.commit()
            except OperationalError as exc:
                if not sqlite:
                    raise
                self.skipped += 1
                log.debug("job %s: progress not written (%s)", self.job_id, exc.orig)
                return False
            self._written = state
            self.writes += 1
            return True


class Heartbeat(threading.Thread):
    """Calls ``progress.beat()`` every ``seconds`` until stopped, so a long step still shows a live worker."""

    def __init__(self, progress: Progress, seconds: float):
        super().__init__(name=f"job-{progress.job_id}-heartbeat", daemon=True)
        self.progress = progress
        self.seconds = seconds
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.seconds):
            try:
                self.progress.beat()
            except Exception:  # a missed heartbeat must not end the job
                log.exception("job %s: heartbeat failed", self.progress.job_id)

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join()
