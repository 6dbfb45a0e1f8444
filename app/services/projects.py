"""Projects and the counts shown for each document."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import InputError
from app.storage import queries
from app.storage.models import Project, Revision, Segment


def get_or_create_project(session: Session, name: str) -> Project:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InputError("project name: 1–200 characters")
    project = queries.project_by_name(session, name)
    if project is None:
        project = queries.add(session, Project(name=name))
    return project


def document_stats(session: Session, document_id: int) -> dict:
    """Counts for the document list and the review header."""
    links = queries.count_links(session, document_id)
    en_total, en_edited = session.execute(
        select(func.count(Segment.id), func.count(Segment.id).filter(Segment.version > 0)).where(
            Segment.document_id == document_id, Segment.side == "en", Segment.level == "paragraph",
            Segment.retired.is_(False),
        )
    ).one()
    revisions = session.scalar(select(func.count(Revision.id)).where(Revision.document_id == document_id)) or 0
    return {"links": links, "en": en_total, "edited": en_edited, "revisions": revisions,
            "percent": round(100 * en_edited / en_total) if en_total else 0}
