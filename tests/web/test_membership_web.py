"""Membership in the web (issue 11): lists are scoped, admins manage members, roles act per project."""

from __future__ import annotations

from sqlalchemy import select

from app import services
from app.services import statuses
from app.storage import access
from app.storage.models import Link, Project, StatusChange, User
from tests.conftest import AuthActions


def _user(session, name):
    return session.scalar(select(User).where(User.username == name))


def test_document_list_shows_only_my_projects(app, client, auth, session, demo_doc):
    services.create_user(session, "olga", "reviewer", "outsider-pass-1")
    session.commit()
    outsider = AuthActions(app.test_client())
    outsider.login("olga", "outsider-pass-1")
    page = outsider.client.get("/").get_data(as_text=True)
    assert "Demo" not in page and "documents/" + str(demo_doc) not in page
    auth.login("tom")
    assert f"/documents/{demo_doc}" in client.get("/").get_data(as_text=True)


def test_admin_adds_and_removes_a_member(client, auth, session, demo_doc):
    services.create_user(session, "olga", "translator", "outsider-pass-1")
    session.commit()
    project = session.scalar(select(Project))
    auth.login("admin")
    token = auth.token(f"/admin/projects/{project.id}/members")
    response = client.post(f"/admin/projects/{project.id}/members",
                           data={"csrf_token": token, "username": "olga", "role": "translator"})
    assert response.status_code == 302
    assert access.member_role(session, _user(session, "olga"), project.id) == "translator"
    page = client.get(f"/admin/projects/{project.id}/members").get_data(as_text=True)
    assert "olga" in page and "translator" in page
    client.post(f"/admin/projects/{project.id}/members", data={"csrf_token": token,
                                                               "remove": str(_user(session, "olga").id)})
    session.expire_all()
    assert access.member_role(session, _user(session, "olga"), project.id) is None


def test_members_page_is_for_admins(client, auth, session, demo_doc):
    project = session.scalar(select(Project))
    auth.login("rita")  # a member, but not an admin
    assert client.get(f"/admin/projects/{project.id}/members").status_code == 403


def test_translator_edit_of_an_approved_link_returns_it_to_translated(session, demo_doc):
    tom, rita = _user(session, "tom"), _user(session, "rita")
    link = session.scalar(select(Link).where(Link.document_id == demo_doc).order_by(Link.position))
    statuses.set_status(session, link.id, "approved", rita)
    seg = next(m.segment for m in link.members if m.segment.side == "en")
    services.save_segment(session, seg.id, seg.text + " Edited.", seg.version, tom)
    assert link.status == "translated" and link.status_by_id == tom.id
    last = session.scalars(select(StatusChange).where(StatusChange.link_id == link.id)
                           .order_by(StatusChange.id.desc())).first()
    assert (last.before, last.after, last.author_id, last.note) == ("approved", "translated", tom.id,
                                                                    "edited after approval")
    statuses.set_status(session, link.id, "approved", rita)
    services.save_segment(session, seg.id, seg.text + " Again.", seg.version, rita)  # a reviewer's edit keeps it
    assert link.status == "approved"


def test_status_from_a_file_is_set_by_the_importer(session):
    rita = _user(session, "rita")
    data = ('<?xml version="1.0"?><tmx version="1.4"><header srclang="zh-CN" creationtool="x" '
            'creationtoolversion="1" segtype="paragraph" o-tmf="x" adminlang="en" datatype="plaintext"/><body>'
            '<tu><prop type="x-status">approved</prop><prop type="x-reviewer">admin</prop>'
            '<tuv xml:lang="zh-CN"><seg>你好</seg></tuv><tuv xml:lang="en"><seg>Hello</seg></tuv></tu>'
            '</body></tmx>').encode()
    from app.services import imports

    doc = imports.import_bitext(session, "From a file", services.Upload("tm.tmx", data), user=rita)
    link = session.scalar(select(Link).where(Link.document_id == doc.id))
    assert link.status == "approved" and link.status_by_id == rita.id  # never "admin", who did nothing
    [change] = statuses.status_history(session, link.id)
    assert change.author_id == rita.id and "reviewer in the file: admin" in change.note
