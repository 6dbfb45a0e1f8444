"""Search and replace in a document's English: plain or regex, case, whole words; a preview of every hit."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.errors import InputError
from app.services.auth import require
from app.services.review import save_segment
from app.storage import access, queries
from app.storage.models import Document, Revision, Segment, User

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
    replacement: str

    @property
    def key(self) -> str:
        return f"{self.segment_id}:{self.start}:{self.end}"


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
              case: bool = False, whole_word: bool = False, limit: int = 2000) -> list[Hit]:
    """Every match in the document's current English, each with the paragraph as it would read after."""
    queries.get_or_404(session, Document, document_id, "document")
    rx = compile_pattern(pattern, regex, case, whole_word)
    hits: list[Hit] = []
    for seg in queries.document_segments(session, document_id, "en"):
        for m in rx.finditer(seg.text):
            if m.end() == m.start():
                continue
            try:
                rep = m.expand(replacement) if regex else replacement
            except (re.error, IndexError) as exc:
                raise InputError(f"the replacement does not fit the pattern: {exc}") from None
            hits.append(Hit(seg.id, seg.position, m.start(), m.end(), seg.text,
                            seg.text[:m.start()] + rep + seg.text[m.end():], m.group(0), rep))
            if len(hits) >= limit:
                return hits
    return hits


def apply_hits(session: Session, document_id: int, pattern: str, replacement: str, selected: set[str], user: User,
               regex: bool = False, case: bool = False, whole_word: bool = False, reason: str = "",
               category: str | None = None, severity: str | None = None) -> list[Revision]:
    """Replace the selected hits; one revision per paragraph changed. Hits are found again on the current text,
    so a paragraph changed since the preview is left alone rather than overwritten."""
    require(user, "edit", access.project_of(session, "document", document_id))
    if not selected:
        raise InputError("select at least one hit to replace")
    by_segment: dict[int, list[Hit]] = defaultdict(list)
    for hit in find_hits(session, document_id, pattern, replacement, regex, case, whole_word):
        if hit.key in selected:
            by_segment[hit.segment_id].append(hit)
    revisions = []
    for seg_id, hits in by_segment.items():
        seg = session.get(Segment, seg_id)
        text = seg.text
        for hit in sorted(hits, key=lambda h: -h.start):  # right to left keeps offsets valid
            text = text[:hit.start] + hit.replacement + text[hit.end:]
        why = reason or f"replaced “{hits[0].matched}” with “{hits[0].replacement}”"
        rev = save_segment(session, seg.id, text, seg.version, user, origin="replace", category=category,
                           severity=severity, reason=why)
        if rev is not None:
            revisions.append(rev)
    return revisions
