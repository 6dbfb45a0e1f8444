"""The review grid and everything done on one paragraph: rows, save, revert, history, comments."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.errors import Conflict, InputError
from app.model import ERROR_CATEGORIES, FIX_SEVERITIES, code_char, codes_in, keep_known_codes
from app.services import inline, statuses
from app.services.auth import require
from app.services.links import is_weak, number
from app.storage import access, queries
from app.storage.models import Comment, Document, Link, LinkSegment, Revision, Segment, User, utcnow
from app.textdiff import word_diff

MAX_SEGMENT_CHARS = 100_000
MAX_COMMENT = 5000


@dataclass
class Row:
    """One line of the review grid: a link with its Chinese and English segments."""

    link: Link
    number: int
    zh: list[Segment]
    en: list[Segment]
    weak: bool = False  # the aligner was unsure of the link (see ``links.is_weak``)
    codes: inline.LinkCodes | None = None  # the inline codes and lock of a link from a CAT file

    @property
    def locked(self) -> bool:
        return self.codes is not None and self.codes.locked

    @property
    def source_codes(self) -> str:
        """The placeholders of the Chinese, in order (what "copy the source's tokens" inserts)."""
        return source_codes(self.zh)


def source_codes(zh_segments) -> str:
    return "".join(code_char(role, n) for s in zh_segments for _, role, n in codes_in(s.text))


def review_rows(
    session: Session, document_id: int, page: int = 1, page_size: int = 200, only_links: set[int] | None = None,
    status: str = "", reviewer: str = "", weak: float = 0.0,
) -> tuple[list[Row], int]:
    """The rows of one page and the number of pages. ``only_links`` keeps just those link ids; ``status`` and
    ``reviewer`` (who set the status) filter in the query; rows below the ``weak`` confidence are marked."""
    ids = select(Link.id).where(Link.document_id == document_id, Link.level == "paragraph")
    if only_links is not None:
        ids = ids.where(Link.id.in_(only_links))
    if status:
        ids = ids.where(Link.status == status)
    if reviewer:
        ids = ids.join(User, User.id == Link.status_by_id).where(User.username == reviewer)
    filtered = only_links is not None or status or reviewer
    total = session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    links = queries.document_links(session, document_id, offset=(page - 1) * page_size, limit=page_size,
                                   ids=ids if filtered else None)
    rows = []
    table = inline.document_codes(session, document_id)
    for link in links:
        segs = [m.segment for m in link.members]
        rows.append(
            Row(
                link=link,
                number=number(link),
                zh=sorted((s for s in segs if s.side == "zh"), key=lambda s: s.position),
                en=sorted((s for s in segs if s.side == "en"), key=lambda s: s.position),
                weak=is_weak(link, weak),
                codes=table.get(link.id),
            )
        )
    return rows, pages


def reviewers(session: Session, document_id: int) -> list[str]:
    """The names of the users who set a status in the document, sorted."""
    return sorted(session.scalars(
        select(User.username).join(Link, Link.status_by_id == User.id)
        .where(Link.document_id == document_id, Link.level == "paragraph").distinct()))


def save_segment(
    session: Session,
    segment_id: int,
    text: str,
    base_version: int,
    user: User,
    reason: str = "",
    category: str | None = None,
    severity: str | None = None,
    origin: str = "edit",
    seconds: float | None = None,
) -> Revision | None:
    """Save a new English text as a revision; a stale ``base_version`` raises Conflict.

    Returns None when the text did not change (nothing is recorded).
    """
    seg = queries.get_or_404(session, Segment, segment_id, "segment")
    project_id = access.project_of(session, "document", seg.document_id)
    require(user, "edit", project_id)
    if seg.side != "en":
        raise InputError("only the English side can be edited")
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_SEGMENT_CHARS:
        raise InputError(f"the text is too long ({len(text)} characters; the limit is {MAX_SEGMENT_CHARS})")
    if "\x00" in text:
        raise InputError("the text contains a NUL character")
    if category and category not in ERROR_CATEGORIES:
        raise InputError(f"unknown error category {category!r}")
    if severity and severity not in FIX_SEVERITIES:
        raise InputError(f"unknown severity {severity!r}")
    link = link_of_segment(session, seg.id)
    codes = inline.link_codes(session, seg.document_id, link.id if link is not None else None)
    if codes.locked:
        raise InputError("this segment is locked in its CAT file; it cannot be edited here")
    # an edit may move or delete the link's inline codes, never invent one
    text = keep_known_codes(text, inline.allowed_codes(codes, seg.text, seg.original))
    if base_version != seg.version:
        raise Conflict("someone saved this paragraph after you opened it", current=seg)
    if text == seg.text:
        return None
    before = seg.text
    if not queries.bump_segment(session, seg.id, base_version, text):
        session.refresh(seg)
        raise Conflict("someone saved this paragraph after you opened it", current=seg)
    session.refresh(seg)
    rev = Revision(
        document_id=seg.document_id,
        segment_id=seg.id,
        version=seg.version,
        before=before,
        after=text,
        author_id=user.id,
        reason=(reason or "").strip()[:2000],
        category=category or None,
        severity=severity or None,
        origin=origin,
        seconds=min(max(float(seconds), 0.0), 86400.0) if seconds is not None else None,
    )
    if link is not None:
        statuses.after_edit(session, link, user, project_id)
    return queries.add(session, rev)


def segment_history(session: Session, segment_id: int):
    """A segment and its revisions, newest first, each with a word-level diff."""
    seg = queries.get_or_404(session, Segment, segment_id, "segment")
    revs = queries.segment_revisions(session, seg.id)
    return seg, [(rev, word_diff(rev.before, rev.after)) for rev in reversed(revs)]


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


def link_of_segment(session: Session, segment_id: int) -> Link | None:
    return session.scalar(select(Link).join(LinkSegment).where(LinkSegment.segment_id == segment_id,
                                                                 Link.level == "paragraph"))


def add_comment(session: Session, document_id: int, link_id: int | None, body: str, user: User) -> Comment:
    require(user, "edit", access.project_of(session, "document", document_id))
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
    return queries.add(session, Comment(document_id=document_id, link_id=link_id, body=body, author_id=user.id))


def resolve_comment(session: Session, comment_id: int, resolved: bool, user: User) -> Comment:
    comment = queries.get_or_404(session, Comment, comment_id, "comment")
    require(user, "edit", access.project_of(session, "document", comment.document_id))
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
