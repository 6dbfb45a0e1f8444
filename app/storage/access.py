"""Who may reach what: project membership, and the project that any id belongs to.

None of these functions commits (the caller owns the session).
"""

from __future__ import annotations

from sqlalchemy import event, select
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


# A web request asks for the same membership several times (the route's guard, the service's, the templates'):
# in a session that asked for it (``remember_roles``), the answers are kept for the transaction, and forgotten when
# it ends and when this module changes a membership. Other sessions (the CLI's, a job's) read every time.
_ROLES = "duizhao.member_roles"


def remember_roles(session: Session) -> Session:
    """Keep ``session``'s membership answers for each of its transactions (a web request's session)."""
    session.info[_ROLES] = {}
    return session


def _forget_roles(session: Session, *_args) -> None:
    if _ROLES in session.info:
        session.info[_ROLES] = {}


for _name in ("after_commit", "after_rollback"):
    event.listen(Session, _name, _forget_roles)


def member_role(session: Session, user: User | None, project_id: int | None) -> str | None:
    """``user``'s role in the project: 'admin' for admins, the membership role, or None."""
    if user is None or project_id is None:
        return None
    if user.role == "admin":
        return "admin"
    known = session.info.get(_ROLES)
    key = (user.id, project_id)
    if known is None or key not in known:
        role = session.scalar(
            select(ProjectMember.role).where(ProjectMember.project_id == project_id, ProjectMember.user_id == user.id)
        )
        if known is None:
            return role
        known[key] = role
    return known[key]


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
    _forget_roles(session)
    return member


def remove_member(session: Session, project: Project, user: User) -> bool:
    member = session.get(ProjectMember, (project.id, user.id))
    if member is None:
        return False
    session.delete(member)
    session.flush()
    _forget_roles(session)
    return True


def project_members(session: Session, project_id: int) -> list[ProjectMember]:
    return list(session.scalars(
        select(ProjectMember).join(User, User.id == ProjectMember.user_id)
        .where(ProjectMember.project_id == project_id).order_by(User.username)
    ))
