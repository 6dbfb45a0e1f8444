"""Review workflow: link statuses, comments, revert, search and replace, fix propagation, score and effort."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.errors import Forbidden, InputError
from app.services import can, require, save_segment
from app.storage import queries
from app.storage.models import (
    LINK_STATUSES,
    Comment,
    Document,
    Link,
    Revision,
    Segment,
    StatusChange,
    User,
    utcnow,
)

# What a role may set. Translators mark their own work; reviewers and admins decide.
STATUS_PERMISSION = {"untranslated": "edit", "translated": "edit", "reviewed": "approve", "approved": "approve",
                     "rejected": "approve"}
MAX_COMMENT = 5000
MAX_PATTERN = 500


# ---------------------------------------------------------------- statuses


def set_status(session: Session, link_id: int, status: str, user: User) -> Link:
    """Set a link's review status; the change is kept with who and when."""
    if status not in LINK_STATUSES:
        raise InputError(f"status must be one of {', '.join(LINK_STATUSES)}")
    require(user, STATUS_PERMISSION[status])
    link = queries.get_or_404(session, Link, link_id, "link")
    if link.status == "approved" and status != "approved" and not can(user, "approve"):
        raise Forbidden("only a reviewer can un-approve a link")
    if status in ("reviewed", "approved"):
        for member in link.members:  # a reviewed link no longer waits for a check after a new version
            member.segment.needs_review = False
    if link.status == status:
        session.flush()
        return link
    session.add(StatusChange(document_id=link.document_id, link_id=link.id, before=link.status, after=status,
                             author_id=user.id))
    link.status, link.status_by_id, link.status_at = status, user.id, utcnow()
    session.flush()
    return link


def confirm_status(user: User) -> str:
    """The status that "confirm" gives: translators mark translated, reviewers reviewed."""
    return "reviewed" if can(user, "approve") else "translated"


def link_of_segment(session: Session, segment_id: int) -> Link | None:
    from app.storage.models import LinkSegment

    return session.scalar(select(Link).join(LinkSegment).where(LinkSegment.segment_id == segment_id,
                                                                 Link.level == "paragraph"))


def status_counts(session: Session, document_id: int) -> dict[str, int]:
    rows = session.execute(select(Link.status, func.count(Link.id)).where(
        Link.document_id == document_id, Link.level == "paragraph").group_by(Link.status))
    counts = {s: 0 for s in LINK_STATUSES}
    counts.update({status: n for status, n in rows})
    return counts


def status_history(session: Session, link_id: int) -> list[StatusChange]:
    return list(session.scalars(select(StatusChange).where(StatusChange.link_id == link_id)
                                .options(selectinload(StatusChange.author))
                                .order_by(StatusChange.created_at.desc(), StatusChange.id.desc())))


# ---------------------------------------------------------------- comments


def add_comment(session: Session, document_id: int, link_id: int | None, body: str, user: User) -> Comment:
    require(user, "edit")
    body = (body or "").strip()
    if not body:
        raise InputError("a comment needs some text")
    if len(body) > MAX_COMMENT:
        raise InputError(f"the comment is too long ({len(body)} characters; the limit is {MAX_COMMENT})")
    queries.get_or_404(session, Document, document_id, "document")
    if link_id is not None:
        link = queries.get_or_404(session, Link, link_id, "link")
        if link.document_id != document_id:
            raise InputError("that link belongs to another document")
    comment = Comment(document_id=document_id, link_id=link_id, body=body, author_id=user.id)
    session.add(comment)
    session.flush()
    return comment


def resolve_comment(session: Session, comment_id: int, resolved: bool, user: User) -> Comment:
    require(user, "edit")
    comment = queries.get_or_404(session, Comment, comment_id, "comment")
    comment.resolved = resolved
    comment.resolved_by_id = user.id if resolved else None
    comment.resolved_at = utcnow() if resolved else None
    session.flush()
    return comment


def link_comments(session: Session, link_id: int) -> list[Comment]:
    return list(session.scalars(select(Comment).where(Comment.link_id == link_id)
                                .options(selectinload(Comment.author), selectinload(Comment.resolved_by))
                                .order_by(Comment.created_at, Comment.id)))


def open_comment_counts(session: Session, document_id: int) -> dict[int, int]:
    rows = session.execute(select(Comment.link_id, func.count(Comment.id)).where(
        Comment.document_id == document_id, Comment.resolved.is_(False)).group_by(Comment.link_id))
    return {link_id: n for link_id, n in rows if link_id is not None}


# ---------------------------------------------------------------- revert


def revert(session: Session, segment_id: int, to_version: int, base_version: int, user: User) -> Revision | None:
    """Restore the text a segment had at ``to_version`` (0 = as imported); the revert is itself a revision."""
    seg = queries.get_or_404(session, Segment, segment_id, "segment")
    if to_version == 0:
        text = seg.original
    else:
        rev = session.scalar(select(Revision).where(Revision.segment_id == seg.id, Revision.version == to_version))
        if rev is None:
            raise InputError(f"paragraph has no version {to_version}")
        text = rev.after
    return save_segment(session, seg.id, text, base_version, user, reason=f"reverted to version {to_version}",
                        origin="revert")


# ---------------------------------------------------------------- search and replace


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
    require(user, "edit")
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


# ---------------------------------------------------------------- score and effort


@dataclass
class Score:
    penalty: float
    source_chars: int
    per_thousand: float
    threshold: float
    passed: bool
    errors: Counter = field(default_factory=Counter)  # (category, severity) -> count
    weights: dict = field(default_factory=dict)


def quality_score(session: Session, document_id: int, weights: dict[str, float], threshold: float) -> Score:
    """MQM-style: penalty points of the annotated fixes per 1,000 source characters, against a threshold.

    Each revision that carries an error category counts once, with its severity's weight (no severity: minor).
    Reverted fixes still count: the error was found.
    """
    zh_chars = sum(len("".join(s.text.split())) for s in queries.document_segments(session, document_id, "zh"))
    errors: Counter = Counter()
    penalty = 0.0
    for rev in queries.document_revisions(session, document_id):
        if not rev.category or rev.origin == "revert":
            continue
        severity = rev.severity or "minor"
        errors[(rev.category, severity)] += 1
        penalty += weights.get(severity, 0.0)
    per_thousand = 1000 * penalty / zh_chars if zh_chars else 0.0
    return Score(penalty, zh_chars, round(per_thousand, 2), threshold, per_thousand <= threshold, errors, weights)


@dataclass
class Effort:
    chrf: float
    ter: float
    bleu: float
    seconds: float
    changed: bool


def _metrics(original: str, corrected: str) -> tuple[float, float, float]:
    from sacrebleu.metrics import BLEU, CHRF, TER

    if original == corrected:
        return 100.0, 0.0, 100.0
    chrf = CHRF().sentence_score(corrected, [original]).score
    ter = TER().sentence_score(corrected, [original]).score
    bleu = BLEU(effective_order=True).sentence_score(corrected, [original]).score
    return round(chrf, 2), round(ter, 2), round(bleu, 2)


def edit_effort(session: Session, document_id: int) -> tuple[dict[int, Effort], Effort]:
    """chrF, TER and BLEU (sacreBLEU) between the imported and the corrected English, per link and for the
    document (corpus-level over links), plus the editing time recorded with the revisions."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    seconds: dict[int, float] = defaultdict(float)
    for rev in queries.document_revisions(session, document_id):
        seconds[rev.segment_id] += rev.seconds or 0.0
    per_link: dict[int, Effort] = {}
    originals, corrected = [], []
    total_seconds = 0.0
    for link in queries.document_links(session, document_id):
        en = sorted((m.segment for m in link.members if m.segment.side == "en"), key=lambda s: s.position)
        if not en:
            continue
        before = "\n".join(s.original for s in en)
        after = "\n".join(s.text for s in en)
        spent = sum(seconds[s.id] for s in en)
        total_seconds += spent
        per_link[link.id] = Effort(*_metrics(before, after), spent, before != after)
        originals.append(before)
        corrected.append(after)
    if not originals:
        return per_link, Effort(100.0, 0.0, 100.0, 0.0, False)
    if originals == corrected:
        return per_link, Effort(100.0, 0.0, 100.0, total_seconds, False)
    doc = Effort(round(CHRF().corpus_score(corrected, [originals]).score, 2),
                 round(TER().corpus_score(corrected, [originals]).score, 2),
                 round(BLEU().corpus_score(corrected, [originals]).score, 2), total_seconds, True)
    return per_link, doc


EFFORT_SIGNATURE = "chrF2|TER|BLEU(sacrebleu defaults); ref=imported English, hyp=corrected English"
