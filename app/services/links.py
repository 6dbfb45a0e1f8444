"""A document's paragraph links as groups of segment ids; the one primitive that replaces consecutive links
(and records the change); the aligner runner. Used by alignment editing, imports and new versions."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.alignment.api import ALIGNERS, align
from app.config import DEFAULTS
from app.errors import Conflict, InputError, NotFound
from app.model import Bead, plain_text, review_row
from app.services.inline import carry_over
from app.services.statuses import initial_status
from app.storage.models import AlignmentChange, Base, Link, LinkSegment, Segment, User

LEVEL = "paragraph"
DEFAULT_ALIGNER = DEFAULTS["ALIGN_METHOD"]


@dataclass(frozen=True)
class Group:
    """The members of one link: segment ids in document order, and how it was made."""

    zh: tuple[int, ...]
    en: tuple[int, ...]
    origin: str = "manual"
    confidence: float | None = None

    @property
    def kind(self) -> str:
        return f"{len(self.zh)}-{len(self.en)}"

    def same_members(self, other: Group) -> bool:
        return self.zh == other.zh and self.en == other.en


def group_of(link: Link) -> Group:
    segs = sorted((m.segment for m in link.members), key=lambda s: s.position)
    return Group(tuple(s.id for s in segs if s.side == "zh"), tuple(s.id for s in segs if s.side == "en"),
                 link.origin, link.confidence)


def join_groups(groups: list[Group]) -> Group:
    return Group(tuple(i for g in groups for i in g.zh), tuple(i for g in groups for i in g.en))


def links_query(document_id: int):
    return (
        select(Link)
        .where(Link.document_id == document_id, Link.level == LEVEL)
        .options(selectinload(Link.members).selectinload(LinkSegment.segment))
        .order_by(Link.position)
    )


def links_window(session: Session, document_id: int, first: int, last: int | None) -> list[Link]:
    """Links at positions first..last (inclusive; None = to the end)."""
    stmt = links_query(document_id).where(Link.position >= first)
    if last is not None:
        stmt = stmt.where(Link.position <= last)
    return list(session.scalars(stmt))


def get_link(session: Session, document_id: int, link_id: int | None) -> Link:
    """A paragraph link of the document; InputError when none was selected, NotFound when it is gone."""
    if link_id is None:
        raise InputError("no link was selected")
    link = session.get(Link, link_id)
    if link is None or link.document_id != document_id or link.level != LEVEL:
        raise NotFound(f"link {link_id} does not exist in document {document_id} (the alignment may have "
                       "changed meanwhile: reload the page)")
    return link


def positions(session: Session, ids) -> dict[int, int]:
    ids = list(ids)
    if not ids:
        return {}
    return dict(session.execute(select(Segment.id, Segment.position).where(Segment.id.in_(ids))).all())


def describe(groups: list[Group], pos: dict[int, int]) -> list[dict]:
    """The JSON form of groups: ids for undo, 1-based paragraph numbers for people."""
    return [{"zh": list(g.zh), "en": list(g.en), "zh_no": [pos[i] + 1 for i in g.zh if pos.get(i, -1) >= 0],
             "en_no": [pos[i] + 1 for i in g.en if pos.get(i, -1) >= 0], "origin": g.origin,
             "confidence": g.confidence}
            for g in groups]


def groups_from_json(text: str) -> list[Group]:
    return [Group(tuple(d["zh"]), tuple(d["en"]), d.get("origin", "manual"), d.get("confidence"))
            for d in json.loads(text or "[]")]


def replace_links(session: Session, document_id: int, old: list[Link], groups: list[Group], op: str, user: User | None,
             summary: str, reason: str = "") -> AlignmentChange:
    """Replace consecutive links ``old`` by ``groups`` and record the change."""
    before = [group_of(link) for link in old]
    start = old[0].position
    pos = positions(session, {i for g in before + groups for i in g.zh + g.en})
    _check_same_segments(before, groups, pos)
    old_members = [(link.id, b.zh + b.en) for b, link in zip(before, old, strict=True)]
    carry_over(session, document_id, old_members, [(None, g.zh + g.en) for g in groups], dry_run=True)
    # A link whose members do not change keeps its row (its id and anything else stored on it).
    reuse = {(b.zh, b.en): link for b, link in zip(before, old, strict=True)}
    kept = {id(reuse[(g.zh, g.en)]) for g in groups if (g.zh, g.en) in reuse}
    delta = len(groups) - len(old)
    if delta:
        session.execute(
            update(Link)
            .where(Link.document_id == document_id, Link.level == LEVEL, Link.position >= start + len(old))
            .values(position=Link.position + delta)
            .execution_options(synchronize_session="fetch")
        )
    holder: dict[int, Link] = {}  # segment id → the link that now holds it
    for k, g in enumerate(groups):
        link = reuse.pop((g.zh, g.en), None)
        if link is None:
            link = new_link(document_id, start + k, g)
            session.add(link)
        link.position, link.origin, link.confidence = start + k, g.origin, g.confidence
        holder.update((i, link) for i in g.zh + g.en)
    session.flush()
    carry_over(session, document_id, old_members,
               [(holder[(g.zh + g.en)[0]].id, g.zh + g.en) for g in groups if g.zh + g.en])
    gone = [(link, holder[(b.zh + b.en)[0]]) for b, link in zip(before, old, strict=True) if id(link) not in kept]
    move_link_rows(session, [(a.id, b.id) for a, b in gone])
    for link, _ in gone:
        session.delete(link)
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("someone else changed these links meanwhile; reload the page and try again") from None
    change = AlignmentChange(
        document_id=document_id, level=LEVEL, op=op, before=json.dumps(describe(before, pos)),
        after=json.dumps(describe(groups, pos)), summary=summary[:2000], reason=(reason or "").strip()[:2000],
        author_id=user.id if user else None,
    )
    session.add(change)
    session.flush()
    return change


def is_weak(link: Link, threshold: float) -> bool:
    """A link the aligner made with a confidence below ``threshold`` (the WEAK_LINK setting)."""
    return link.origin == "auto" and link.confidence is not None and link.confidence < threshold


def new_link(document_id: int, position: int, g: Group) -> Link:
    """A new link row for a group; its review status starts as for an import (untranslated without English)."""
    link = Link(document_id=document_id, level=LEVEL, position=position, origin=g.origin, confidence=g.confidence,
                status=initial_status(bool(g.en)))
    link.members = [LinkSegment(segment_id=i) for i in g.zh + g.en]
    return link


def move_link_rows(session: Session, moves: list[tuple[int, int]]) -> None:
    """Point rows of other tables that refer to a replaced link (status history, comments…) at the
    link that now holds its first segment, so no history goes with the old row."""
    tables = {fk.parent for t in Base.metadata.sorted_tables if t.name != LinkSegment.__tablename__
              for fk in t.foreign_keys if fk.column.table.name == Link.__tablename__}
    for old_id, new_id in moves:
        for column in tables:
            session.execute(update(column.table).where(column == old_id).values({column.name: new_id}))


def _check_same_segments(before: list[Group], after: list[Group], pos: dict[int, int]) -> None:
    """The new links hold exactly the old segments, each once, in document order (monotone)."""
    for side in ("zh", "en"):
        old = [i for g in before for i in getattr(g, side)]
        new = [i for g in after for i in getattr(g, side)]
        if sorted(old) != sorted(new):
            raise InputError("the new links must hold exactly the segments of the old ones")
        order = [pos[i] for i in new]
        if any(a >= b for a, b in zip(order, order[1:], strict=False)):
            raise InputError("links must keep the order of both texts")
    if any(not g.zh and not g.en for g in after):
        raise InputError("a link cannot be empty")


def number(link: Link) -> int:
    """The 1-based number people see for a link."""
    return review_row(link.position)


def run_aligner(zh: list[str], en: list[str], method: str = DEFAULT_ALIGNER,
                progress=None) -> tuple[list[Bead], str]:
    """``align`` with a fallback to the length-based aligner when the embedding model is unavailable.

    ``progress(done, total)``: called as segments are encoded (``align``'s progress)."""
    if method not in ALIGNERS:
        raise InputError(f"unknown aligner {method!r}; use {' or '.join(ALIGNERS)}")
    zh, en = [plain_text(t) for t in zh], [plain_text(t) for t in en]  # the aligners never see inline codes
    if method == "embedding":
        try:
            return align(zh, en, method="embedding", progress=progress), "embedding"
        except (ImportError, OSError, MemoryError, RuntimeError):
            method = "length"
    return align(zh, en, method=method, progress=progress), method
