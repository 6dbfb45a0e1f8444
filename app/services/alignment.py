"""Alignment editing on a document's paragraph links, with a history that can be undone.

Operations: merge, split, shift (up/down, either side), link, unlink, re-align a stretch
(manual links stay fixed), undo. Each takes a Session and never commits. Links stay
monotone (order-preserving) and every active segment belongs to exactly one link.
Every change is an :class:`AlignmentChange` row with the affected links before and
after, as segment ids; undo applies the inverse and is recorded too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.errors import Conflict, InputError, NotFound
from app.model import Bead
from app.services import require
from app.storage import queries
from app.storage.models import AlignmentChange, Document, Link, LinkSegment, Segment, User

WEAK = 0.5  # links made by the aligner below this confidence are highlighted as weak
LEVEL = "paragraph"
NOT_UNDOABLE = ("new-version",)


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


def _group(link: Link) -> Group:
    segs = sorted((m.segment for m in link.members), key=lambda s: s.position)
    return Group(tuple(s.id for s in segs if s.side == "zh"), tuple(s.id for s in segs if s.side == "en"),
                 link.origin, link.confidence)


def _join(groups: list[Group]) -> Group:
    return Group(tuple(i for g in groups for i in g.zh), tuple(i for g in groups for i in g.en))


# ---------------------------------------------------------------- loading


def _links_query(document_id: int):
    return (
        select(Link)
        .where(Link.document_id == document_id, Link.level == LEVEL)
        .options(selectinload(Link.members).selectinload(LinkSegment.segment))
        .order_by(Link.position)
    )


def _window(session: Session, document_id: int, first: int, last: int | None) -> list[Link]:
    """Links at positions first..last (inclusive; None = to the end)."""
    stmt = _links_query(document_id).where(Link.position >= first)
    if last is not None:
        stmt = stmt.where(Link.position <= last)
    return list(session.scalars(stmt))


def _get_link(session: Session, document_id: int, link_id) -> Link:
    try:
        link_id = int(link_id)
    except (TypeError, ValueError):
        raise InputError("no link was selected") from None
    link = session.get(Link, link_id)
    if link is None or link.document_id != document_id or link.level != LEVEL:
        raise NotFound(f"link {link_id} does not exist in document {document_id} (the alignment may have "
                       "changed meanwhile: reload the page)")
    return link


def _positions(session: Session, ids) -> dict[int, int]:
    ids = list(ids)
    if not ids:
        return {}
    return dict(session.execute(select(Segment.id, Segment.position).where(Segment.id.in_(ids))).all())


def _describe(groups: list[Group], pos: dict[int, int]) -> list[dict]:
    """The JSON form of groups: ids for undo, 1-based paragraph numbers for people."""
    return [{"zh": list(g.zh), "en": list(g.en), "zh_no": [pos[i] + 1 for i in g.zh if pos.get(i, -1) >= 0],
             "en_no": [pos[i] + 1 for i in g.en if pos.get(i, -1) >= 0], "origin": g.origin,
             "confidence": g.confidence}
            for g in groups]


def _from_json(text: str) -> list[Group]:
    return [Group(tuple(d["zh"]), tuple(d["en"]), d.get("origin", "manual"), d.get("confidence"))
            for d in json.loads(text or "[]")]


# ---------------------------------------------------------------- the one primitive


def _replace(session: Session, document_id: int, old: list[Link], groups: list[Group], op: str, user: User | None,
             summary: str, reason: str = "") -> AlignmentChange:
    """Replace consecutive links ``old`` by ``groups`` and record the change."""
    before = [_group(link) for link in old]
    start = old[0].position
    pos = _positions(session, {i for g in before + groups for i in g.zh + g.en})
    _check_same_segments(before, groups, pos)
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
    gone = [(link, holder[(b.zh + b.en)[0]]) for b, link in zip(before, old, strict=True) if id(link) not in kept]
    _move_link_rows(session, [(a.id, b.id) for a, b in gone])
    for link, _ in gone:
        session.delete(link)
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("someone else changed these links meanwhile; reload the page and try again") from None
    change = AlignmentChange(
        document_id=document_id, level=LEVEL, op=op, before=json.dumps(_describe(before, pos)),
        after=json.dumps(_describe(groups, pos)), summary=summary[:2000], reason=(reason or "").strip()[:2000],
        author_id=user.id if user else None,
    )
    session.add(change)
    session.flush()
    return change


def new_link(document_id: int, position: int, g: Group) -> Link:
    """A new link row for a group; its review status starts as for an import (untranslated without English)."""
    link = Link(document_id=document_id, level=LEVEL, position=position, origin=g.origin, confidence=g.confidence,
                status="translated" if g.en else "untranslated")
    link.members = [LinkSegment(segment_id=i) for i in g.zh + g.en]
    return link


def _move_link_rows(session: Session, moves: list[tuple[int, int]]) -> None:
    """Point rows of other tables that refer to a replaced link (status history, comments…) at the
    link that now holds its first segment, so no history goes with the old row."""
    from app.storage.models import Base

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


def _no(link: Link) -> int:
    return link.position + 1


# ---------------------------------------------------------------- operations


def merge(session: Session, document_id: int, link_id, user: User | None, reason: str = "") -> AlignmentChange:
    """Join a link with the next one."""
    require(user, "edit")
    link = _get_link(session, document_id, link_id)
    pair = _window(session, document_id, link.position, link.position + 1)
    if len(pair) < 2:
        raise InputError(f"merge: link {_no(link)} is the last one; there is no link below to merge it with")
    return _replace(session, document_id, pair, [_join([_group(x) for x in pair])], "merge", user,
                    f"merged links {_no(link)} and {_no(link) + 1}", reason)


def split(session: Session, document_id: int, link_id, zh_cut, en_cut, user: User | None,
          reason: str = "") -> AlignmentChange:
    """Split a link in two: its first ``zh_cut`` Chinese and ``en_cut`` English segments stay above."""
    require(user, "edit")
    link = _get_link(session, document_id, link_id)
    g = _group(link)
    try:
        zc, ec = int(zh_cut), int(en_cut)
    except (TypeError, ValueError):
        raise InputError("split: give the cut as two whole numbers (Chinese and English paragraphs kept above)") \
            from None
    if not (0 <= zc <= len(g.zh) and 0 <= ec <= len(g.en)):
        raise InputError(f"split: link {_no(link)} has {len(g.zh)} Chinese and {len(g.en)} English paragraphs; "
                         f"the cut must be 0–{len(g.zh)} Chinese and 0–{len(g.en)} English (got {zc} and {ec})")
    upper, lower = Group(g.zh[:zc], g.en[:ec]), Group(g.zh[zc:], g.en[ec:])
    if not (upper.zh or upper.en) or not (lower.zh or lower.en):
        raise InputError(f"split: the cut must leave at least one paragraph above and below it "
                         f"(link {_no(link)} is {g.kind}; got {zc} Chinese and {ec} English above)")
    return _replace(session, document_id, [link], [upper, lower], "split", user,
                    f"split link {_no(link)} ({g.kind}) into {upper.kind} and {lower.kind}", reason)


SIDES = {"zh": "Chinese", "en": "English"}


def shift(session: Session, document_id: int, link_id, side: str, direction: str, user: User | None,
          reason: str = "") -> AlignmentChange:
    """Move a link's first ``side`` segment to the link above ("up") or its last to the link below ("down")."""
    require(user, "edit")
    if side not in SIDES:
        raise InputError(f"shift: side must be 'zh' or 'en' (got {side!r})")
    if direction not in ("up", "down"):
        raise InputError(f"shift: direction must be 'up' or 'down' (got {direction!r})")
    link = _get_link(session, document_id, link_id)
    g = _group(link)
    mine = getattr(g, side)
    if not mine:
        raise InputError(f"shift: link {_no(link)} has no {SIDES[side]} paragraph to move")
    other_pos = link.position - 1 if direction == "up" else link.position + 1
    if other_pos < 0:
        raise InputError(f"shift up: link {_no(link)} is the first link; there is no link above")
    window = _window(session, document_id, min(link.position, other_pos), max(link.position, other_pos))
    if len(window) < 2:
        raise InputError(f"shift down: link {_no(link)} is the last link; there is no link below")
    other = window[0] if direction == "up" else window[1]
    o = _group(other)
    if direction == "up":  # my first segment becomes the last of that side in the link above
        mine_now = mine[1:]
        other_now = getattr(o, side) + mine[:1]
    else:  # my last segment becomes the first of that side in the link below
        mine_now = mine[:-1]
        other_now = mine[-1:] + getattr(o, side)
    new_mine = Group(**{"zh": g.zh, "en": g.en, side: mine_now})
    new_other = Group(**{"zh": o.zh, "en": o.en, side: other_now})
    kept = [new_mine] if (new_mine.zh or new_mine.en) else []
    groups = [new_other] + kept if direction == "up" else kept + [new_other]
    return _replace(session, document_id, window, groups, "shift", user,
                    f"moved a {SIDES[side]} paragraph of link {_no(link)} {direction} to link {_no(other)}", reason)


def link(session: Session, document_id: int, link_id, user: User | None, last_id=None,
         reason: str = "") -> AlignmentChange:
    """Link unlinked paragraphs: a range of links becomes one, or a one-sided link (1-0 or 0-1)
    joins the neighbouring link of the other side (below first, then above)."""
    require(user, "edit")
    first = _get_link(session, document_id, link_id)
    if last_id not in (None, ""):
        last = _get_link(session, document_id, last_id)
        lo, hi = sorted((first.position, last.position))
        if lo == hi:
            raise InputError("link: select at least two links (Shift+↑/↓) or a single unlinked paragraph")
        window = _window(session, document_id, lo, hi)
    else:
        g = _group(first)
        if g.zh and g.en:
            raise InputError(f"link: link {_no(first)} is already linked ({g.kind}); select an unlinked "
                             "paragraph, or a range of links with Shift+↑/↓")
        want = "en" if g.zh else "zh"
        window = []
        for pos in (first.position + 1, first.position - 1):
            if pos < 0:
                continue
            found = _window(session, document_id, pos, pos)
            if found:
                o = _group(found[0])
                if getattr(o, want) and not getattr(o, "zh" if want == "en" else "en"):
                    window = sorted([first, found[0]], key=lambda x: x.position)
                    break
        if not window:
            raise InputError(f"link: there is no unlinked {SIDES[want]} paragraph next to link {_no(first)}; "
                             "select a range of links with Shift+↑/↓ to link them")
    joined = _join([_group(x) for x in window])
    if not joined.zh or not joined.en:
        raise InputError("link: the selected links have paragraphs on one side only; include both sides")
    return _replace(session, document_id, window, [joined], "link", user,
                    f"linked links {_no(window[0])}–{_no(window[-1])} as {joined.kind}", reason)


def unlink(session: Session, document_id: int, link_id, user: User | None, reason: str = "") -> AlignmentChange:
    """Turn a link into 1-0 links for its Chinese and 0-1 links for its English segments."""
    require(user, "edit")
    lk = _get_link(session, document_id, link_id)
    g = _group(lk)
    if len(g.zh) + len(g.en) < 2:
        raise InputError(f"unlink: link {_no(lk)} is already unlinked ({g.kind})")
    groups = [Group((i,), ()) for i in g.zh] + [Group((), (j,)) for j in g.en]
    return _replace(session, document_id, [lk], groups, "unlink", user, f"unlinked link {_no(lk)} ({g.kind})",
                    reason)


def run_aligner(zh: list[str], en: list[str], method: str = "embedding") -> tuple[list[Bead], str]:
    """``align`` with a fallback to the length-based aligner when the embedding model is unavailable."""
    from app.alignment.api import align

    if method == "embedding":
        try:
            return align(zh, en, method="embedding"), "embedding"
        except (ImportError, OSError, MemoryError, RuntimeError):
            method = "length"
    return align(zh, en, method=method), method


def realign(session: Session, document_id: int, link_id, user: User | None, last_id=None,
            method: str = "embedding", reason: str = "") -> AlignmentChange:
    """Re-run the aligner from a link to ``last_id`` (or to the end); manual links stay as they are."""
    require(user, "edit")
    first = _get_link(session, document_id, link_id)
    lo, hi = first.position, None
    if last_id not in (None, ""):
        last = _get_link(session, document_id, last_id)
        lo, hi = sorted((first.position, last.position))
    window = _window(session, document_id, lo, hi)
    if not any(x.origin == "auto" for x in window):
        raise InputError("re-align: every link in the stretch was set by hand; nothing to re-align")
    groups: list[Group] = []
    run: list[Link] = []
    used = set()

    def flush_run():
        if not run:
            return
        segs = sorted((m.segment for x in run for m in x.members), key=lambda s: s.position)
        zh = [s for s in segs if s.side == "zh"]
        en = [s for s in segs if s.side == "en"]
        beads, m = run_aligner([s.text for s in zh], [s.text for s in en], method)
        used.add(m)
        groups.extend(Group(tuple(zh[i].id for i in b.src), tuple(en[j].id for j in b.tgt), "auto",
                            round(float(b.score), 4)) for b in beads)
        run.clear()

    for x in window:
        if x.origin == "manual":
            flush_run()
            groups.append(_group(x))
        else:
            run.append(x)
    flush_run()
    summary = (f"re-aligned links {_no(window[0])}–{_no(window[-1])} ({', '.join(sorted(used))}; "
               f"{sum(x.origin == 'manual' for x in window)} manual links kept)")
    return _replace(session, document_id, window, groups, "realign", user, summary, reason)


def undo(session: Session, document_id: int, user: User | None, change_id=None, reason: str = "") -> AlignmentChange:
    """Reverse a change (by default the latest one not yet undone); recorded as a change of its own."""
    require(user, "edit")
    queries.get_or_404(session, Document, document_id, "document")
    if change_id in (None, ""):
        change = session.scalar(
            select(AlignmentChange)
            .where(AlignmentChange.document_id == document_id, AlignmentChange.undone_by_id.is_(None),
                   AlignmentChange.op != "undo")
            .order_by(AlignmentChange.id.desc())
            .limit(1)
        )
        if change is None:
            raise InputError("undo: there is no alignment change to undo")
    else:
        try:
            change = session.get(AlignmentChange, int(change_id))
        except (TypeError, ValueError):
            change = None
        if change is None or change.document_id != document_id:
            raise NotFound(f"alignment change {change_id} does not exist in document {document_id}")
    if change.op in NOT_UNDOABLE:
        raise InputError(f"undo: change #{change.id} ({change.summary}) cannot be undone")
    if change.undone_by_id is not None:
        raise InputError(f"undo: change #{change.id} was already undone (by #{change.undone_by_id})")
    after, before = _from_json(change.after), _from_json(change.before)
    current = _current_links(session, document_id, after)
    if current is None:
        raise Conflict(f"undo: the links of change #{change.id} were changed again later; undo the later "
                       "changes first")
    op = "redo" if change.op == "undo" else "undo"
    new = _replace(session, document_id, current, before, op, user,
                   f"{op} of #{change.id}: {change.summary}", reason)
    new.undoes_id = change.id
    change.undone_by_id = new.id
    session.flush()
    return new


def _current_links(session: Session, document_id: int, groups: list[Group]) -> list[Link] | None:
    """The consecutive links whose members are exactly ``groups``, or None."""
    if not groups:
        return None
    first = groups[0].zh[:1] or groups[0].en[:1]
    pos = session.scalar(
        select(Link.position).join(LinkSegment, LinkSegment.link_id == Link.id)
        .where(Link.document_id == document_id, Link.level == LEVEL, LinkSegment.segment_id == first[0])
    )
    if pos is None:
        return None
    window = _window(session, document_id, pos, pos + len(groups) - 1)
    if len(window) != len(groups) or not all(_group(x).same_members(g) for x, g in zip(window, groups, strict=True)):
        return None
    return window


def first_link_number(session: Session, change: AlignmentChange) -> int | None:
    """The 1-based number of the first link a change produced (None when it produced none)."""
    after = json.loads(change.after or "[]")
    ids = (after[0]["zh"] + after[0]["en"]) if after else []
    if not ids:
        return None
    pos = session.scalar(
        select(Link.position).join(LinkSegment, LinkSegment.link_id == Link.id)
        .where(Link.document_id == change.document_id, Link.level == LEVEL, LinkSegment.segment_id == ids[0])
    )
    return None if pos is None else pos + 1


def mark_checked(session: Session, document_id: int, link_id, user: User | None) -> int:
    """Clear the needs-review mark of a link's segments; returns how many were marked."""
    require(user, "edit")
    lk = _get_link(session, document_id, link_id)
    marked = [m.segment for m in lk.members if m.segment.needs_review]
    for s in marked:
        s.needs_review = False
    session.flush()
    return len(marked)


OPERATIONS = {"merge", "split", "shift", "link", "unlink", "realign", "undo", "checked"}


def apply(session: Session, document_id: int, op: str, user: User | None, form: dict,
          method: str = "embedding"):
    """Dispatch one operation from form fields (op, link, last, zh_cut, en_cut, side, direction, change, reason)."""
    reason = form.get("reason") or ""
    lid = form.get("link")
    if op == "merge":
        return merge(session, document_id, lid, user, reason)
    if op == "split":
        return split(session, document_id, lid, form.get("zh_cut"), form.get("en_cut"), user, reason)
    if op == "shift":
        return shift(session, document_id, lid, form.get("side") or "en", form.get("direction") or "", user,
                     reason)
    if op == "link":
        return link(session, document_id, lid, user, form.get("last"), reason)
    if op == "unlink":
        return unlink(session, document_id, lid, user, reason)
    if op == "realign":
        return realign(session, document_id, lid, user, form.get("last"), method, reason)
    if op == "undo":
        return undo(session, document_id, user, form.get("change"), reason)
    if op == "checked":
        return mark_checked(session, document_id, lid, user)
    raise InputError(f"unknown alignment operation {op!r} (use one of {', '.join(sorted(OPERATIONS))})")


# ---------------------------------------------------------------- reading


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


def alignment_rows(session: Session, document_id: int, page: int = 1, page_size: int = 200):
    """The rows of one page of the alignment view and the number of pages."""
    total = queries.count_links(session, document_id)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = []
    for lk in queries.document_links(session, document_id, offset=(page - 1) * page_size, limit=page_size):
        segs = sorted((m.segment for m in lk.members), key=lambda s: s.position)
        zh = [s for s in segs if s.side == "zh"]
        en = [s for s in segs if s.side == "en"]
        weak = lk.origin == "auto" and lk.confidence is not None and lk.confidence < WEAK
        rows.append(AlignRow(lk, lk.position + 1, zh, en, weak, any(s.needs_review for s in segs),
                             f"{len(zh)}-{len(en)}"))
    return rows, pages, page


def alignment_counts(session: Session, document_id: int) -> dict[str, int]:
    """Links, weak links and paragraphs to check in a whole document."""
    from sqlalchemy import func

    links, weak = session.execute(
        select(func.count(Link.id), func.count(Link.id).filter(Link.origin == "auto", Link.confidence < WEAK))
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


ALIGNMENT_LOG_COLUMNS = ("change", "time", "author", "op", "summary", "reason", "before", "after", "undoes",
                         "undone_by")


def export_alignment_csv(session: Session, document_id: int) -> bytes:
    """The document's alignment history as CSV (UTF-8 with BOM), oldest first; links as `[zh]:[en]`."""
    import csv
    import io

    queries.get_or_404(session, Document, document_id, "document")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ALIGNMENT_LOG_COLUMNS)
    for entry in reversed(history_entries(session, document_id, limit=None)):
        c = entry["change"]
        writer.writerow([c.id, c.created_at.isoformat(timespec="seconds"), c.author.username if c.author else "",
                         c.op, c.summary, _csv_cell(c.reason), " ".join(entry["before"]), " ".join(entry["after"]),
                         c.undoes_id or "", c.undone_by_id or ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (=, +, -, @ at the start of a cell)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def check_links(session: Session, document_id: int) -> list[str]:
    """Problems with a document's links (empty when sound): positions 0..n-1, every active segment
    in exactly one link, no retired segment linked, order kept on both sides."""
    problems = []
    links = list(session.scalars(_links_query(document_id)))
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
