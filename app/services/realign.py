"""Alignment editing on a document's paragraph links, with a history that can be undone.

Operations: merge, split, shift (up/down, either side), link, unlink, re-align a stretch
(manual links stay fixed), undo. Each takes a Session and never commits. Links stay
monotone (order-preserving) and every active segment belongs to exactly one link.
Every change is an :class:`AlignmentChange` row with the affected links before and
after, as segment ids; undo applies the inverse and is recorded too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, InputError, NotFound
from app.services.auth import require
from app.services.links import (
    DEFAULT_ALIGNER,
    LEVEL,
    Group,
    get_link,
    group_of,
    groups_from_json,
    join_groups,
    links_window,
    number,
    replace_links,
    run_aligner,
)
from app.storage import access, queries
from app.storage.models import AlignmentChange, Document, Link, LinkSegment, User

NOT_UNDOABLE = ("new-version",)


def merge(session: Session, document_id: int, link_id: int | None, user: User | None,
          reason: str = "") -> AlignmentChange:
    """Join a link with the next one."""
    require(user, "align", access.project_of(session, "document", document_id))
    link = get_link(session, document_id, link_id)
    pair = links_window(session, document_id, link.position, link.position + 1)
    if len(pair) < 2:
        raise InputError(f"merge: link {number(link)} is the last one; there is no link below to merge it with")
    return replace_links(session, document_id, pair, [join_groups([group_of(x) for x in pair])], "merge", user,
                         f"merged links {number(link)} and {number(link) + 1}", reason)


def split(session: Session, document_id: int, link_id: int | None, zh_cut: int | None,
          en_cut: int | None, user: User | None,
          reason: str = "") -> AlignmentChange:
    """Split a link in two: its first ``zh_cut`` Chinese and ``en_cut`` English segments stay above."""
    require(user, "align", access.project_of(session, "document", document_id))
    link = get_link(session, document_id, link_id)
    g = group_of(link)
    if zh_cut is None or en_cut is None:
        raise InputError("split: give the cut as two whole numbers (Chinese and English paragraphs kept above)")
    zc, ec = zh_cut, en_cut
    if not (0 <= zc <= len(g.zh) and 0 <= ec <= len(g.en)):
        raise InputError(f"split: link {number(link)} has {len(g.zh)} Chinese and {len(g.en)} English paragraphs; "
                         f"the cut must be 0–{len(g.zh)} Chinese and 0–{len(g.en)} English (got {zc} and {ec})")
    upper, lower = Group(g.zh[:zc], g.en[:ec]), Group(g.zh[zc:], g.en[ec:])
    if not (upper.zh or upper.en) or not (lower.zh or lower.en):
        raise InputError(f"split: the cut must leave at least one paragraph above and below it "
                         f"(link {number(link)} is {g.kind}; got {zc} Chinese and {ec} English above)")
    return replace_links(session, document_id, [link], [upper, lower], "split", user,
                         f"split link {number(link)} ({g.kind}) into {upper.kind} and {lower.kind}", reason)


SIDES = {"zh": "Chinese", "en": "English"}


def shift(session: Session, document_id: int, link_id: int | None, side: str, direction: str, user: User | None,
          reason: str = "") -> AlignmentChange:
    """Move a link's first ``side`` segment to the link above ("up") or its last to the link below ("down")."""
    require(user, "align", access.project_of(session, "document", document_id))
    if side not in SIDES:
        raise InputError(f"shift: side must be 'zh' or 'en' (got {side!r})")
    if direction not in ("up", "down"):
        raise InputError(f"shift: direction must be 'up' or 'down' (got {direction!r})")
    link = get_link(session, document_id, link_id)
    g = group_of(link)
    mine = getattr(g, side)
    if not mine:
        raise InputError(f"shift: link {number(link)} has no {SIDES[side]} paragraph to move")
    other_pos = link.position - 1 if direction == "up" else link.position + 1
    if other_pos < 0:
        raise InputError(f"shift up: link {number(link)} is the first link; there is no link above")
    window = links_window(session, document_id, min(link.position, other_pos), max(link.position, other_pos))
    if len(window) < 2:
        raise InputError(f"shift down: link {number(link)} is the last link; there is no link below")
    other = window[0] if direction == "up" else window[1]
    o = group_of(other)
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
    return replace_links(session, document_id, window, groups, "shift", user,
                         f"moved a {SIDES[side]} paragraph of link {number(link)} {direction} to link {number(other)}",
                         reason)


def link(session: Session, document_id: int, link_id: int | None, user: User | None, last_id: int | None = None,
         reason: str = "") -> AlignmentChange:
    """Link unlinked paragraphs: a range of links becomes one, or a one-sided link (1-0 or 0-1)
    joins the neighbouring link of the other side (below first, then above)."""
    require(user, "align", access.project_of(session, "document", document_id))
    first = get_link(session, document_id, link_id)
    if last_id is not None:
        last = get_link(session, document_id, last_id)
        lo, hi = sorted((first.position, last.position))
        if lo == hi:
            raise InputError("link: select at least two links (Shift+↑/↓) or a single unlinked paragraph")
        window = links_window(session, document_id, lo, hi)
    else:
        g = group_of(first)
        if g.zh and g.en:
            raise InputError(f"link: link {number(first)} is already linked ({g.kind}); select an unlinked "
                             "paragraph, or a range of links with Shift+↑/↓")
        want = "en" if g.zh else "zh"
        window = []
        for pos in (first.position + 1, first.position - 1):
            if pos < 0:
                continue
            found = links_window(session, document_id, pos, pos)
            if found:
                o = group_of(found[0])
                if getattr(o, want) and not getattr(o, "zh" if want == "en" else "en"):
                    window = sorted([first, found[0]], key=lambda x: x.position)
                    break
        if not window:
            raise InputError(f"link: there is no unlinked {SIDES[want]} paragraph next to link {number(first)}; "
                             "select a range of links with Shift+↑/↓ to link them")
    joined = join_groups([group_of(x) for x in window])
    if not joined.zh or not joined.en:
        raise InputError("link: the selected links have paragraphs on one side only; include both sides")
    return replace_links(session, document_id, window, [joined], "link", user,
                         f"linked links {number(window[0])}–{number(window[-1])} as {joined.kind}", reason)


def unlink(session: Session, document_id: int, link_id: int | None, user: User | None,
           reason: str = "") -> AlignmentChange:
    """Turn a link into 1-0 links for its Chinese and 0-1 links for its English segments."""
    require(user, "align", access.project_of(session, "document", document_id))
    lk = get_link(session, document_id, link_id)
    g = group_of(lk)
    if len(g.zh) + len(g.en) < 2:
        raise InputError(f"unlink: link {number(lk)} is already unlinked ({g.kind})")
    groups = [Group((i,), ()) for i in g.zh] + [Group((), (j,)) for j in g.en]
    return replace_links(session, document_id, [lk], groups, "unlink", user, f"unlinked link {number(lk)} ({g.kind})",
                         reason)


def realign(session: Session, document_id: int, link_id: int | None, user: User | None,
            last_id: int | None = None,
            method: str = DEFAULT_ALIGNER, reason: str = "") -> AlignmentChange:
    """Re-run the aligner from a link to ``last_id`` (or to the end); manual links stay as they are."""
    require(user, "align", access.project_of(session, "document", document_id))
    first = get_link(session, document_id, link_id)
    lo, hi = first.position, None
    if last_id is not None:
        last = get_link(session, document_id, last_id)
        lo, hi = sorted((first.position, last.position))
    window = links_window(session, document_id, lo, hi)
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
            groups.append(group_of(x))
        else:
            run.append(x)
    flush_run()
    summary = (f"re-aligned links {number(window[0])}–{number(window[-1])} ({', '.join(sorted(used))}; "
               f"{sum(x.origin == 'manual' for x in window)} manual links kept)")
    return replace_links(session, document_id, window, groups, "realign", user, summary, reason)


def undo(session: Session, document_id: int, user: User | None, change_id: int | None = None,
         reason: str = "") -> AlignmentChange:
    """Reverse a change (by default the latest one not yet undone); recorded as a change of its own."""
    require(user, "align", access.project_of(session, "document", document_id))
    queries.get_or_404(session, Document, document_id, "document")
    if change_id is None:
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
        change = session.get(AlignmentChange, change_id)
        if change is None or change.document_id != document_id:
            raise NotFound(f"alignment change {change_id} does not exist in document {document_id}")
    if change.op in NOT_UNDOABLE:
        raise InputError(f"undo: change #{change.id} ({change.summary}) cannot be undone")
    if change.undone_by_id is not None:
        raise InputError(f"undo: change #{change.id} was already undone (by #{change.undone_by_id})")
    after, before = groups_from_json(change.after), groups_from_json(change.before)
    current = _current_links(session, document_id, after)
    if current is None:
        raise Conflict(f"undo: the links of change #{change.id} were changed again later; undo the later "
                       "changes first")
    op = "redo" if change.op == "undo" else "undo"
    new = replace_links(session, document_id, current, before, op, user,
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
    window = links_window(session, document_id, pos, pos + len(groups) - 1)
    if len(window) != len(groups) or not all(group_of(x).same_members(g) for x, g in zip(window, groups, strict=True)):
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


def mark_checked(session: Session, document_id: int, link_id: int | None, user: User | None) -> int:
    """Clear the needs-review mark of a link's segments; returns how many were marked."""
    require(user, "edit", access.project_of(session, "document", document_id))
    lk = get_link(session, document_id, link_id)
    marked = [m.segment for m in lk.members if m.segment.needs_review]
    for s in marked:
        s.needs_review = False
    session.flush()
    return len(marked)


OPERATIONS = ("merge", "split", "shift", "link", "unlink", "realign", "undo")


@dataclass(frozen=True)
class Edit:
    """One alignment operation with its arguments, as the toolbar sends it (parsed by the caller)."""

    op: str
    link: int | None = None
    last: int | None = None
    zh_cut: int | None = None
    en_cut: int | None = None
    side: str = "en"
    direction: str = ""
    change: int | None = None
    reason: str = ""


def apply(session: Session, document_id: int, edit: Edit, user: User | None,
          method: str = DEFAULT_ALIGNER) -> AlignmentChange:
    """Run one :class:`Edit`; the change it recorded."""
    e = edit
    if e.op == "merge":
        return merge(session, document_id, e.link, user, e.reason)
    if e.op == "split":
        return split(session, document_id, e.link, e.zh_cut, e.en_cut, user, e.reason)
    if e.op == "shift":
        return shift(session, document_id, e.link, e.side, e.direction, user, e.reason)
    if e.op == "link":
        return link(session, document_id, e.link, user, e.last, e.reason)
    if e.op == "unlink":
        return unlink(session, document_id, e.link, user, e.reason)
    if e.op == "realign":
        return realign(session, document_id, e.link, user, e.last, method, e.reason)
    if e.op == "undo":
        return undo(session, document_id, user, e.change, e.reason)
    known = ", ".join(sorted(OPERATIONS + ("checked",)))
    raise InputError(f"unknown alignment operation {e.op!r} (use one of {known})")
