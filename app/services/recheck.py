"""Document re-checks off the request path: after a save, the document-level checks run in the background.

A save answers at once with its own row's per-link findings (``findings.link_findings_now``); the checks that
look at the whole document (drift, consistency, numbering across rows) follow here, in one thread per process.
Saves that arrive close together share one run: every save that commits before a run starts is in it, and the
next run of the document starts no sooner than ``min_gap`` seconds after the last one started, and no sooner
than its duration allows for the runs to take at most ``max_share`` of the time (a long run, such as one that
re-trains consistency.term's word alignment, spaces the next ones out): whatever the number of reviewers, the
re-checks leave most of the process to the requests. A run after a quiet spell starts at once. The grid asks
again for the row's findings until a run that saw the save has finished (``findings.latest_findings``).

Where the runs go: in this process's thread (``worker_url`` None), or in a worker process of their own on the same
database (``worker_url``; the server's default, setting RECHECK_WORKER). A run holds the interpreter lock for about
0.1 s on a 2,000-link document (0.4 s when it re-trains consistency.term's word alignment); in this process that
time is taken from the requests, and every database call of a request that meets a run waits for the lock again.
The worker process loads the checks' dictionaries once, keeps its own per-link memo and hands back each run's
findings (``findings.run_payload``), which this process unpickles and indexes (about a quarter of a run's time).
With a worker, the complete runs that pages and dismissals wait for go there too (``run_now``).
"""

from __future__ import annotations

import atexit
import io
import logging
import multiprocessing
import multiprocessing.util  # noqa: F401 -- its exit handler (which ends daemonic workers) registered before ours
import pickle
import threading
import time
import weakref
from collections.abc import Callable

from app.checks.base import Finding, collector_paused
from app.services import findings

log = logging.getLogger(__name__)

DELAY_SECONDS = 0.0  # a run waits this long after the save that asks for it
MIN_GAP_SECONDS = 0.5  # at most one run per document this often (a run of 2,000 links: about 0.1 s of CPU)
MAX_SHARE = 0.3  # and the runs of a document take at most this share of the time
WARM_DELAY_SECONDS = 1.0  # a run that only fills the memo (after a stored run was read) waits for the page to go
RUN_NOW_SECONDS = 15.0  # how long a page waits for the worker's run before it runs the checks itself
ANSWER_SECONDS = 300.0  # a worker that has not answered a request in this long is taken for hung and replaced


class _Wire:
    """One direction of the worker's pipe, in which a finding sent before travels as its number: a run hands back
    thousands of findings, of which an edit changes a few, and unpickling them all again would cost this process
    most of what the worker saves it. Findings are immutable, so both sides can keep them; every other object
    travels whole. Both sides start again (``RESET_AFTER``) so that neither keeps old findings for ever."""

    RESET_AFTER = 50_000  # findings known on both sides

    def __init__(self, conn):
        self.conn = conn
        self._sent: dict[int, tuple[int, Finding]] = {}  # id() -> number, finding (kept: its id stays its own)
        self._got: list[Finding] = []  # number -> finding
        self._restart = False

    def send(self, obj) -> None:
        reset = self._restart or len(self._sent) > self.RESET_AFTER
        if reset:
            self._sent, self._restart = {}, False
        sent, new = self._sent, []

        def number(o):
            if type(o) is not Finding:
                return None
            known = sent.get(id(o))
            if known is None:
                known = sent[id(o)] = (len(sent), o)
                new.append(o)
            return known[0]

        try:
            main = io.BytesIO()
            pickler = pickle.Pickler(main, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.persistent_id = number
            pickler.dump(obj)
            self.conn.send_bytes(pickle.dumps((reset, new), protocol=pickle.HIGHEST_PROTOCOL) + main.getvalue())
        except BaseException:
            self._restart = True  # the other side may not have the findings numbered here: both start again
            raise

    def recv(self):
        data = io.BytesIO(self.conn.recv_bytes())
        reset, new = pickle.load(data)  # the findings this message is the first to carry, in number order
        if reset:
            self._got = []
        self._got.extend(new)
        unpickler = pickle.Unpickler(data)
        unpickler.persistent_load = self._got.__getitem__
        return unpickler.load()


class _Worker:
    """The re-check worker process (spawned on first use; a new one after it died), spoken to by one thread."""

    def __init__(self, url: str):
        self.url = url
        self._process = None
        self._conn = None
        self._lock = threading.Lock()
        self._ready = False  # the worker said it has loaded the checks' dictionaries
        self.spawned = 0  # worker processes started so far

    def ready(self) -> bool:
        """Whether the worker is running and has loaded the checks' dictionaries (a page does not wait for a worker
        that is still starting: it runs the checks itself)."""
        if self._ready:
            return self._process is not None and self._process.is_alive()
        if not self._lock.acquire(blocking=False):
            return False
        try:
            if self._conn is not None and self._conn.poll():
                self._take_ready()
        except (EOFError, OSError):
            return False
        finally:
            self._lock.release()
        return self._ready

    def _take_ready(self) -> None:
        status, _value = self._replies.recv()
        self._ready = status == "ready"

    def start(self) -> None:
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._spawn()

    def _spawn(self) -> None:
        if self._conn is not None:
            self._conn.close()
        context = multiprocessing.get_context("spawn")  # not fork: this process has threads and connections
        ours, theirs = context.Pipe()
        self._process = context.Process(target=work, args=(theirs, self.url), name="duizhao-recheck-worker",
                                        daemon=True)
        self._process.start()
        self.spawned += 1
        theirs.close()
        self._conn = ours
        self._replies = _Wire(ours)
        self._ready = False

    def call(self, kind: str, document_id: int):
        """Ask the worker for ``kind`` on a document and wait for its answer; RuntimeError when it failed or died."""
        self.start()
        try:
            with self._lock:
                if not self._ready:
                    self._take_ready()  # waits for the worker's dictionaries the first time
                self._conn.send((kind, document_id))
                if not self._conn.poll(ANSWER_SECONDS):
                    raise TimeoutError(f"no answer in {ANSWER_SECONDS:.0f} s")
                status, value = self._replies.recv()
        except (EOFError, OSError) as exc:  # TimeoutError is an OSError
            self.close(0)
            raise RuntimeError(f"the re-check worker process ended ({type(exc).__name__}: {exc})") from exc
        if status != "ok":
            raise RuntimeError(value)
        return value

    def close(self, timeout: float) -> None:
        with self._lock:
            process, conn = self._process, self._conn
            self._process = self._conn = None
            self._ready = False
        if conn is not None:
            try:
                conn.send(None)
            except OSError:
                pass
            conn.close()
        if process is not None:
            process.join(timeout)
            if process.is_alive():
                process.terminate()
                process.join(5)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None


def work(conn, url: str) -> None:
    """The worker process: run what the server asks on the database ``url``, one request at a time, until the pipe
    closes: ``run`` (every check; the findings handed back), ``warm`` (fill the memo from scratch, the same), ``store``
    (keep the last run in the database for a new process)."""
    import signal

    from app.checks.runner import warm_up
    from app.storage.db import make_engine, make_sessionmaker

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which then ends this process
    logging.basicConfig(level=logging.WARNING)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    warm_up()
    replies = _Wire(conn)
    try:
        replies.send(("ready", None))
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return
            if message is None:
                return
            kind, document_id = message
            try:
                with sessions() as session:
                    if kind == "run":
                        value = findings.run_payload(session, document_id)
                    elif kind == "warm":
                        findings.warm(session, document_id)
                        value = findings.run_payload(session, document_id)
                    elif kind == "store":
                        value = findings.store_latest(session, document_id)
                    else:
                        raise ValueError(f"unknown request {kind!r}")
                reply = ("ok", value)
            except Exception as exc:  # noqa: BLE001 -- reported to the server, which reports it to the grid
                log.exception("re-check %s of document %s failed", kind, document_id)
                reply = ("error", f"{type(exc).__name__}: {exc}"[:300])
            replies.send(reply)
    except OSError:  # the server went (a broken pipe): so does its worker
        return
    finally:
        engine.dispose()


_LIVE: weakref.WeakSet = weakref.WeakSet()  # the re-checkers with a worker process, stopped when Python exits


@atexit.register
def _stop_live() -> None:
    """At exit, before multiprocessing ends the daemonic workers under a run: let the runs finish and the workers
    go (a run in progress otherwise ends in a logged broken connection)."""
    for rechecker in list(_LIVE):
        rechecker.stop(timeout=10)


class Rechecker:
    """The background re-checks of one process: ``request(document_id)`` after a save has committed."""

    def __init__(self, make_session: Callable, delay: float = DELAY_SECONDS, min_gap: float = MIN_GAP_SECONDS,
                 max_share: float = MAX_SHARE, worker_url: str | None = None, url_key: str | None = None):
        """``worker_url``: run the checks in a worker process on this database (the URL with its password);
        ``url_key``: the same URL as this process's findings key it (``str(engine.url)``)."""
        self.make_session = make_session
        self._worker = _Worker(worker_url) if worker_url else None
        self._url_key = url_key
        if self._worker is not None:
            findings.use_worker(url_key, self.run_now)
            _LIVE.add(self)
        self._seq = 0  # runs started so far
        self._done: dict[int, int] = {}  # document id -> the number of its last finished run
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
            self._start_thread()
            self._wake.notify()

    def start(self) -> None:
        """Start the worker process now (a server at start: its dictionaries load before the first save)."""
        if self._worker is not None:
            self._worker.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Let a run in progress finish, drop the pending ones and end the thread and the worker process (before
        the engine goes)."""
        with self._wake:
            self._stopping = True
            self._due.clear()
            self._wake.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        if self._worker is not None:
            findings.use_worker(self._url_key, None, owner=self)
            self._worker.close(timeout)

    def run_now(self, document_id: int, timeout: float = RUN_NOW_SECONDS) -> bool:
        """Run the checks of the document at once (no gap) and wait until a run that started after this call has
        finished; True when it did without failing (its findings are then this process's), False after
        ``timeout``, on a failure or when stopping."""
        if self._worker is None:
            return False
        if not self._worker.ready():
            if self._worker.spawned:
                self._worker.start()  # when it died: a new one, for the next time (this page runs the checks itself)
            return False
        with self._wake:
            if self._stopping:
                return False
            mark = self._seq
            self._warm.discard(document_id)
            self._due[document_id] = time.monotonic()
            self._start_thread()
            self._wake.notify_all()
            deadline = time.monotonic() + timeout
            while self._done.get(document_id, -1) <= mark:
                remaining = deadline - time.monotonic()
                if self._stopping or remaining <= 0:
                    return False
                self._wake.wait(remaining)
            return document_id not in self._failures

    def ready(self) -> bool:
        """Whether the runs can go at once: in this process's thread, or to a worker that has started."""
        return self._worker is None or self._worker.ready()

    def wait_ready(self, timeout: float) -> bool:
        """``ready()``, waiting up to ``timeout`` seconds for it (a server at start, before the reviewers come)."""
        deadline = time.monotonic() + timeout
        while not self.ready():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    @property
    def worker_pid(self) -> int | None:
        """The worker process's id while it runs (None without one)."""
        return self._worker.pid if self._worker is not None else None

    def _start_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="duizhao-recheck", daemon=True)
            self._thread.start()

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

    def _next(self) -> tuple[int, bool, int] | None:
        with self._wake:
            while not self._stopping:
                now = time.monotonic()
                ready = [d for d, due in self._due.items() if due <= now]
                if ready:
                    doc = min(ready, key=self._due.__getitem__)
                    del self._due[doc]  # a save from now on asks for the next run
                    self._running = doc
                    warm = doc in self._warm
                    self._warm.discard(doc)
                    if not warm:  # a warm-up runs once: the gap is between re-checks
                        self._last_start[doc] = now
                    self._seq += 1
                    return doc, warm, self._seq
                wait = min(self._due.values()) - now if self._due else None
                self._wake.wait(timeout=wait)
            return None

    def _loop(self) -> None:
        while True:
            job = self._next()
            if job is None:
                return
            doc, warm, seq = job
            began = time.monotonic()
            try:
                if self._worker is not None:
                    self._run_in_worker(doc, warm)
                else:
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
                if not warm:  # a warm-up runs once; it does not space out the re-checks after it
                    self._gap[doc] = (time.monotonic() - began) / self.max_share
                self.runs += 1
                self._done[doc] = seq
                self._wake.notify_all()

    def _run_in_worker(self, doc: int, warm: bool) -> None:
        started = time.monotonic()  # before the worker reads the document
        with collector_paused():  # unpickling the findings makes many objects and few cycles
            # a warm-up hands its findings back too: they are the stored run's, but the next runs then send only
            # the findings that changed (see _Wire), and pages stop asking for a warm-up
            payload = self._worker.call("warm" if warm else "run", doc)
            with self.make_session() as session:
                findings.install_run(session, doc, payload, started)
        if warm:
            return
        if not self.pending(doc):  # the last run of a burst is stored, for a new process
            self._worker.call("store", doc)
