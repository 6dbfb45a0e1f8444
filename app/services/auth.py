"""Roles, permissions, users and passwords."""

from __future__ import annotations

import re
import secrets

from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import Forbidden, InputError
from app.storage import queries
from app.storage.models import ROLES, User

_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{1,80}$")

PERMISSIONS = {
    "translator": {"edit", "propose-term"},
    "reviewer": {"edit", "propose-term", "approve", "import"},
    "admin": {"edit", "propose-term", "approve", "import", "admin"},
}


def can(user: User | None, action: str) -> bool:
    return user is not None and action in PERMISSIONS.get(user.role, set())


def require(user: User | None, action: str) -> None:
    if not can(user, action):
        raise Forbidden(f"your role does not allow this ({action})")


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
    check_password(password)
    user.password_hash = generate_password_hash(password)


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = queries.user_by_name(session, (username or "").strip())
    if user is None or not user.active or not check_password_hash(user.password_hash, password or ""):
        return None
    return user


def ensure_admin(session: Session, password: str | None = None) -> tuple[User, str | None]:
    """The first admin; created with ``password`` or a generated one, which is returned once."""
    for user in queries.list_users(session):
        if user.role == "admin":
            return user, None
    return create_user(session, "admin", "admin", password)
