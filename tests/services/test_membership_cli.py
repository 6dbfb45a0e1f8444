"""Membership and accounts from the command line (issue 11)."""

from __future__ import annotations

from sqlalchemy import select

from app.storage import access
from app.storage.models import Project, User


def _user(session, name):
    session.expire_all()
    return session.scalar(select(User).where(User.username == name))


def test_user_add_with_projects_and_add_member(runner, session, demo_doc):
    project = session.scalar(select(Project))
    result = runner.invoke(["user", "add", "ana", "--role", "translator", "--password", "ana-pass-123",
                            "--project", project.name])
    assert result.exit_code == 0, result.output
    assert f"Member of {project.name}" in result.output
    assert access.member_role(session, _user(session, "ana"), project.id) == "translator"
    result = runner.invoke(["project", "add-member", project.name, "ana", "--role", "reviewer"])
    assert result.exit_code == 0 and "ana is a reviewer" in result.output
    assert access.member_role(session, _user(session, "ana"), project.id) == "reviewer"
    listing = runner.invoke(["project", "members", project.name]).output
    assert "ana\treviewer" in listing and "admin\treviewer" in listing  # the demo project has the admin


def test_bad_member_commands_exit_2(runner, demo_doc):
    for args, message in [
        (["project", "add-member", "No such project", "tom", "--role", "reviewer"], "does not exist"),
        (["project", "add-member", "Demo", "nobody", "--role", "reviewer"], "does not exist"),
        (["user", "add", "zed", "--project", "No such project"], "does not exist"),
        (["user", "reset", "nobody"], "does not exist"),
    ]:
        result = runner.invoke(args)
        assert result.exit_code == 2, args
        assert result.output.startswith("Error: ") and message in result.output, args


def test_reset_and_deactivate_end_sessions(runner, session):
    before = _user(session, "rita").session_epoch
    result = runner.invoke(["user", "reset", "rita"])
    assert result.exit_code == 0 and "New password for rita:" in result.output
    assert _user(session, "rita").session_epoch == before + 1
    assert runner.invoke(["user", "deactivate", "rita"]).exit_code == 0
    rita = _user(session, "rita")
    assert rita.active is False and rita.session_epoch == before + 2
    assert "rita\treviewer\tinactive" in runner.invoke(["user", "list"]).output
    assert runner.invoke(["user", "activate", "rita"]).exit_code == 0
    assert _user(session, "rita").active is True
