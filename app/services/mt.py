"""Machine-translation use cases: a suggestion per link, copying it in, the document back-check.

Each Chinese paragraph is translated on its own (so the cache is per segment text) through
:func:`app.mt.translate` with the ``mt_cache`` table as the persistent store. The caller owns the
session and commits (the cache rows are added to it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app import mt
from app.checks.base import Finding
from app.checks.mt import check_mt, chrf, link_mt
from app.errors import InputError
from app.model import plain_text
from app.services.auth import require
from app.services.review import save_segment
from app.storage import access, queries
from app.storage.models import Link, Revision, Segment, User
from app.storage.mt_cache import SessionTranslationStore


@dataclass
class Suggestion:
    """The MT of one link's Chinese, beside its English."""

    link: Link
    zh: list[Segment]
    en: list[Segment]
    text: str
    chrf: float | None  # against the current English; None when the link has no English

    @property
    def target(self) -> Segment | None:
        """The English paragraph "Copy into the English" writes to: only for a link with exactly one."""
        return self.en[0] if len(self.en) == 1 else None


def _sides(link: Link) -> tuple[list[Segment], list[Segment]]:
    segs = sorted((m.segment for m in link.members if not m.segment.retired), key=lambda s: s.position)
    return [s for s in segs if s.side == "zh"], [s for s in segs if s.side == "en"]


def translate_segments(session: Session, texts: list[str]) -> list[str]:
    """MT of paragraph texts, cached in the process and in mt_cache."""
    return mt.translate(texts, SessionTranslationStore(session))


def link_suggestion(session: Session, link_id: int) -> Suggestion:
    """The MT suggestion for a link; raises MTUnavailable with a one-line hint when MT cannot run."""
    link = queries.get_or_404(session, Link, link_id, "link")
    zh, en = _sides(link)
    if not zh:
        raise InputError("this link has no Chinese paragraph to translate")
    outputs = translate_segments(session, [plain_text(s.text) for s in zh])
    text = link_mt(range(len(zh)), outputs)
    english = "\n".join(plain_text(s.text) for s in en)
    return Suggestion(link, zh, en, text, chrf(text, english) if english.strip() and text.strip() else None)


def copy_suggestion(session: Session, link_id: int, base_version: int, user: User) -> Revision | None:
    """Save the link's MT as its English paragraph's new text (a revision with origin "mt")."""
    require(user, "edit", access.project_of(session, "link", link_id))
    suggestion = link_suggestion(session, link_id)
    if suggestion.target is None:
        raise InputError(f"this link has {len(suggestion.en)} English paragraphs; copy the suggestion by hand")
    if not suggestion.text.strip():
        raise InputError("the machine translation is empty")
    return save_segment(session, suggestion.target.id, suggestion.text, base_version, user,
                                 reason="machine translation", origin="mt")


@dataclass
class BackCheck:
    """The back-check of a document: its findings and the review row of each Chinese paragraph."""

    findings: list[Finding]
    row_of_zh: dict[int, int]
    pending: int = 0  # paragraphs still to translate (then findings is empty)
    total: int = 0  # distinct Chinese paragraph texts


def document_texts(session: Session, document_id: int) -> list[str]:
    """The Chinese paragraphs of a document as the MT sees them (inline codes removed)."""
    return [plain_text(s.text) for s in queries.document_segments(session, document_id, "zh")]


def pending_count(session: Session, document_id: int) -> int:
    """How many distinct Chinese paragraphs of the document have no cached translation yet."""
    return len(mt.uncached(document_texts(session, document_id), SessionTranslationStore(session)))


def translate_document(session: Session, document_id: int, progress=None, batch: int = 20) -> int:
    """Translate (and cache) every not yet cached Chinese paragraph, ``batch`` at a time, reporting
    ``progress("translating", fraction)``; returns how many were translated."""
    store = SessionTranslationStore(session)
    missing = mt.uncached(document_texts(session, document_id), store)
    for start in range(0, len(missing), batch):
        mt.translate(missing[start:start + batch], store)
        if progress is not None:
            progress("translating", min(1.0, (start + batch) / len(missing)))
    return len(missing)


def document_backcheck(session: Session, document_id: int, k: float = 2.0, batch: int | None = None) -> BackCheck:
    """``mt.divergent`` findings for a document's paragraph links (every Chinese paragraph is translated).

    With ``batch``, at most that many not yet cached paragraphs are translated per call; while some
    remain, the result has ``pending`` > 0 and no findings (the web page translates in steps).
    """
    zh = queries.document_segments(session, document_id, "zh")
    en = queries.document_segments(session, document_id, "en")
    texts = [plain_text(s.text) for s in zh]
    if batch is not None:
        store = SessionTranslationStore(session)
        missing = mt.uncached(texts, store)
        if len(missing) > batch:
            mt.translate(missing[:batch], store)
            return BackCheck([], {}, len(missing) - batch, len(set(texts)))
    outputs = translate_segments(session, texts)
    zpos = {s.id: k for k, s in enumerate(zh)}
    epos = {s.id: k for k, s in enumerate(en)}
    links, rows = [], {}
    for link in queries.document_links(session, document_id):
        ids = [m.segment_id for m in link.members]
        src = sorted(zpos[i] for i in ids if i in zpos)
        links.append((src, sorted(epos[i] for i in ids if i in epos)))
        rows.update((i, link.position + 1) for i in src)
    return BackCheck(check_mt(texts, [plain_text(s.text) for s in en], links, outputs, k=k), rows, 0, len(set(texts)))
