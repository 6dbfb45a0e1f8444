"""Projects and the counts shown for each document."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import InputError
from app.services.auth import require
from app.storage import access, queries
from app.storage.models import Project, Revision, Segment, User


def get_or_create_project(session: Session, name: str) -> Project:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InputError("project name: 1–200 characters")
    project = queries.project_by_name(session, name)
    if project is None:
        project = queries.add(session, Project(name=name))
    return project


def project_for_import(session: Session, name: str, user: User | None) -> Project:
    """The project an import goes into: an existing one where ``user`` is a reviewer, or a new one,
    whose reviewer the importer becomes. ``user`` None is the command line, which the machine trusts."""
    project = queries.project_by_name(session, (name or "").strip())
    if project is None:
        if user is not None:
            require(user, "create-project")
        project = get_or_create_project(session, name)
        if user is not None:
            access.set_member(session, project, user, "reviewer")
    elif user is not None:
        require(user, "import", project.id)
    return project


def visible_projects(session: Session, user: User) -> list[tuple[Project, int]]:
    """The projects ``user`` is a member of (all for admins), with their document counts."""
    ids = access.visible_project_ids(session, user)
    return [(p, n) for p, n in queries.list_projects(session) if ids is None or p.id in ids]


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
