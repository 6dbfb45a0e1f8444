"""Roles, permissions, users, passwords and sessions.

Admins are global. Everyone else acts inside a project with the role their membership gives them
(``project_members``): ``can(user, action, project_id)`` asks that role. The user's session is the one
the user object is attached to, so the web (the request session) and the CLI (the command's) ask the
same way.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy.orm import Session, object_session
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import Forbidden, InputError
from app.storage import access, queries
from app.storage.models import PROJECT_ROLES, ROLES, Project, User

_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{1,80}$")

# What each role may do inside a project; admins may do everything everywhere.
PERMISSIONS = {
    "translator": {"view", "edit", "propose-term"},
    "reviewer": {"view", "edit", "propose-term", "approve", "import", "align"},
    "admin": {"view", "edit", "propose-term", "approve", "import", "align", "admin"},
}
# Actions outside any project: admins manage; reviewers may start a project by importing into it.
GLOBAL_PERMISSIONS = {"reviewer": {"create-project", "import"}, "admin": {"create-project", "import", "admin"}}


def project_role(user: User | None, project_id: int | None) -> str | None:
    """``user``'s role in the project ('admin' for admins), or None for a non-member."""
    if user is None or project_id is None:
        return None
    session = object_session(user)
    if session is None:
        raise RuntimeError("project_role needs a user attached to a session")
    return access.member_role(session, user, project_id)


def can(user: User | None, action: str, project_id: int | None = None) -> bool:
    """May ``user`` do ``action`` in the project (or, with no project, globally)?"""
    if user is None or not user.active:
        return False
    if user.role == "admin":
        return True
    if project_id is None:
        return action in GLOBAL_PERMISSIONS.get(user.role, set())
    return action in PERMISSIONS.get(project_role(user, project_id) or "", set())


def can_somewhere(user: User | None, action: str) -> bool:
    """May ``user`` do ``action`` globally or in at least one of their projects (menus, import forms)?"""
    if can(user, action):
        return True
    if user is None or not user.active:
        return False
    session = object_session(user)
    return any(action in PERMISSIONS.get(role, set()) for role in access.member_roles(session, user))


def require(user: User | None, action: str, project_id: int | None = None) -> None:
    if not can(user, action, project_id):
        raise Forbidden(f"your role in this project does not allow this ({action})")


def add_member(session: Session, project: Project, user: User, role: str) -> None:
    """Make ``user`` a member of ``project`` with ``role`` (translator or reviewer)."""
    if role not in PROJECT_ROLES:
        raise InputError(f"project role must be one of {', '.join(PROJECT_ROLES)}")
    access.set_member(session, project, user, role)


def remove_member(session: Session, project: Project, user: User) -> bool:
    return access.remove_member(session, project, user)


def create_user(session: Session, username: str, role: str, password: str | None = None) -> tuple[User, str]:
    """Add a user; returns the user and the password (generated when none is given)."""
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise InputError("user name: 1–80 letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}")
    if queries.user_by_name(session, username) is not None:
        raise InputError(f"user {username!r} already exists")
    if password is None:
        password = secrets.token_urlsafe(12)
    check_password(password)
    user = queries.add(session, User(username=username, role=role, password_hash=generate_password_hash(password)))
    return user, password


def check_password(password: str) -> None:
    if len(password) < 8:
        raise InputError("the password must have at least 8 characters")


def set_password(user: User, password: str) -> None:
    """Set a new password; every session the user has open ends."""
    check_password(password)
    user.password_hash = generate_password_hash(password)
    end_sessions(user)


def change_password(session: Session, user: User, current: str, new: str, confirm: str) -> None:
    """The user's own change: the current password is required."""
    if not check_password_hash(user.password_hash, current or ""):
        raise InputError("the current password is wrong")
    if new != confirm:
        raise InputError("the two new passwords differ")
    set_password(user, new)
    session.flush()


def reset_password(session: Session, user: User) -> str:
    """An admin's reset: a generated password, returned once; the user's sessions end."""
    password = secrets.token_urlsafe(12)
    set_password(user, password)
    session.flush()
    return password


def set_active(session: Session, user: User, active: bool) -> None:
    """Deactivate (every session ends, login refused) or reactivate an account."""
    user.active = bool(active)
    end_sessions(user)
    session.flush()


def end_sessions(user: User) -> None:
    """End every session of ``user``: sessions carry the epoch they were opened with."""
    user.session_epoch = (user.session_epoch or 0) + 1


# Unknown user names are checked against this hash, so they take as long as known ones.
_NO_SUCH_USER = generate_password_hash(secrets.token_urlsafe(16))


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = queries.user_by_name(session, (username or "").strip())
    ok = check_password_hash(user.password_hash if user is not None else _NO_SUCH_USER, password or "")
    if user is None or not user.active or not ok:
        return None
    return user


def ensure_admin(session: Session, password: str | None = None) -> tuple[User, str | None]:
    """The first admin; created with ``password`` or a generated one, which is returned once."""
    for user in queries.list_users(session):
        if user.role == "admin":
            return user, None
    return create_user(session, "admin", "admin", password)
