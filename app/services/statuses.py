"""Link review statuses: who may set which, what a new link starts as, what each role is offered."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.errors import Forbidden, InputError
from app.services.auth import can, require
from app.storage import access, queries
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
    link = queries.get_or_404(session, Link, link_id, "link")
    project_id = access.project_of(session, "document", link.document_id)
    require(user, STATUS_PERMISSION[status], project_id)
    if link.status == "approved" and status != "approved" and not can(user, "approve", project_id):
        raise Forbidden("only a reviewer can un-approve a link")
    if status in ("reviewed", "approved"):
        for member in link.members:  # a reviewed link no longer waits for a check after a new version
            member.segment.needs_review = False
    record_status(session, link, status, user)
    return link


def record_status(session: Session, link: Link, status: str, user: User | None, note: str = "") -> None:
    """Change ``link``'s status and keep the change (who, when, before, after, a note); the one place
    a status changes, so none goes unrecorded."""
    if link.status != status:
        session.add(StatusChange(document_id=link.document_id, link_id=link.id, before=link.status, after=status,
                                 author_id=user.id if user is not None else None, note=note))
        link.status, link.status_by_id, link.status_at = status, user.id if user is not None else None, utcnow()
    session.flush()


def after_edit(session: Session, link: Link, user: User, project_id: int | None) -> None:
    """A translator's edit of an approved link sends it back to *translated* (recorded)."""
    if link.status == "approved" and not can(user, "approve", project_id):
        record_status(session, link, "translated", user, note="edited after approval")


def confirm_status(user: User, project_id: int | None) -> str:
    """The status that "confirm" gives: translators mark translated, reviewers reviewed."""
    return "reviewed" if can(user, "approve", project_id) else "translated"


def choices(link: Link, user: User | None, project_id: int | None) -> list[tuple[str, str]]:
    """The status buttons a user is offered on a link: (status, label), the current status left out."""
    if can(user, "approve", project_id):
        offered = [("reviewed", "un-approve")] if link.status == "approved" else [
            ("reviewed", "✓ review"), ("approved", "★ approve"), ("rejected", "✗ reject")]
    elif can(user, "edit", project_id) and link.status != "approved":
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
