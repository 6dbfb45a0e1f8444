"""Findings of the QA checks on a stored document, placed on its links and segments."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.checks.base import Finding
from app.checks.runner import check_document
from app.errors import InputError
from app.services import require
from app.services.glossary import term_entries
from app.storage import queries
from app.storage.models import Dismissal, Document, User
from app.terminology.matching import compile_glossary


@dataclass
class DocumentFindings:
    """All open findings of a document, indexed for the review grid."""

    findings: list[Finding]
    by_link: dict[int, list[Finding]] = field(default_factory=dict)  # link id -> findings
    zh_spans: dict[int, list[tuple[int, int, Finding]]] = field(default_factory=dict)  # segment id -> spans
    en_spans: dict[int, list[tuple[int, int, Finding]]] = field(default_factory=dict)
    glossary_size: int = 0
    marks: dict[int, list[tuple[int, int, str, str]]] = field(default_factory=dict)  # segment id -> highlights

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for f in self.findings:
            out[f.check] += 1
        return dict(sorted(out.items()))

    def flagged_links(self) -> set[int]:
        return {link_id for link_id, found in self.by_link.items() if found}



def _document_text(session: Session, document_id: int):
    """Current paragraphs of both sides and the links as index tuples over them."""
    doc = queries.get_or_404(session, Document, document_id, "document")
    zh = queries.document_segments(session, doc.id, "zh")
    en = queries.document_segments(session, doc.id, "en")
    zh_index = {s.id: i for i, s in enumerate(zh)}
    en_index = {s.id: i for i, s in enumerate(en)}
    links = queries.document_links(session, doc.id)
    shape = []
    for link in links:
        src = tuple(sorted(zh_index[m.segment_id] for m in link.members if m.segment_id in zh_index))
        tgt = tuple(sorted(en_index[m.segment_id] for m in link.members if m.segment_id in en_index))
        shape.append((src, tgt))
    return doc, zh, en, links, shape


def glossary_candidates(session: Session, document_id: int, limit: int = 100):
    """Glossary candidates discovered in the document, drifting ones first (terms already in the glossary
    are reported too, flagged as such)."""
    from app.terminology.discovery import discover_terms

    doc, zh, en, _links, shape = _document_text(session, document_id)
    entries = term_entries(queries.project_glossary(session, doc.project_id), include_proposed=True)
    return discover_terms([s.text for s in zh], [s.text for s in en], shape, entries, limit=limit)


def document_findings(session: Session, document_id: int, checks: list[str] | None = None) -> DocumentFindings:
    """Run the checks over the document's current text with its project's approved glossary."""
    doc, zh, en, links, shape = _document_text(session, document_id)
    entries = term_entries(queries.project_glossary(session, doc.project_id))
    compiled = compile_glossary(entries)
    dismissed = frozenset(session.scalars(select(Dismissal.key).where(Dismissal.document_id == doc.id)))
    findings = check_document([s.text for s in zh], [s.text for s in en], shape, compiled, dismissed, checks)
    result = DocumentFindings(findings, glossary_size=len(entries))
    _glossary_marks(result, compiled, zh, en)
    link_of = {shape_key: link.id for shape_key, link in zip(shape, links, strict=True)}
    for f in findings:
        link_id = link_of.get((tuple(f.link[0]), tuple(f.link[1])))
        if link_id is not None:
            result.by_link.setdefault(link_id, []).append(f)
        if f.zh_span and f.zh_index is not None:
            result.zh_spans.setdefault(zh[f.zh_index].id, []).append((*f.zh_span, f))
        if f.en_span and f.en_index is not None:
            result.en_spans.setdefault(en[f.en_index].id, []).append((*f.en_span, f))
    return result


def _glossary_marks(result: DocumentFindings, compiled, zh, en) -> None:
    """Glossary hits to highlight: Chinese terms underlined; English renderings by role; finding spans."""
    for seg in zh:
        for m in compiled.match_zh(seg.text):
            e = compiled.entries[m.entry]
            title = f"{'/'.join(e.zh)} → {e.en}" + (f" (also: {', '.join(e.variants)})" if e.variants else "")
            if e.note:
                title += f" · {e.note}"
            result.marks.setdefault(seg.id, []).append((m.start, m.end, "term", title))
    for seg in en:
        for m in compiled.match_en(seg.text):
            e = compiled.entries[m.entry]
            if m.role == "forbidden":
                cls, title = "term-bad", f"forbidden rendering of {'/'.join(e.zh)}; use '{e.en}'"
            elif m.problem:
                cls, title = "term-form", f"{'/'.join(e.zh)} → '{e.en}': {m.problem}"
            else:
                cls, title = "term-ok", f"{m.role} rendering of {'/'.join(e.zh)} ('{e.en}')"
            result.marks.setdefault(seg.id, []).append((m.start, m.end, cls, title))
    for spans in (result.zh_spans, result.en_spans):
        for seg_id, items in spans.items():
            for start, end, f in items:
                cls = f"finding sev-{f.severity}"
                result.marks.setdefault(seg_id, []).append((start, end, cls, f"{f.check}: {f.message}"))


def dismiss(session: Session, document_id: int, key: str, check: str, message: str, user: User,
            reason: str = "") -> Dismissal:
    """Dismiss one finding for this document; later runs skip it (same check, same text)."""
    require(user, "approve")
    queries.get_or_404(session, Document, document_id, "document")
    if not key or ":" not in key or len(key) > 120:
        raise InputError("not a finding key")
    existing = session.scalar(select(Dismissal).where(Dismissal.document_id == document_id, Dismissal.key == key))
    if existing is not None:
        return existing
    row = Dismissal(document_id=document_id, key=key, check=check[:60], message=message[:2000],
                    author_id=user.id, reason=reason[:2000])
    session.add(row)
    session.flush()
    return row


def undismiss(session: Session, document_id: int, dismissal_id: int, user: User) -> None:
    require(user, "approve")
    row = queries.get_or_404(session, Dismissal, dismissal_id, "dismissal")
    if row.document_id != document_id:
        raise InputError("that dismissal belongs to another document")
    session.delete(row)
    session.flush()


def dismissals(session: Session, document_id: int) -> list[Dismissal]:
    return list(session.scalars(select(Dismissal).where(Dismissal.document_id == document_id)
                                .order_by(Dismissal.created_at.desc())))


def drift_report(session: Session, document_id: int) -> list[Finding]:
    """The term.drift findings: each Chinese term with every rendering, its count and its places."""
    return document_findings(session, document_id, checks=["term.drift"]).findings
