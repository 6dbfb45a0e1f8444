"""Link review statuses: who may set which, what a new link starts as, what each role is offered."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.errors import Forbidden, InputError
from app.services.auth import can, require
from app.storage import queries
from app.storage.models import LINK_STATUSES, Link, StatusChange, User, utcnow

STATUS_PERMISSION = {"untranslated": "edit", "translated": "edit", "reviewed": "approve", "approved": "approve",
                     "rejected": "approve"}

ICONS = {"untranslated": "○", "translated": "✎", "reviewed": "✓", "approved": "★", "rejected": "✗"}


def initial_status(has_english: bool) -> str:
    """The status of a link the aligner (or an alignment edit) makes: translated when it has English."""
    return "translated" if has_english else "untranslated"


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


def choices(link: Link, user: User | None) -> list[tuple[str, str]]:
    """The status buttons a user is offered on a link: (status, label), the current status left out."""
    if can(user, "approve"):
        offered = [("reviewed", "un-approve")] if link.status == "approved" else [
            ("reviewed", "✓ review"), ("approved", "★ approve"), ("rejected", "✗ reject")]
    elif can(user, "edit") and link.status != "approved":
        offered = [("translated", "✎ done")]
    else:
        offered = []
    return [(value, label) for value, label in offered if value != link.status]


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
