"""Document re-checks off the request path: after a save, the document-level checks run in the background.

A save answers at once with its own row's per-link findings (``findings.link_findings_now``); the checks that
look at the whole document (drift, consistency, numbering across rows) follow here, in one thread per process.
Saves that arrive close together share one run: every save that commits before a run starts is in it, and the
next run of the document starts no sooner than ``min_gap`` seconds after the last one started, and no sooner
than its duration allows for the runs to take at most ``max_share`` of the time (a long run, such as one that
re-trains consistency.term's word alignment, spaces the next ones out): whatever the number of reviewers, the
re-checks leave most of the process to the requests. A run after a quiet spell starts at once. The grid asks
again for the row's findings until a run that saw the save has finished (``findings.latest_findings``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from app.services import findings

log = logging.getLogger(__name__)

DELAY_SECONDS = 0.0  # a run waits this long after the save that asks for it
MIN_GAP_SECONDS = 0.5  # at most one run per document this often (a run of 2,000 links: about 0.1 s of CPU)
MAX_SHARE = 0.3  # and the runs of a document take at most this share of the time
WARM_DELAY_SECONDS = 1.0  # a run that only fills the memo (after a stored run was read) waits for the page to go


class Rechecker:
    """The background re-checks of one process: ``request(document_id)`` after a save has committed."""

    def __init__(self, make_session: Callable, delay: float = DELAY_SECONDS, min_gap: float = MIN_GAP_SECONDS,
                 max_share: float = MAX_SHARE):
        self.make_session = make_session
        self.delay, self.min_gap, self.max_share = delay, min_gap, max_share
        self._gap: dict[int, float] = {}  # document id -> the gap its last run's duration asks for
        self._due: dict[int, float] = {}  # document id -> when its pending run may start (monotonic)
        self._last_start: dict[int, float] = {}
        self._failures: dict[int, str] = {}  # document id -> why its last run failed
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._running: int | None = None  # the document being checked now
        self._stopping = False
        self._warm: set[int] = set()  # pending runs that only fill the memo (findings.warm)
        self.runs = 0  # completed runs (for tests and the benchmarks)

    def request(self, document_id: int, warm: bool = False) -> None:
        """Ask for a run that sees everything committed so far (call it after the commit). ``warm``: the findings
        were read from the stored run; run the checks once to fill this process's per-link memo."""
        with self._wake:
            if self._stopping:
                return
            now = time.monotonic()
            if warm:
                if document_id not in self._due:
                    self._warm.add(document_id)
                    self._due[document_id] = now + WARM_DELAY_SECONDS
            elif document_id in self._warm:  # a re-check fills the memo too, and goes at once
                self._warm.discard(document_id)
                self._due.pop(document_id, None)
            if document_id not in self._due:  # a pending run has not started yet: it will see this commit too
                gap = max(self.min_gap, self._gap.get(document_id, 0.0))
                self._due[document_id] = max(now + self.delay, self._last_start.get(document_id, -gap) + gap)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="duizhao-recheck", daemon=True)
                self._thread.start()
            self._wake.notify()

    def stop(self, timeout: float = 30.0) -> None:
        """Let a run in progress finish, drop the pending ones and end the thread (before the engine goes)."""
        with self._wake:
            self._stopping = True
            self._due.clear()
            self._wake.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def failure(self, document_id: int) -> str | None:
        """Why the last run of this document failed, or None."""
        return self._failures.get(document_id)

    def pending(self, document_id: int) -> bool:
        """Whether a run of the document is waiting to start."""
        with self._wake:
            return document_id in self._due

    def busy(self, document_id: int) -> bool:
        """Whether a run of the document is waiting to start or running."""
        with self._wake:
            return document_id in self._due or document_id == self._running

    def _next(self) -> tuple[int, bool] | None:
        with self._wake:
            while not self._stopping:
                now = time.monotonic()
                ready = [d for d, due in self._due.items() if due <= now]
                if ready:
                    doc = min(ready, key=self._due.__getitem__)
                    del self._due[doc]  # a save from now on asks for the next run
                    self._last_start[doc] = now
                    self._running = doc
                    warm = doc in self._warm
                    self._warm.discard(doc)
                    return doc, warm
                wait = min(self._due.values()) - now if self._due else None
                self._wake.wait(timeout=wait)
            return None

    def _loop(self) -> None:
        while True:
            job = self._next()
            if job is None:
                return
            doc, warm = job
            began = time.monotonic()
            try:
                with self.make_session() as session:
                    if warm:
                        findings.warm(session, doc)
                    else:
                        findings.document_findings(session, doc, store=False)
                        if not self.pending(doc):  # the last run of a burst is stored, for a new process
                            findings.store_latest(session, doc)
                self._failures.pop(doc, None)
            except Exception as exc:  # noqa: BLE001 -- a failed run is reported to the grid, never raised in a thread
                log.exception("re-check of document %s failed", doc)
                self._failures[doc] = f"{type(exc).__name__}: {exc}"[:300]
            with self._wake:
                self._running = None
                self._gap[doc] = (time.monotonic() - began) / self.max_share
                self.runs += 1
