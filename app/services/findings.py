"""Findings of the QA checks on a stored document, placed on its links and segments."""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
import zlib
from bisect import bisect_left
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from app.checks.base import Finding, collector_paused, dump_findings, load_findings
from app.checks.runner import PER_LINK_CHECKS, check_document
from app.errors import InputError
from app.model import Severity, has_codes, plain_offsets, plain_text, review_row
from app.services.auth import require
from app.services.glossary import term_entries
from app.storage import access, queries
from app.storage.models import (
    AlignmentChange,
    CheckRun,
    Dismissal,
    Document,
    Glossary,
    Link,
    LinkSegment,
    Revision,
    Segment,
    Term,
    TermChange,
    User,
)
from app.terminology.matching import CompiledGlossary, compile_glossary

log = logging.getLogger(__name__)


@dataclass
class DocumentFindings:
    """All open findings of a document, indexed for the review grid.

    Glossary highlights are computed on demand for the segments a page shows (``prepare_marks``).
    """

    findings: list[Finding]
    by_link: dict[int, list[Finding]] = field(default_factory=dict)  # link id -> findings
    zh_spans: dict[int, list[tuple[int, int, Finding]]] = field(default_factory=dict)  # segment id -> spans
    en_spans: dict[int, list[tuple[int, int, Finding]]] = field(default_factory=dict)
    glossary_size: int = 0
    marks: dict[int, list[tuple[int, int, str, str]]] = field(default_factory=dict)  # segment id -> highlights
    compiled: CompiledGlossary | None = None
    versions: dict[int, int] = field(default_factory=dict)  # segment id -> the version these findings saw
    pending: bool = False  # only one link's per-link checks: the document-level checks have not run yet
    from_store: bool = False  # read from the document's stored run (this process has no per-link memo of it)
    layout: tuple = ()  # (zh segment ids, en segment ids, link ids, shape) the findings are placed on

    def saw(self, segment_id: int, version: int) -> bool:
        """Whether these findings saw the segment at ``version`` or later."""
        return not self.pending and self.versions.get(segment_id, -1) >= version

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for f in self.findings:
            out[f.check] += 1
        return dict(sorted(out.items()))

    def flagged_links(self) -> set[int]:
        return {link_id for link_id, found in self.by_link.items() if found}

    def prepare_marks(self, segments) -> DocumentFindings:
        """Highlights for these segments: Chinese terms underlined; English renderings by role; finding spans."""
        for seg in segments:
            if seg.id in self.marks:
                continue
            marks = []
            # glossary matching sees the text without inline codes; its spans are moved onto the coded text
            plain, where = plain_offsets(seg.text)
            if self.compiled is not None and seg.side == "zh":
                for m in self.compiled.match_zh(plain):
                    e = self.compiled.entries[m.entry]
                    title = f"{'/'.join(e.zh)} → {e.en}" + (f" (also: {', '.join(e.variants)})" if e.variants else "")
                    if e.note:
                        title += f" · {e.note}"
                    marks.append((where[m.start], where[m.end - 1] + 1, "term", title))
            elif self.compiled is not None:
                for m in self.compiled.match_en(plain):
                    e = self.compiled.entries[m.entry]
                    if m.role == "forbidden":
                        cls, title = "term-bad", f"forbidden rendering of {'/'.join(e.zh)}; use '{e.en}'"
                    elif m.problem:
                        cls, title = "term-form", f"{'/'.join(e.zh)} → '{e.en}': {m.problem}"
                    else:
                        cls, title = "term-ok", f"{m.role} rendering of {'/'.join(e.zh)} ('{e.en}')"
                    marks.append((where[m.start], where[m.end - 1] + 1, cls, title))
            spans = self.zh_spans if seg.side == "zh" else self.en_spans
            for start, end, f in spans.get(seg.id, ()):
                marks.append((start, end, f"finding sev-{f.severity}", f"{f.check}: {f.message}"))
            self.marks[seg.id] = marks
        return self


@dataclass(frozen=True)
class _Seg:
    id: int
    side: str
    position: int
    text: str



DRIFT_CHECKS = ("term.drift", "consistency.term", "consistency.name")  # the Term drift page

def _document_text(session: Session, document_id: int):
    """Current paragraphs of both sides, the link ids in order, the links as index tuples over the
    paragraphs and each link's review row (plain rows, no ORM objects: this runs on every page of the
    review screen)."""
    doc = queries.get_or_404(session, Document, document_id, "document")
    rows = session.execute(
        select(Segment.id, Segment.side, Segment.position, Segment.text)
        .where(Segment.document_id == doc.id, Segment.level == "paragraph", Segment.retired.is_(False))
        .order_by(Segment.side, Segment.position))
    zh, en = [], []
    for row in rows:
        (zh if row.side == "zh" else en).append(_Seg(row.id, row.side, row.position, row.text))
    index = {s.id: i for i, s in enumerate(zh)} | {s.id: i for i, s in enumerate(en)}
    sides = {s.id: "zh" for s in zh} | {s.id: "en" for s in en}
    members: dict[int, list[int]] = {}
    order: list[int] = []
    rows: list[int] = []
    for link_id, position, seg_id in session.execute(
            select(Link.id, Link.position, LinkSegment.segment_id).join(LinkSegment, LinkSegment.link_id == Link.id)
            .where(Link.document_id == doc.id, Link.level == "paragraph").order_by(Link.position)):
        if link_id not in members:
            members[link_id] = []
            order.append(link_id)
            rows.append(review_row(position))
        members[link_id].append(seg_id)
    shape = []
    for link_id in order:
        segs = [sid for sid in members[link_id] if sid in index]
        shape.append((tuple(sorted(index[sid] for sid in segs if sides[sid] == "zh")),
                      tuple(sorted(index[sid] for sid in segs if sides[sid] == "en"))))
    return doc, zh, en, order, shape, rows


def glossary_candidates(session: Session, document_id: int, limit: int = 100):
    """Glossary candidates discovered in the document, drifting ones first (terms already in the glossary
    are reported too, flagged as such)."""
    from app.terminology.discovery import discover_terms

    doc, zh, en, _links, shape, _rows = _document_text(session, document_id)
    entries = term_entries(queries.project_glossary(session, doc.project_id), include_proposed=True)
    return discover_terms([plain_text(s.text) for s in zh], [plain_text(s.text) for s in en], shape, entries,
                          limit=limit)


# Results are cached per process, keyed by the database, the document and a fingerprint of everything the
# checks read (text versions, links, alignment edits, dismissals, glossary changes); per-link check results
# are cached per glossary, so a save re-checks one link and the document-level checks only.
_LOCK = threading.Lock()
_RESULTS: OrderedDict = OrderedDict()
_PAIR_CACHES: OrderedDict = OrderedDict()
MAX_DOCUMENTS, MAX_GLOSSARIES, MAX_PAIRS = 16, 4, 200_000


def _fingerprint(session: Session, doc: Document) -> tuple:
    segs = session.execute(select(func.count(Segment.id), func.max(Segment.id), func.sum(Segment.version))
                           .where(Segment.document_id == doc.id)).one()
    last_revision = session.scalar(select(func.max(Revision.created_at)).where(Revision.document_id == doc.id))
    links = session.execute(select(func.count(LinkSegment.segment_id), func.max(Link.id))
                            .join(LinkSegment, LinkSegment.link_id == Link.id)
                            .where(Link.document_id == doc.id)).one()
    moves = tuple(session.execute(select(func.max(AlignmentChange.id), func.max(AlignmentChange.created_at))
                                  .where(AlignmentChange.document_id == doc.id)).one())
    dismissed = session.execute(
        select(func.count(Dismissal.id), func.max(Dismissal.id), func.max(Dismissal.created_at))
        .where(Dismissal.document_id == doc.id)).one()
    # creation times make the key unique even when a database is emptied and its ids start again
    return (doc.created_at, tuple(segs), last_revision, tuple(links), moves, tuple(dismissed),
            _glossary_fingerprint(session, doc.project_id))


def _glossary_fingerprint(session: Session, project_id: int) -> tuple:
    return tuple(session.execute(
        select(func.count(TermChange.id), func.max(TermChange.id), func.max(TermChange.created_at),
               func.min(Glossary.created_at))
        .join(Term, Term.id == TermChange.term_id).join(Glossary, Glossary.id == Term.glossary_id)
        .where(Glossary.project_id == project_id)).one())


def _cached(cache: OrderedDict, key, limit: int):
    value = cache.get(key)
    if value is not None:
        cache.move_to_end(key)
    while len(cache) > limit:
        cache.popitem(last=False)
    return value


def document_findings(session: Session, document_id: int, checks: list[str] | None = None,
                      store: bool = True) -> DocumentFindings:
    """Run the checks over the document's current text with its project's approved glossary (cached in the
    process; a complete run, every check, is also stored in the database and read back by a new process). With a
    re-check worker process (services/recheck.py), a complete run that is not stored goes there.
    ``store`` False: a complete run is not stored (the background re-checks store only the last of a burst)."""
    doc = queries.get_or_404(session, Document, document_id, "document")
    url = str(session.get_bind().url)
    fingerprint = _fingerprint(session, doc)
    key = (url, doc.id, tuple(checks) if checks else None)
    with _LOCK:
        hit = _cached(_RESULTS, key, MAX_DOCUMENTS)
    if hit is not None and hit[0] == fingerprint:
        return hit[1]
    with _compute_lock(key):  # one run per document at a time: saves arriving together share the next run
        started, fingerprint, kept = _kept_now(session, doc, key)  # this request's own save included
        if kept is not None:
            return kept
        complete = checks is None  # a complete run (every check) is what is stored
        result = _stored_run(session, doc, url, fingerprint) if complete else None
        if result is None and complete and _worker_ran(url, doc.id):
            # the worker's run started after this call, so it saw at least this state: when nothing changed since,
            # it is this state's findings
            started, fingerprint, kept = _kept_now(session, doc, key)
            if kept is not None:
                return kept
        computed = result is None
        if computed:
            with collector_paused():  # see there: a quarter of a re-check's time otherwise
                result = _compute(session, doc, checks, url, fingerprint)
        _keep(key, fingerprint, result, started)
    if computed and complete and store:
        store_run(session, doc.id, fingerprint, result)
    return result


def _kept_now(session: Session, doc: Document, key):
    """When the document's state was read (monotonic), that state's fingerprint, and the findings kept in this
    process when they are that state's (else None)."""
    started = time.monotonic()
    fingerprint = _fingerprint(session, doc)
    with _LOCK:
        hit = _RESULTS.get(key)
    return started, fingerprint, hit[1] if hit is not None and hit[0] == fingerprint else None


def _keep(key, fingerprint: tuple, result: DocumentFindings, started: float) -> None:
    """Keep ``result`` as the document's findings in this process unless the ones kept come from a run that read
    the database later (``started``: monotonic time before the run read the document's state)."""
    with _LOCK:
        hit = _RESULTS.get(key)
        if hit is None or hit[2] <= started:
            _RESULTS[key] = (fingerprint, result, started)


# ---- The re-check worker process (services/recheck.py): complete runs go there, their findings come back. ----

_WORKERS: dict[str, object] = {}  # database URL -> run_now(document id) -> bool of the process's re-checker


def use_worker(url: str, run_now, owner=None) -> None:
    """Send this process's complete runs on the database ``url`` to a re-check worker: ``run_now(document_id)``
    runs the checks there, puts the findings here (``install_run``) and returns True when it did; None stops
    (only when ``owner``, the re-checker that registered, is still the one registered)."""
    with _LOCK:
        if run_now is not None:
            _WORKERS[url] = run_now
        elif owner is None or getattr(_WORKERS.get(url), "__self__", None) is owner:
            _WORKERS.pop(url, None)


def _worker_ran(url: str, document_id: int) -> bool:
    with _LOCK:
        run_now = _WORKERS.get(url)
    return run_now is not None and run_now(document_id)


@dataclass
class RunPayload:
    """What a run in the worker process hands back: the state it saw and its findings, indexed (without the compiled
    glossary, which this process has)."""

    fingerprint: tuple
    project_id: int
    found: DocumentFindings


def run_payload(session: Session, document_id: int) -> RunPayload:
    """In the worker process: every check on the document as it is now (this process's memo makes it incremental),
    as a payload for ``install_run``."""
    doc = queries.get_or_404(session, Document, document_id, "document")
    result = document_findings(session, document_id, store=False)
    with _LOCK:
        fingerprint = _RESULTS[(str(session.get_bind().url), doc.id, None)][0]
    return RunPayload(fingerprint, doc.project_id, replace(result, compiled=None, marks={}))


def install_run(session: Session, document_id: int, payload: RunPayload, started: float) -> DocumentFindings:
    """In the web process: a worker's run kept as the document's findings (``started``: when it was asked for,
    before the worker read the document)."""
    url = str(session.get_bind().url)
    _entries, compiled, _memo = _glossary_of(session, payload.project_id, url, payload.fingerprint[-1])
    result = replace(payload.found, compiled=compiled)
    _keep((url, document_id, None), payload.fingerprint, result, started)
    return result


def warm(session: Session, document_id: int) -> None:
    """Run every check once more on a document whose findings were read from its stored run, so that this
    process's per-link memo is filled and the next re-check after a save is incremental (the findings are the
    same; in the background, see services/recheck.py)."""
    doc = queries.get_or_404(session, Document, document_id, "document")
    url = str(session.get_bind().url)
    key = (url, doc.id, None)
    # without the document's compute lock: a page or a dismissal that needs new findings meanwhile does not wait
    # for this run (the memo they share is filled by whichever gets there first)
    started = time.monotonic()
    fingerprint = _fingerprint(session, doc)
    with collector_paused():
        result = _compute(session, doc, None, url, fingerprint)
    _keep(key, fingerprint, result, started)


def store_latest(session: Session, document_id: int) -> bool:
    """Store this process's complete findings of the document when they are current and not stored yet (after a
    burst of background re-checks); True when a run was written."""
    doc = queries.get_or_404(session, Document, document_id, "document")
    with _LOCK:
        hit = _RESULTS.get((str(session.get_bind().url), doc.id, None))
    if hit is None or hit[0] != _fingerprint(session, doc):
        return False
    stored = session.scalar(select(CheckRun.key).where(CheckRun.document_id == doc.id))
    if stored == run_key(hit[0]):
        return False
    return store_run(session, doc.id, hit[0], hit[1])


def latest_findings(session: Session, document_id: int) -> DocumentFindings | None:
    """The last complete findings computed in this process for the document (all checks), however old; None
    when there are none. ``saw()`` tells whether they include a given save."""
    with _LOCK:
        hit = _RESULTS.get((str(session.get_bind().url), document_id, None))
    return hit[1] if hit is not None else None


def link_findings_now(session: Session, link: Link, changed: bool = False) -> DocumentFindings:
    """The findings of one link at once, without the document-level checks: the complete findings when the
    last run in this process saw the document as it is now, else the per-link checks run on this link alone
    (``pending``: the document-level checks follow, see services/recheck.py). ``changed``: the caller has just
    changed the document (a save), so no complete run can have seen it."""
    doc = queries.get_or_404(session, Document, link.document_id, "document")
    url = str(session.get_bind().url)
    if changed:
        glossary_fp = _glossary_fingerprint(session, doc.project_id)
    else:
        fingerprint = _fingerprint(session, doc)
        glossary_fp = fingerprint[-1]
        with _LOCK:
            hit = _RESULTS.get((url, doc.id, None))
        if hit is not None and hit[0] == fingerprint:
            return hit[1]
    segs = sorted((m.segment for m in link.members if not m.segment.retired), key=lambda s: (s.side, s.position))
    zh = [s for s in segs if s.side == "zh"]
    en = [s for s in segs if s.side == "en"]
    entries, compiled, pair_cache = _glossary_of(session, doc.project_id, url, glossary_fp)
    dismissed = frozenset(session.scalars(select(Dismissal.key).where(Dismissal.document_id == doc.id)))
    shape = [(tuple(range(len(zh))), tuple(range(len(en))))]
    found = check_document([s.text for s in zh], [s.text for s in en], shape, compiled, dismissed, PER_LINK_CHECKS,
                           pair_cache=pair_cache, rows=[review_row(link.position)])
    result = _indexed(found, _ids(zh), _ids(en), [link.id], shape, len(entries), compiled,
                      {s.id: s.version for s in segs})
    result.pending = True
    return result


def forget_cached() -> None:
    """Drop this process's cached results, per-link results and texts (as a new server process starts)."""
    with _LOCK:
        _RESULTS.clear()
        _PAIR_CACHES.clear()
        _TEXTS.clear()


# ---- Stored check runs: a document's last complete run, in the database (table check_runs). ----
# Its key covers what the findings were computed from: the document (``_fingerprint``) and the checks' code,
# so a run from other check code is never read back.

CHECKS_CODE = ("app/checks", "app/terminology", "app/segmentation", "app/alignment", "app/model.py")
ROOT = Path(__file__).resolve().parents[2]
STORE_WAIT_SECONDS = 2  # how long storing a run waits for another writer's lock before it gives up (logged)


@functools.cache
def checks_code_fingerprint() -> str:
    """sha256 over the source of the code the checks run (``CHECKS_CODE``; runner.py reads app/alignment too),
    read once per process."""
    digest = hashlib.sha256()
    for part in CHECKS_CODE:
        path = ROOT / part
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(ROOT).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def _plain_times(value):
    """``value`` with every datetime as naive UTC: SQLite reads back naive times, PostgreSQL aware ones, and an
    object just written still holds the aware time it was given."""
    if isinstance(value, tuple):
        return tuple(_plain_times(v) for v in value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def run_key(fingerprint: tuple) -> str:
    """The stored run's key for a document in the state ``fingerprint`` describes, under this checks' code."""
    return hashlib.sha256(f"{checks_code_fingerprint()}\n{_plain_times(fingerprint)!r}".encode()).hexdigest()


def store_run(session: Session, document_id: int, fingerprint: tuple, result: DocumentFindings, *,
              in_session: bool = False) -> bool:
    """Keep ``result``, a complete run (every check) on the document in the state ``fingerprint`` describes, as its
    stored run, in a short transaction of its own; ``in_session``: in a savepoint of ``session`` instead (it is
    then committed with the caller's work, which an import needs: its document is not committed yet). Also in a
    savepoint when the caller's SQLite transaction holds the write lock already. A run that cannot be stored is
    logged and False: it never fails the caller nor rolls back its work."""
    try:
        payload = zlib.compress(dump_findings(result.findings), 1)
        row = dict(document_id=document_id, key=run_key(fingerprint), count=len(result.findings),
                   findings=payload)
        if in_session or _holds_sqlite_write_lock(session):
            with session.begin_nested():
                _write_run(session, row)
            return True
        with Session(bind=session.get_bind()) as own, own.begin():
            sqlite = own.get_bind().dialect.name == "sqlite"
            if sqlite:  # not the 30 s a save waits: a run that cannot be stored is only computed again
                before = own.connection().exec_driver_sql("PRAGMA busy_timeout").scalar()
                own.connection().exec_driver_sql(f"PRAGMA busy_timeout = {STORE_WAIT_SECONDS * 1000}")
            else:
                own.execute(text(f"SET LOCAL lock_timeout = '{STORE_WAIT_SECONDS}s'"))
            try:
                _write_run(own, row)
            finally:
                if sqlite:
                    own.connection().exec_driver_sql(f"PRAGMA busy_timeout = {int(before)}")
        return True
    except Exception as exc:  # noqa: BLE001 - storing is an optimisation; the findings are there already
        log.warning("could not store the check run of document %s: %s", document_id, exc)
        return False


def _write_run(session: Session, row: dict) -> None:
    session.execute(delete(CheckRun).where(CheckRun.document_id == row["document_id"]))
    session.add(CheckRun(**row))
    session.flush()


def _holds_sqlite_write_lock(session: Session) -> bool:
    """Whether ``session`` has written in its open SQLite transaction (another connection would wait for it)."""
    if session.get_bind().dialect.name != "sqlite" or not session.in_transaction():
        return False
    return bool(getattr(session.connection().connection.dbapi_connection, "in_transaction", False))


def _stored_run(session: Session, doc: Document, url: str, fingerprint: tuple) -> DocumentFindings | None:
    """The document's stored run when its key is this state's, indexed as ``_compute`` indexes a run; None when
    there is none, it is stale, or it cannot be read (logged)."""
    wanted = run_key(fingerprint)
    if session.scalar(select(CheckRun.key).where(CheckRun.document_id == doc.id)) != wanted:
        return None  # none, or stale: the payload is not read
    try:
        payload = session.scalar(select(CheckRun.findings).where(CheckRun.document_id == doc.id,
                                                                 CheckRun.key == wanted))
        found = load_findings(zlib.decompress(payload))
        (doc, zh, en, link_ids, shape, _rows), versions = _current_text(session, doc, url, fingerprint)
        entries, compiled, _memo = _glossary_of(session, doc.project_id, url, fingerprint[-1])
        result = _indexed(found, _ids(zh), _ids(en), link_ids, shape, len(entries), compiled, versions)
        result.from_store = True
        return result
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign payload: run the checks instead
        log.warning("the stored check run of document %s cannot be read (%s: %s); running the checks again",
                    doc.id, type(exc).__name__, exc)
        return None


_COMPUTING: dict = {}


def _compute_lock(key) -> threading.Lock:
    with _LOCK:
        lock = _COMPUTING.get(key)
        if lock is None:
            if len(_COMPUTING) > 4 * MAX_DOCUMENTS:
                _COMPUTING.clear()  # held locks stay with their holders; new callers get new ones
            lock = _COMPUTING[key] = threading.Lock()
        return lock


# The text of the last few documents checked, so that a re-check after saves reads only the paragraphs whose
# version moved: (url, document id) -> (structure, versions, (doc, zh, en, link ids, shape)).
_TEXTS: OrderedDict = OrderedDict()


def _current_text(session: Session, doc: Document, url: str, fingerprint: tuple):
    """``_document_text`` of the document, brought up to date from the cached copy by reading only the
    paragraphs whose version changed, when nothing else changed (segments, links, alignment edits); and the
    version of each segment that the text holds (or an earlier one)."""
    created, (n_segs, max_seg, _sum), _last, links, moves = fingerprint[:5]
    structure = (created, n_segs, max_seg, links, moves)
    key = (url, doc.id)
    with _LOCK:
        cached = _cached(_TEXTS, key, MAX_DOCUMENTS)
    versions = dict(session.execute(select(Segment.id, Segment.version).where(Segment.document_id == doc.id)).all())
    if cached is not None and cached[0] == structure and cached[1].keys() == versions.keys():
        old, (_doc, zh, en, order, shape, rows) = cached[1], cached[2]
        moved = [sid for sid, v in versions.items() if old[sid] != v]
        if moved:
            where = {s.id: (side, i) for side, segs in (("zh", zh), ("en", en)) for i, s in enumerate(segs)}
            zh, en, versions = list(zh), list(en), dict(old)
            for row in session.execute(select(Segment.id, Segment.version, Segment.text)
                                       .where(Segment.id.in_(moved))):
                versions[row.id] = row.version  # the version read with the text
                if row.id in where:
                    side, i = where[row.id]
                    segs = zh if side == "zh" else en
                    segs[i] = _Seg(row.id, segs[i].side, segs[i].position, row.text)
            with _LOCK:
                _TEXTS[key] = (structure, versions, (doc, zh, en, order, shape, rows))
            return (doc, zh, en, order, shape, rows), versions
        return (doc, zh, en, order, shape, rows), old
    text = _document_text(session, doc.id)
    with _LOCK:  # versions read before the text: a save in between is read again next time
        _TEXTS[key] = (structure, versions, text)
    return text, versions


def _glossary_of(session: Session, project_id: int, url: str, glossary_fp: tuple):
    """The project's approved entries, compiled, and the per-link memo kept for that glossary (cached)."""
    key = (url, project_id, glossary_fp)
    with _LOCK:
        hit = _cached(_PAIR_CACHES, key, MAX_GLOSSARIES)
        if hit is not None and len(hit[2]) > MAX_PAIRS:
            hit[2].clear()  # the memo starts again; the compiled glossary stays
    if hit is not None:
        return hit
    entries = term_entries(queries.project_glossary(session, project_id))
    value = (entries, compile_glossary(entries), {})
    with _LOCK:
        _PAIR_CACHES[key] = value
    return value


def _compute(session: Session, doc: Document, checks, url: str, fingerprint: tuple) -> DocumentFindings:
    glossary_fp = fingerprint[-1]
    (doc, zh, en, link_ids, shape, rows), versions = _current_text(session, doc, url, fingerprint)
    entries, compiled, pair_cache = _glossary_of(session, doc.project_id, url, glossary_fp)
    dismissed = frozenset(session.scalars(select(Dismissal.key).where(Dismissal.document_id == doc.id)))
    findings = check_document([s.text for s in zh], [s.text for s in en], shape, compiled, dismissed, checks,
                              pair_cache=pair_cache, rows=rows)
    return _indexed(findings, _ids(zh), _ids(en), link_ids, shape, len(entries), compiled, versions)


def _indexed(findings: list[Finding], zh_ids: list[int], en_ids: list[int], link_ids: list[int], shape: list,
             glossary_size: int, compiled: CompiledGlossary, versions: dict[int, int]) -> DocumentFindings:
    """A run's findings placed on the document's links and paragraphs (a fresh run, a stored one or one from the
    re-check worker process), with the segment versions the run saw; ``zh_ids``/``en_ids``: the paragraphs' segment
    ids in order."""
    result = DocumentFindings(findings, glossary_size=glossary_size, compiled=compiled, versions=versions,
                              layout=(zh_ids, en_ids, link_ids, shape))
    link_of = dict(zip(shape, link_ids, strict=True))  # shape and finding links are tuples of index tuples
    for f in findings:
        link_id = link_of.get(f.link)
        if link_id is not None:
            result.by_link.setdefault(link_id, []).append(f)
        if f.zh_span and f.zh_index is not None:
            result.zh_spans.setdefault(zh_ids[f.zh_index], []).append((*f.zh_span, f))
        if f.en_span and f.en_index is not None:
            result.en_spans.setdefault(en_ids[f.en_index], []).append((*f.en_span, f))
    return result


def _ids(segs: list[_Seg]) -> list[int]:
    return [s.id for s in segs]


def check_and_store(session: Session, document_id: int) -> bool:
    """Run every check on a document just imported and store the run with the import (same transaction), so its
    first page need not run them; False (logged) when the run could not be stored."""
    doc = queries.get_or_404(session, Document, document_id, "document")
    url = str(session.get_bind().url)
    started = time.monotonic()
    fingerprint = _fingerprint(session, doc)
    try:
        with collector_paused():
            result = _compute(session, doc, None, url, fingerprint)
    except Exception:  # a check that fails must not fail the import: the grid runs the checks (and shows why)
        log.exception("the checks failed on document %s, just imported; its run is not stored", doc.id)
        return False
    _keep((url, doc.id, None), fingerprint, result, started)
    return store_run(session, doc.id, fingerprint, result, in_session=True)


def dismiss(session: Session, document_id: int, key: str, check: str, message: str, user: User,
            reason: str = "") -> Dismissal:
    """Dismiss one finding for this document; later runs skip it (same check, same text)."""
    require(user, "approve", access.project_of(session, "document", document_id))
    queries.get_or_404(session, Document, document_id, "document")
    if not key or ":" not in key or len(key) > 120:
        raise InputError("not a finding key")
    existing = session.scalar(select(Dismissal).where(Dismissal.document_id == document_id, Dismissal.key == key))
    if existing is not None:
        return existing
    return queries.add(session, Dismissal(document_id=document_id, key=key, check=check[:60], message=message[:2000],
                                          author_id=user.id, reason=reason[:2000]))


def undismiss(session: Session, document_id: int, dismissal_id: int, user: User) -> None:
    require(user, "approve", access.project_of(session, "document", document_id))
    row = queries.get_or_404(session, Dismissal, dismissal_id, "dismissal")
    if row.document_id != document_id:
        raise InputError("that dismissal belongs to another document")
    session.delete(row)
    session.flush()


def dismissals(session: Session, document_id: int) -> list[Dismissal]:
    return list(session.scalars(select(Dismissal).where(Dismissal.document_id == document_id)
                                .order_by(Dismissal.created_at.desc())))


def drift_report(session: Session, document_id: int) -> list[Finding]:
    """Each Chinese term or name rendered several ways, with every rendering, its count and its places:
    glossary terms (term.drift) and, with or without a glossary, the document's own terms and names
    (consistency.term, consistency.name)."""
    return document_findings(session, document_id, checks=list(DRIFT_CHECKS)).findings


# ---- The QA report (issue 14, item 2): findings grouped by check and term, with each occurrence's row. ----
# A group is one check and one term (the finding's ``term`` or ``word`` extra) or, without one, one message;
# in a row, findings of the same check and message are one line with ×N.

GROUP_EXTRAS = ("term", "word")  # the extras that name what a finding is about, in order of preference
EXCERPT_CONTEXT = 40  # characters of context on each side of an occurrence's matched text


@dataclass(frozen=True)
class Occurrence:
    """One finding in the report: its 1-based row (None: on no link), link id, page and a short excerpt."""

    finding: Finding
    row: int | None
    link_id: int | None
    page: int
    excerpt: tuple[str, str, str]  # text before, the matched text, text after (plain text)
    side: str  # "en" or "zh": the paragraph the excerpt is from


@dataclass
class FindingGroup:
    """The occurrences of one check about one term or message."""

    check: str
    key: str
    label: str
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def ident(self) -> str:
        """The group's id in forms and anchors: the check and the key."""
        return f"{self.check}/{self.key}"

    @property
    def severity(self) -> str:
        return str(Severity.worst(o.finding.severity for o in self.occurrences))

    @property
    def count(self) -> int:
        return len(self.occurrences)

    @property
    def rows(self) -> list[int]:
        return sorted({o.row for o in self.occurrences if o.row is not None})


@dataclass
class CheckGroup:
    """The groups of one check, most occurrences first."""

    check: str
    name: str
    groups: list[FindingGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def severity(self) -> str:
        return str(Severity.worst(g.severity for g in self.groups))


@dataclass
class FindingsReport:
    """The report: checks with their groups, the severity counts of all open findings, the filter used."""

    checks: list[CheckGroup]
    severities: dict[str, int]
    severity: str = ""

    @property
    def count(self) -> int:
        return sum(c.count for c in self.checks)

    def group(self, ident: str) -> FindingGroup | None:
        return next((g for c in self.checks for g in c.groups if g.ident == ident), None)


def only_group(report: FindingsReport, group: FindingGroup) -> FindingsReport:
    """The report reduced to one of its groups (its severity counts stay those of the whole document)."""
    check = next(c for c in report.checks if group in c.groups)
    return FindingsReport([CheckGroup(check.check, check.name, [group])], report.severities, report.severity)


def group_key(f: Finding) -> tuple[str, str]:
    """What a finding is about, for grouping: (key, label) from its term or word, else its message."""
    for name in GROUP_EXTRAS:
        value = f.extra.get(name)
        if value:
            return f"{name}:{value}", str(value)
    return f"message:{f.message}", f.message


def row_lines(row_findings: list[Finding]) -> list[tuple[Finding, int, list[str]]]:
    """A row's findings as lines: identical ones (same check, same message) once, with their count and keys."""
    lines: dict[tuple[str, str], list[Finding]] = {}
    for f in row_findings:
        lines.setdefault((f.check, f.message), []).append(f)
    return [(same[0], len(same), list(dict.fromkeys(x.key for x in same))) for same in lines.values()]


def row_signature(row_findings: list[Finding]) -> str:
    """A short fingerprint of a row's findings as shown (check, severity, message, key): the grid sends the ones it
    shows, and gets back the rows whose findings have changed since (after a save's re-check)."""
    text = "\n".join(sorted(f"{f.check}\t{f.severity}\t{f.key}\t{f.message}" for f in row_findings))
    return f"{zlib.crc32(text.encode()):08x}"


def _excerpt(text: str, span: tuple[int, int] | None, offsets=None) -> tuple[str, str, str]:
    """Plain text around ``span`` of a coded paragraph; ``offsets``: its plain_offsets, when already known."""
    if offsets is None and not has_codes(text):
        plain, where = text, None
    else:
        plain, where = offsets or plain_offsets(text)
    if not span:
        head = plain[:2 * EXCERPT_CONTEXT]
        return "", "", head + ("…" if len(plain) > len(head) else "")
    # the span is on the coded text: find the plain offsets that cover it
    if where is None:
        start, end = min(span[0], len(plain)), min(max(span), len(plain))
    else:
        start = min(bisect_left(where, span[0]), len(plain))
        end = max(start, min(bisect_left(where, span[1]), len(plain)))
    before = plain[max(0, start - EXCERPT_CONTEXT):start]
    after = plain[end:end + EXCERPT_CONTEXT]
    return (("…" if start > EXCERPT_CONTEXT else "") + before, plain[start:end],
            after + ("…" if end + EXCERPT_CONTEXT < len(plain) else ""))


def group_findings(session: Session, document_id: int, page_size: int, severity: str = "") -> FindingsReport:
    """The document's open findings grouped by check, then by term or message, each occurrence with its
    1-based row and the grid page it is on (``page_size`` links a page); ``severity`` keeps only that one."""
    from app.checks.registry import CHECKS

    found = document_findings(session, document_id)
    _doc, zh, en, _order, _shape, _rows = _document_text(session, document_id)
    rows = link_rows(session, document_id)
    link_of = {id(f): link_id for link_id, fs in found.by_link.items() for f in fs}
    known: dict[tuple[str, int], tuple[str, list[int]]] = {}

    def offsets(side: str, paragraphs: list[_Seg], index: int):  # a coded paragraph's plain text, worked out once
        text = paragraphs[index].text
        if not has_codes(text):
            return None
        if (side, index) not in known:
            known[side, index] = plain_offsets(text)
        return known[side, index]

    severities = {s: 0 for s in Severity.ordered()}
    for f in found.findings:
        severities[str(f.severity)] += 1
    by_check: dict[str, dict[str, FindingGroup]] = {}
    for f in found.findings:
        if severity and str(f.severity) != severity:
            continue
        link_id = link_of.get(id(f))
        row = rows.get(link_id)
        if f.en_index is not None and (f.en_span or f.zh_index is None) and f.en_index < len(en):
            side, excerpt = "en", _excerpt(en[f.en_index].text, f.en_span, offsets("en", en, f.en_index))
        elif f.zh_index is not None and f.zh_index < len(zh):
            side, excerpt = "zh", _excerpt(zh[f.zh_index].text, f.zh_span, offsets("zh", zh, f.zh_index))
        else:
            side, excerpt = "en", ("", "", "")
        key, label = group_key(f)
        groups = by_check.setdefault(f.check, {})
        group = groups.setdefault(key, FindingGroup(f.check, key, label))
        group.occurrences.append(Occurrence(f, row, link_id, ((row or 1) - 1) // max(1, page_size) + 1, excerpt, side))
    checks = []
    for check, groups in by_check.items():
        cls = CHECKS.get(check)
        ordered = sorted(groups.values(), key=lambda g: (-Severity(g.severity).rank, -g.count, g.label))
        for g in ordered:  # by message (a group about one term may have several), then by row
            g.occurrences.sort(key=lambda o: (o.finding.message, o.row is None, o.row or 0))
        checks.append(CheckGroup(check, cls.name if cls is not None else check, ordered))
    checks.sort(key=lambda c: (-Severity(c.severity).rank, -c.count, c.check))
    return FindingsReport(checks, severities, severity)


def link_rows(session: Session, document_id: int) -> dict[int, int]:
    """Paragraph link id -> its 1-based row in the review grid."""
    return {link_id: position + 1 for link_id, position in session.execute(
        select(Link.id, Link.position).where(Link.document_id == document_id, Link.level == "paragraph"))}


def flagged_rows(session: Session, document_id: int, found: DocumentFindings) -> list[int]:
    """The 1-based rows that have open findings, in order."""
    flagged = found.flagged_links()
    return sorted(row for link_id, row in link_rows(session, document_id).items() if link_id in flagged)


def dismiss_many(session: Session, document_id: int, found: list[Finding], user: User, reason: str = "") -> int:
    """Dismiss these findings (one dismissal per key); the number of keys newly dismissed."""
    existing = set(session.scalars(select(Dismissal.key).where(Dismissal.document_id == document_id)))
    fresh = {f.key: f for f in found if f.key not in existing}
    for f in fresh.values():
        dismiss(session, document_id, f.key, f.check, f.message, user, reason)
    return len(fresh)
