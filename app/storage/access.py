"""Who may reach what: project membership, and the project that any id belongs to.

None of these functions commits (the caller owns the session).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.storage.models import (
    PROJECT_ROLES,
    Comment,
    Document,
    Glossary,
    Job,
    Link,
    Project,
    ProjectMember,
    Revision,
    Segment,
    Term,
    User,
)

# How each kind of id reaches its project: a select of the project id, given the id.
_PROJECT_OF = {
    "project": lambda i: select(Project.id).where(Project.id == i),
    "document": lambda i: select(Document.project_id).where(Document.id == i),
    "segment": lambda i: select(Document.project_id).join(Segment, Segment.document_id == Document.id)
    .where(Segment.id == i),
    "link": lambda i: select(Document.project_id).join(Link, Link.document_id == Document.id).where(Link.id == i),
    "comment": lambda i: select(Document.project_id).join(Comment, Comment.document_id == Document.id)
    .where(Comment.id == i),
    "revision": lambda i: select(Document.project_id).join(Revision, Revision.document_id == Document.id)
    .where(Revision.id == i),
    "term": lambda i: select(Glossary.project_id).join(Term, Term.glossary_id == Glossary.id).where(Term.id == i),
    "job": lambda i: select(Job.project_id).where(Job.id == i),
}
KINDS = tuple(_PROJECT_OF)


def project_of(session: Session, kind: str, ident: int) -> int | None:
    """The id of the project that holds object ``kind`` number ``ident``, or None if there is none."""
    return session.scalar(_PROJECT_OF[kind](ident))


def sees_projectless_job(session: Session, user: User | None, job_id: int) -> bool:
    """Job ``job_id`` has no project yet (an import into a new project) and ``user`` submitted it or is
    an admin: the only ones who see it until it is done."""
    row = session.execute(select(Job.project_id, Job.user_id).where(Job.id == job_id)).first()
    if user is None or row is None or row.project_id is not None:
        return False
    return user.role == "admin" or row.user_id == user.id


def member_role(session: Session, user: User | None, project_id: int | None) -> str | None:
    """``user``'s role in the project: 'admin' for admins, the membership role, or None."""
    if user is None or project_id is None:
        return None
    if user.role == "admin":
        return "admin"
    return session.scalar(
        select(ProjectMember.role).where(ProjectMember.project_id == project_id, ProjectMember.user_id == user.id)
    )


def member_roles(session: Session, user: User) -> set[str]:
    """Every role ``user`` has in some project."""
    return set(session.scalars(select(ProjectMember.role).where(ProjectMember.user_id == user.id).distinct()))


def visible_project_ids(session: Session, user: User) -> set[int] | None:
    """The projects ``user`` may see; None means all of them (admins)."""
    if user.role == "admin":
        return None
    return set(session.scalars(select(ProjectMember.project_id).where(ProjectMember.user_id == user.id)))


def set_member(session: Session, project: Project, user: User, role: str) -> ProjectMember:
    """Make ``user`` a member of ``project`` with ``role`` (or change their role)."""
    if role not in PROJECT_ROLES:
        raise ValueError(f"project role must be one of {', '.join(PROJECT_ROLES)}")
    member = session.get(ProjectMember, (project.id, user.id))
    if member is None:
        member = ProjectMember(project_id=project.id, user_id=user.id, role=role)
        session.add(member)
    else:
        member.role = role
    session.flush()
    return member


def remove_member(session: Session, project: Project, user: User) -> bool:
    member = session.get(ProjectMember, (project.id, user.id))
    if member is None:
        return False
    session.delete(member)
    session.flush()
    return True


def project_members(session: Session, project_id: int) -> list[ProjectMember]:
    return list(session.scalars(
        select(ProjectMember).join(User, User.id == ProjectMember.user_id)
        .where(ProjectMember.project_id == project_id).order_by(User.username)
    ))
