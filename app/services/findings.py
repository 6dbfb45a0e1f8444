"""Findings of the QA checks on a stored document, placed on its links and segments."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.checks.base import Finding
from app.checks.runner import check_document
from app.errors import InputError
from app.model import plain_offsets, plain_text, review_row
from app.services.auth import require
from app.services.glossary import term_entries
from app.storage import access, queries
from app.storage.models import (
    AlignmentChange,
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


def document_findings(session: Session, document_id: int, checks: list[str] | None = None) -> DocumentFindings:
    """Run the checks over the document's current text with its project's approved glossary (cached)."""
    doc = queries.get_or_404(session, Document, document_id, "document")
    url = str(session.get_bind().url)
    fingerprint = _fingerprint(session, doc)
    key = (url, doc.id, tuple(checks) if checks else None)
    with _LOCK:
        hit = _cached(_RESULTS, key, MAX_DOCUMENTS)
    if hit is not None and hit[0] == fingerprint:
        return hit[1]
    result = _compute(session, doc, checks, url, fingerprint[-1])
    with _LOCK:
        _RESULTS[key] = (fingerprint, result)
    return result


def _compute(session: Session, doc: Document, checks, url: str, glossary_fp: tuple) -> DocumentFindings:
    doc, zh, en, link_ids, shape, rows = _document_text(session, doc.id)
    entries = term_entries(queries.project_glossary(session, doc.project_id))
    compiled = compile_glossary(entries)
    with _LOCK:
        pair_cache = _cached(_PAIR_CACHES, (url, doc.project_id, glossary_fp), MAX_GLOSSARIES)
        if pair_cache is None or len(pair_cache) > MAX_PAIRS:
            pair_cache = _PAIR_CACHES[(url, doc.project_id, glossary_fp)] = {}
    dismissed = frozenset(session.scalars(select(Dismissal.key).where(Dismissal.document_id == doc.id)))
    findings = check_document([s.text for s in zh], [s.text for s in en], shape, compiled, dismissed, checks,
                              pair_cache=pair_cache, rows=rows)
    result = DocumentFindings(findings, glossary_size=len(entries), compiled=compiled)
    link_of = {tuple(map(tuple, s)): link_id for s, link_id in zip(shape, link_ids, strict=True)}
    for f in findings:
        link_id = link_of.get((tuple(f.link[0]), tuple(f.link[1])))
        if link_id is not None:
            result.by_link.setdefault(link_id, []).append(f)
        if f.zh_span and f.zh_index is not None:
            result.zh_spans.setdefault(zh[f.zh_index].id, []).append((*f.zh_span, f))
        if f.en_span and f.en_index is not None:
            result.en_spans.setdefault(en[f.en_index].id, []).append((*f.en_span, f))
    return result


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
