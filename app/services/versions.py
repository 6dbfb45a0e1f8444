"""A new English version of a document, matched paragraph by paragraph with difflib.

Unchanged paragraphs keep their segment (so their review history) and their links.
Changed and new paragraphs become new segments marked ``needs_review`` and are
re-aligned within their stretch; paragraphs that disappeared are kept as retired
segments (never deleted, never shown or exported).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.model import plain_text
from app.services.auth import require
from app.services.imports import MAX_PARAGRAPH_CHARS, Upload, read_document
from app.services.links import (
    DEFAULT_ALIGNER,
    LEVEL,
    Group,
    describe,
    group_of,
    links_query,
    move_link_rows,
    new_link,
    positions,
    run_aligner,
)
from app.storage import access, queries
from app.storage.models import AlignmentChange, Document, Link, Segment, User
from app.textdiff import word_diff


@dataclass
class VersionResult:
    """What a new version changed."""

    change: AlignmentChange
    kept: int
    new: int
    retired: int
    stretches: int
    methods: set[str] = field(default_factory=set)

    def message(self) -> str:
        if not self.new and not self.retired:
            return "The new version has the same paragraphs; nothing changed."
        return (f"{self.kept} paragraphs unchanged (history kept), {self.new} new or changed (marked for review), "
                f"{self.retired} retired; {self.stretches} stretch{'' if self.stretches == 1 else 'es'} re-aligned"
                + (f" ({', '.join(sorted(self.methods))})" if self.methods else "") + ".")


@dataclass
class _Region:
    """Links between two fixed links, and the English (new order indices) between them."""

    links: list[int]
    en: range


def import_new_version(session: Session, document_id: int, en_upload: Upload, user: User | None,
                       method: str = DEFAULT_ALIGNER, reason: str = "",
                       max_chars: int = MAX_PARAGRAPH_CHARS) -> VersionResult:
    """Replace a document's English by a new version; see the module docstring."""
    require(user, "import", access.project_of(session, "document", document_id))
    doc = queries.get_or_404(session, Document, document_id, "document")
    paragraphs = list(read_document(en_upload, max_chars=max_chars).paragraphs)
    old = queries.document_segments(session, doc.id, "en")
    links = list(session.scalars(links_query(doc.id)))

    # Match on the imported text; a paragraph equal to the reviewed text counts as unchanged too.
    # (on the text without inline codes, stripped as a file's paragraphs are: a new version's file has none)
    reviewed = {plain_text(s.text).strip(): plain_text(s.original).strip() for s in old if s.text != s.original}
    a = [plain_text(s.original).strip() for s in old]
    originals = set(a)
    b = [p if p in originals else reviewed.get(p, p) for p in paragraphs]
    order: list[Segment | str] = []  # kept segments and the texts of new ones, in the new order
    retired: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            order.extend(old[i1:i2])
        else:
            retired.extend(old[i1:i2])
            order.extend(paragraphs[j1:j2])
    n_new = sum(isinstance(x, str) for x in order)
    kept = len(order) - n_new

    retired_ids = {s.id for s in retired}
    new_index = {x.id: k for k, x in enumerate(order) if isinstance(x, Segment)}
    groups = [group_of(x) for x in links]
    # A link is re-aligned when it lost an English paragraph or one was inserted between its paragraphs.
    dirty = [any(i in retired_ids for i in g.en)
             or (bool(g.en) and new_index[g.en[-1]] - new_index[g.en[0]] + 1 != len(g.en)) for g in groups]
    regions = _regions(groups, dirty, new_index, order)
    todo = [r for r in regions if any(dirty[k] for k in r.links) or any(isinstance(order[k], str) for k in r.en)]

    pos_before = positions(session, {i for g in groups for i in g.zh + g.en})

    # Renumber: active English 0..n-1, retired ones at -id (positions are unique per side).
    for s in old:
        s.position = -s.id
    session.flush()
    segs: list[Segment] = []
    for k, x in enumerate(order):
        if isinstance(x, str):
            x = Segment(document_id=doc.id, side="en", level=LEVEL, position=k, text=x, original=x,
                        needs_review=True)
            session.add(x)
        else:
            x.position = k
        segs.append(x)
    for s in retired:
        s.retired = True
    session.flush()

    before_groups, after_groups, methods = [], [], set()
    before_region, after_region = [], []  # the re-aligned stretch of each group (for "what changed")
    replaced: dict[int, list[Group]] = {}  # id of a re-aligned region → its new groups
    for r in todo:
        zh = [i for k in r.links for i in groups[k].zh]
        en = [segs[k] for k in r.en]
        new_groups: list[Group] = []
        if zh or en:
            zh_texts = dict(session.execute(select(Segment.id, Segment.text).where(Segment.id.in_(zh))).all())
            beads, used = run_aligner([zh_texts[i] for i in zh], [s.text for s in en], method)
            methods.add(used)
            new_groups = [Group(tuple(zh[i] for i in bd.src), tuple(en[j].id for j in bd.tgt), "auto",
                                round(float(bd.score), 4)) for bd in beads]
        before_groups.extend(groups[k] for k in r.links)
        after_groups.extend(new_groups)
        before_region.extend([len(replaced)] * len(r.links))
        after_region.extend([len(replaced)] * len(new_groups))
        replaced[id(r)] = new_groups

    # The new sequence of links: fixed links stay, each re-aligned region is replaced; a link the
    # aligner gives back unchanged keeps its row (and its status history and comments).
    final: list[Link] = []
    gone: list[Link] = []
    todo_ids = {id(r) for r in todo}
    fixed_after = _fixed_links(regions, len(links))
    for r, fixed in zip(regions, fixed_after, strict=True):
        if id(r) in todo_ids:
            reuse = {(groups[k].zh, groups[k].en): links[k] for k in r.links}
            for g in replaced[id(r)]:
                lk = reuse.pop((g.zh, g.en), None)
                if lk is None:
                    lk = new_link(doc.id, len(final), g)
                    session.add(lk)
                final.append(lk)
            gone.extend(reuse.values())
        else:
            final.extend(links[k] for k in r.links)
        if fixed is not None:
            final.append(links[fixed])
    session.flush()
    holder = {m.segment_id: lk.id for lk in final for m in lk.members}
    moves = []
    for lk in gone:
        target = next((holder[i] for i in sorted(m.segment_id for m in lk.members) if i in holder), None)
        if target is not None:
            moves.append((lk.id, target))
    move_link_rows(session, moves)
    for lk in gone:
        session.delete(lk)
    session.flush()
    for pos, lk in enumerate(final):
        if lk.position != pos:
            lk.position = pos
    doc.en_filename = Path(en_upload.filename).name[:300]
    pos_after = positions(session, {i for g in after_groups for i in g.zh + g.en})
    result = VersionResult(None, kept, n_new, len(retired), len(todo), methods)
    change = AlignmentChange(
        document_id=doc.id, level=LEVEL, op="new-version",
        before=json.dumps([{**d, "region": k} for d, k in zip(describe(before_groups, pos_before), before_region,
                                                                strict=True)]),
        after=json.dumps([{**d, "region": k} for d, k in zip(describe(after_groups, pos_after), after_region,
                                                               strict=True)]),
        summary=f"new English version {doc.en_filename}: " + result.message(),
        reason=(reason or "").strip()[:2000], author_id=user.id if user else None,
    )
    session.add(change)
    session.flush()
    result.change = change
    return result


def _regions(groups: list[Group], dirty: list[bool], new_index: dict[int, int], order: list) -> list[_Region]:
    """Split the links at fixed links (clean, with English); absorb the fixed neighbours of a region
    that gains English but has no Chinese to pair it with."""
    fixed = [not dirty[k] and bool(g.en) for k, g in enumerate(groups)]
    while True:
        regions = _split(groups, fixed, new_index, len(order))
        changed = False
        for r, right in zip(regions, _fixed_links(regions, len(groups)), strict=True):
            gains = any(isinstance(order[k], str) for k in r.en)
            has_zh = any(groups[k].zh for k in r.links)
            if gains and not has_zh:
                left = r.links[0] - 1 if r.links else (right - 1 if right is not None else len(groups) - 1)
                for k in (left, right):
                    if k is not None and 0 <= k < len(groups) and fixed[k]:
                        fixed[k] = False
                        changed = True
        if not changed:
            return regions


def _split(groups, fixed, new_index, n_order) -> list[_Region]:
    regions, prev_link, prev_en = [], -1, -1
    for k in [k for k in range(len(groups)) if fixed[k]] + [len(groups)]:
        first_en = min(new_index[i] for i in groups[k].en) if k < len(groups) else n_order
        regions.append(_Region(list(range(prev_link + 1, k)), range(prev_en + 1, first_en)))
        if k < len(groups):
            prev_link, prev_en = k, max(new_index[i] for i in groups[k].en)
    return regions


def _fixed_links(regions: list[_Region], n_links: int) -> list[int | None]:
    """The fixed link after each region (None after the last)."""
    out, nxt = [], 0
    for r in regions:
        start = r.links[-1] + 1 if r.links else nxt
        out.append(start if start < n_links else None)
        nxt = start + 1
    return out


def version_diffs(session: Session, document_id: int, segment_ids) -> dict[int, list[tuple[str, str]]]:
    """What a new version changed around paragraphs still marked for review: for each of those segment
    ids, the word diff of the English of its re-aligned stretch (before → after)."""
    want, out = set(segment_ids), {}
    if not want:
        return out
    changes = session.scalars(select(AlignmentChange).where(
        AlignmentChange.document_id == document_id, AlignmentChange.op == "new-version").order_by(
        AlignmentChange.id.desc()))
    for change in changes:
        regions: dict[int, tuple[list[int], list[int]]] = {}
        for key, text in ((0, change.before), (1, change.after)):
            for d in json.loads(text or "[]"):
                regions.setdefault(d.get("region", -1), ([], []))[key].extend(d["en"])
        for old, new in regions.values():
            hit = (want & set(new)) - set(out)
            if not hit:
                continue
            rows = session.execute(select(Segment.id, Segment.text, Segment.original).where(
                Segment.id.in_(old + new))).all()
            before = {i: t for i, t, _o in rows}
            after = {i: o for i, _t, o in rows}
            diff = word_diff("\n".join(before[i] for i in old), "\n".join(after[i] for i in new))
            out.update((i, diff) for i in hit)
        if want <= set(out):
            break
    return out
