"""Search and replace in a document's English: plain or regex, case, whole words; a preview of every hit.

Patterns run over the text without its inline codes (``plain_text``) and replacements put every code back
(``reinsert_codes``), so a search never matches, moves or removes a code. Each replacement is fitted to the words
around its hit (app/terminology/fitting.py: one article, no repeated word, a/an, the capital at a sentence start)
and carries the grammar warnings the preview and ``duizhao replace`` show; ``fit=False`` replaces as typed."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InputError
from app.model import plain_offsets, reinsert_codes
from app.services import inline
from app.services.auth import require
from app.services.review import save_segment
from app.storage import access, queries
from app.storage.models import Document, LinkSegment, Revision, Segment, User
from app.terminology import fitting

MAX_PATTERN = 500


@dataclass(frozen=True)
class Hit:
    segment_id: int
    position: int  # English paragraph position
    start: int
    end: int
    before: str  # the paragraph as it is
    after: str  # the paragraph with this one hit replaced
    matched: str
    replacement: str  # what goes in place of ``removed``: the typed replacement fitted to the words around it
    plain_start: int = -1  # the replaced span in the text without inline codes (the hit, maybe widened by a word)
    plain_end: int = -1
    removed: str = ""  # the plain text of that span
    typed: str = ""  # the replacement as typed (a regex's expanded)
    span_start: int = -1  # the replaced span in the coded text
    span_end: int = -1
    notes: tuple[fitting.Note, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.segment_id}:{self.start}:{self.end}"

    @property
    def warnings(self) -> tuple[fitting.Note, ...]:
        return tuple(n for n in self.notes if n.warning)

    @property
    def changes(self) -> bool:
        return self.removed != self.replacement


def compile_pattern(pattern: str, regex: bool, case: bool, whole_word: bool = False) -> re.Pattern:
    if not pattern:
        raise InputError("type something to search for")
    if len(pattern) > MAX_PATTERN:
        raise InputError(f"the search is too long ({MAX_PATTERN} characters at most)")
    source = pattern if regex else re.escape(pattern)
    if whole_word:
        source = rf"(?<!\w){source}(?!\w)"
    try:
        return re.compile(source, 0 if case else re.IGNORECASE)
    except re.error as exc:
        raise InputError(f"not a valid regular expression: {exc}") from None


def find_hits(session: Session, document_id: int, pattern: str, replacement: str = "", regex: bool = False,
              case: bool = False, whole_word: bool = False, limit: int = 2000, fit: bool = True) -> list[Hit]:
    """Every match in the document's current English, each with the paragraph as it would read after."""
    queries.get_or_404(session, Document, document_id, "document")
    rx = compile_pattern(pattern, regex, case, whole_word)
    hits: list[Hit] = []
    locked = locked_segments(session, document_id)
    for seg in queries.document_segments(session, document_id, "en"):
        if seg.id in locked:  # a segment its CAT file locked is never changed
            continue
        plain, where = plain_offsets(seg.text)
        matches = [m for m in rx.finditer(plain) if m.end() > m.start()]
        done = None
        for i, m in enumerate(matches):
            try:
                rep = m.expand(replacement) if regex else replacement
            except (re.error, IndexError) as exc:
                raise InputError(f"the replacement does not fit the pattern: {exc}") from None
            lo = done.end if done else 0  # a fitted span never reaches into another hit or its fitted span
            hi = matches[i + 1].start() if i + 1 < len(matches) else len(plain)
            done = fitting.fit(plain, m.start(), m.end(), rep, lo, hi) if fit else fitting.Fit(m.start(), m.end(), rep)
            hits.append(_hit(seg, plain, where, m, rep, done))
            if len(hits) >= limit:
                return hits
    return hits


def _hit(seg: Segment, plain: str, where: list[int], m: re.Match, typed: str, done: fitting.Fit) -> Hit:
    after = plain[:done.start] + done.replacement + plain[done.end:]
    coded = len(where) != len(seg.text) + 1
    return Hit(seg.id, seg.position, where[m.start()], where[m.end() - 1] + 1, seg.text,
               reinsert_codes(seg.text, after) if coded else after, m.group(0), done.replacement,
               done.start, done.end, plain[done.start:done.end], typed, where[done.start],
               where[done.end - 1] + 1 if done.end > done.start else where[done.start], done.notes)


def locked_segments(session: Session, document_id: int) -> set[int]:
    """Ids of the English segments of links the CAT file locked."""
    links = {k for k, v in inline.document_codes(session, document_id).items() if v.locked}
    if not links:
        return set()
    return set(session.scalars(select(LinkSegment.segment_id).where(LinkSegment.link_id.in_(links))))


def apply_hits(session: Session, document_id: int, pattern: str, replacement: str, selected: set[str], user: User,
               regex: bool = False, case: bool = False, whole_word: bool = False, reason: str = "",
               category: str | None = None, severity: str | None = None, fit: bool = True) -> list[Revision]:
    """Replace the selected hits; one revision per paragraph changed. Hits are found again on the current text,
    so a paragraph changed since the preview is left alone rather than overwritten."""
    require(user, "edit", access.project_of(session, "document", document_id))
    if not selected:
        raise InputError("select at least one hit to replace")
    by_segment: dict[int, list[Hit]] = defaultdict(list)
    for hit in find_hits(session, document_id, pattern, replacement, regex, case, whole_word, limit=10**9, fit=fit):
        if hit.key in selected:
            by_segment[hit.segment_id].append(hit)
    revisions = []
    for seg_id, hits in by_segment.items():
        seg = session.get(Segment, seg_id)
        text, _ = plain_offsets(seg.text)
        for hit in sorted(hits, key=lambda h: -h.plain_start):  # right to left keeps offsets valid
            text = text[:hit.plain_start] + hit.replacement + text[hit.plain_end:]
        text = reinsert_codes(seg.text, text)
        why = reason or f"replaced “{hits[0].matched}” with “{hits[0].typed}”"
        rev = save_segment(session, seg.id, text, seg.version, user, origin="replace", category=category,
                           severity=severity, reason=why)
        if rev is not None:
            revisions.append(rev)
    return revisions


@dataclass
class Replacement:
    """What replacing every hit did (or, for a dry run, would do): hits, paragraphs changed, revisions."""

    hits: list[Hit]
    paragraphs: int
    revisions: list[Revision]


def replace_all(session: Session, document_id: int, pattern: str, replacement: str, user: User,
                regex: bool = False, case: bool = False, whole_word: bool = False, reason: str = "",
                dry_run: bool = False, fit: bool = True) -> Replacement:
    """Every hit replaced (``duizhao replace``): one revision per paragraph changed, inline codes untouched.
    ``dry_run`` finds and counts only. The user must be allowed to edit in the document's project."""
    queries.get_or_404(session, Document, document_id, "document")
    require(user, "edit", access.project_of(session, "document", document_id))
    hits = find_hits(session, document_id, pattern, replacement, regex, case, whole_word, limit=10**9, fit=fit)
    changed = {h.segment_id for h in hits if h.changes}
    if dry_run or not changed:
        return Replacement(hits, len(changed), [])
    revisions = apply_hits(session, document_id, pattern, replacement, {h.key for h in hits}, user, regex, case,
                           whole_word, reason, fit=fit)
    return Replacement(hits, len(revisions), revisions)
