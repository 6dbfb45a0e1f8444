"""Query functions over a Session; none of them commits (the caller owns the session)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from app.errors import NotFound
from app.model import review_row
from app.storage.models import Document, Glossary, Link, LinkSegment, Project, Revision, Segment, User


def add(session: Session, row):
    """Add a row and flush it (so it has its id); returns the row."""
    session.add(row)
    session.flush()
    return row


def get_or_404(session: Session, model, ident: int, what: str):
    obj = session.get(model, ident)
    if obj is None:
        raise NotFound(f"{what} {ident} does not exist")
    return obj


def user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def project_by_name(session: Session, name: str) -> Project | None:
    return session.scalar(select(Project).where(Project.name == name))


def list_projects(session: Session) -> list[tuple[Project, int]]:
    """Projects with their document counts."""
    rows = session.execute(
        select(Project, func.count(Document.id))
        .outerjoin(Document, Document.project_id == Project.id)
        .group_by(Project.id)
        .order_by(Project.name)
    )
    return [(p, n) for p, n in rows]


def list_documents(session: Session, project_id: int | None = None) -> list[Document]:
    stmt = select(Document).options(selectinload(Document.project)).order_by(Document.id)
    if project_id is not None:
        stmt = stmt.where(Document.project_id == project_id)
    return list(session.scalars(stmt))


def document_segments(session: Session, document_id: int, side: str, level: str = "paragraph") -> list[Segment]:
    return list(
        session.scalars(
            select(Segment)
            .where(Segment.document_id == document_id, Segment.side == side, Segment.level == level,
                   Segment.retired.is_(False))
            .order_by(Segment.position)
        )
    )


def segment_texts(session: Session, document_id: int, side: str, level: str = "paragraph") -> list[str]:
    """The texts of ``document_segments`` (no ORM objects: a page that only counts characters reads these)."""
    return list(session.scalars(
        select(Segment.text)
        .where(Segment.document_id == document_id, Segment.side == side, Segment.level == level,
               Segment.retired.is_(False))
        .order_by(Segment.position)))


def count_links(session: Session, document_id: int, level: str = "paragraph") -> int:
    return session.scalar(
        select(func.count(Link.id)).where(Link.document_id == document_id, Link.level == level)
    ) or 0


def document_links(
    session: Session, document_id: int, level: str = "paragraph", offset: int = 0, limit: int | None = None,
    ids=None,
) -> list[Link]:
    """Links in order, with their member segments loaded in one extra query; ``ids`` (a collection or a
    SELECT of link ids) keeps just those."""
    stmt = (
        select(Link)
        .where(Link.document_id == document_id, Link.level == level)
        .order_by(Link.position)
        .options(selectinload(Link.members).selectinload(LinkSegment.segment), selectinload(Link.status_by))
        .offset(offset)
    )
    if ids is not None:
        stmt = stmt.where(Link.id.in_(ids))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def _revisions(session: Session, where, *order) -> list[Revision]:
    return list(session.scalars(select(Revision).where(where).options(selectinload(Revision.author)).order_by(*order)))


def segment_revisions(session: Session, segment_id: int) -> list[Revision]:
    return _revisions(session, Revision.segment_id == segment_id, Revision.version)


def document_revisions(session: Session, document_id: int) -> list[Revision]:
    return _revisions(session, Revision.document_id == document_id, Revision.created_at, Revision.id)


def links_of_document(session: Session, document_id: int, ids) -> list[Link]:
    """The links of the document among ``ids`` (ids of other documents are left out)."""
    return list(session.scalars(select(Link).where(Link.id.in_(list(ids)), Link.document_id == document_id)))


def revision_count(session: Session, segment_id: int) -> int:
    """Number of revisions of one segment."""
    return session.scalar(select(func.count(Revision.id)).where(Revision.segment_id == segment_id)) or 0


def revision_counts(session: Session, document_id: int) -> dict[int, int]:
    """Number of revisions per segment id of a document."""
    rows = session.execute(
        select(Revision.segment_id, func.count(Revision.id))
        .where(Revision.document_id == document_id)
        .group_by(Revision.segment_id)
    )
    return {sid: n for sid, n in rows}


def bump_segment(session: Session, segment_id: int, base_version: int, text: str) -> bool:
    """Set a segment's text if its version is still ``base_version``; False when it moved on."""
    result = session.execute(
        update(Segment)
        .where(Segment.id == segment_id, Segment.version == base_version)
        .values(text=text, version=base_version + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def project_glossary(session: Session, project_id: int) -> Glossary | None:
    return session.scalar(select(Glossary).where(Glossary.project_id == project_id).order_by(Glossary.id))


def english_rows(session: Session, document_id: int) -> dict[int, tuple[int, int]]:
    """English segment id -> (paragraph position, review row number) for a document's paragraph links."""
    rows = session.execute(
        select(Segment.id, Segment.position, Link.position)
        .join(LinkSegment, LinkSegment.segment_id == Segment.id).join(Link, Link.id == LinkSegment.link_id)
        .where(Link.document_id == document_id, Link.level == "paragraph", Segment.side == "en",
               Segment.retired.is_(False)))
    return {seg_id: (position, review_row(link_position)) for seg_id, position, link_position in rows}


def english_row_numbers(session: Session, document_id: int) -> dict[int, int]:
    """English segment id -> review row number."""
    return {seg_id: row for seg_id, (_position, row) in english_rows(session, document_id).items()}


def english_position_rows(session: Session, document_id: int) -> dict[int, int]:
    """English paragraph position -> review row number."""
    return {position: row for position, row in english_rows(session, document_id).values()}
