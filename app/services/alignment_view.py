"""What the alignment page shows: rows with their confidence, counts, the history of changes; a soundness check."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.services.links import LEVEL, is_weak, links_query
from app.storage import queries
from app.storage.models import AlignmentChange, Link, Segment


@dataclass
class AlignRow:
    """One row of the alignment view."""

    link: Link
    number: int
    zh: list[Segment]
    en: list[Segment]
    weak: bool
    needs_review: bool
    kind: str = field(default="")


def alignment_rows(session: Session, document_id: int, weak: float, page: int = 1, page_size: int = 200):
    """The rows of one page of the alignment view and the number of pages."""
    total = queries.count_links(session, document_id)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = []
    for lk in queries.document_links(session, document_id, offset=(page - 1) * page_size, limit=page_size):
        segs = sorted((m.segment for m in lk.members), key=lambda s: s.position)
        zh = [s for s in segs if s.side == "zh"]
        en = [s for s in segs if s.side == "en"]
        rows.append(AlignRow(lk, lk.position + 1, zh, en, is_weak(lk, weak), any(s.needs_review for s in segs),
                             f"{len(zh)}-{len(en)}"))
    return rows, pages, page


def alignment_counts(session: Session, document_id: int, weak: float) -> dict[str, int]:
    """Links, weak links (confidence below ``weak``) and paragraphs to check in a whole document."""
    links, weak = session.execute(
        select(func.count(Link.id), func.count(Link.id).filter(Link.origin == "auto", Link.confidence < weak))
        .where(Link.document_id == document_id, Link.level == LEVEL)
    ).one()
    review = session.scalar(select(func.count(Segment.id)).where(
        Segment.document_id == document_id, Segment.needs_review.is_(True), Segment.retired.is_(False))) or 0
    return {"links": links, "weak": weak, "review": review}


def history(session: Session, document_id: int, limit: int | None = 100) -> list[AlignmentChange]:
    """The latest alignment changes of a document, newest first (all of them when ``limit`` is None)."""
    stmt = (
        select(AlignmentChange)
        .where(AlignmentChange.document_id == document_id)
        .options(selectinload(AlignmentChange.author))
        .order_by(AlignmentChange.id.desc())
    )
    return list(session.scalars(stmt if limit is None else stmt.limit(limit)))


def history_entries(session: Session, document_id: int, limit: int | None = 100) -> list[dict]:
    """The history with each change's links before and after as `[zh]:[en]` paragraph numbers (1-based)."""

    def fmt(text: str) -> list[str]:
        return ["[" + ",".join(map(str, d.get("zh_no", []))) + "]:[" + ",".join(map(str, d.get("en_no", []))) + "]"
                for d in json.loads(text or "[]")]

    return [{"change": c, "before": fmt(c.before), "after": fmt(c.after)} for c in history(session, document_id,
                                                                                          limit)]


def check_links(session: Session, document_id: int) -> list[str]:
    """Problems with a document's links (empty when sound): positions 0..n-1, every active segment
    in exactly one link, no retired segment linked, order kept on both sides."""
    problems = []
    links = list(session.scalars(links_query(document_id)))
    if [x.position for x in links] != list(range(len(links))):
        problems.append("link positions are not 0..n-1")
    seen: dict[int, int] = {}
    for x in links:
        if not x.members:
            problems.append(f"link {x.id} is empty")
        for m in x.members:
            if m.segment_id in seen:
                problems.append(f"segment {m.segment_id} is in links {seen[m.segment_id]} and {x.id}")
            seen[m.segment_id] = x.id
            if m.segment.retired:
                problems.append(f"retired segment {m.segment_id} is linked")
    for side in ("zh", "en"):
        segs = queries.document_segments(session, document_id, side)
        if [s.position for s in segs] != list(range(len(segs))):
            problems.append(f"active {side} positions are not 0..n-1")
        active = [s.id for s in segs]
        missing = set(active) - set(seen)
        if missing:
            problems.append(f"{side} segments not linked: {sorted(missing)}")
        order = [s.position for x in links for s in sorted((m.segment for m in x.members), key=lambda s: s.position)
                 if s.side == side]
        if order != sorted(order):
            problems.append(f"{side} order is not kept")
    return problems
