"""A request asks for the same membership several times; the answer is read once per transaction, and a change
of membership (or the end of the transaction) is seen at once."""

from __future__ import annotations

from sqlalchemy import event

from app.storage import access
from app.storage.models import Project, User


def _counting(session):
    seen = []

    def count(_conn, _cursor, statement, *_args):
        if "project_members" in statement:
            seen.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", count)
    return seen, lambda: event.remove(session.get_bind(), "before_cursor_execute", count)


def test_a_role_is_read_once_per_transaction_and_changes_are_seen(session):
    project = Project(name="Roles")
    session.add(project)
    session.flush()
    rita = session.query(User).filter_by(username="rita").one()
    access.remember_roles(session)  # as a web request's session
    seen, stop = _counting(session)
    try:
        assert access.member_role(session, rita, project.id) is None
        assert access.member_role(session, rita, project.id) is None
        assert len(seen) == 1
        access.set_member(session, project, rita, "reviewer")
        assert access.member_role(session, rita, project.id) == "reviewer"
        access.set_member(session, project, rita, "translator")
        assert access.member_role(session, rita, project.id) == "translator"
        access.remove_member(session, project, rita)
        assert access.member_role(session, rita, project.id) is None
        access.set_member(session, project, rita, "reviewer")
        session.commit()
        seen.clear()
        assert access.member_role(session, rita, project.id) == "reviewer"  # a new transaction reads again
        assert len(seen) == 1
        session.rollback()
        assert access.member_role(session, rita, project.id) == "reviewer"
        assert len(seen) == 2
    finally:
        stop()


def test_other_sessions_read_the_role_every_time(session):
    project = Project(name="Roles 2")
    session.add(project)
    session.flush()
    rita = session.query(User).filter_by(username="rita").one()
    seen, stop = _counting(session)
    try:
        access.member_role(session, rita, project.id)
        access.member_role(session, rita, project.id)
        assert len(seen) == 2
    finally:
        stop()
