"""Every route that takes an id answers 404 to a logged-in non-member and sends an anonymous user to
login (issue 11). The routes are read from app.url_map, so a new route without the check fails here."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.storage import access
from app.storage import jobs as jobs_store
from app.storage.models import Comment, Link, Project, Revision, Term, User
from app.web.access import URL_IDS
from tests.conftest import csrf_token


@pytest.fixture
def objects(session, demo_doc):
    """One real object of every kind, all in the demo project."""
    from app import services

    admin = session.scalar(select(User).where(User.username == "admin"))
    link = session.scalar(select(Link).where(Link.document_id == demo_doc).order_by(Link.position))
    seg = next(m.segment for m in link.members if m.segment.side == "en")
    services.save_segment(session, seg.id, seg.text + " (edited)", seg.version, admin, reason="walk")
    session.add(Comment(document_id=demo_doc, link_id=link.id, author_id=admin.id, body="a comment"))
    project_id = session.scalar(select(Project.id).join(Project.documents).limit(1))
    job, _ = jobs_store.create_or_join(session, "import", project_id=project_id, user_id=admin.id,
                                       params={"project": "demo"})
    session.commit()
    ids = {
        "project": project_id,
        "document": demo_doc,
        "segment": seg.id,
        "link": link.id,
        "comment": session.scalar(select(Comment.id).where(Comment.document_id == demo_doc)),
        "revision": session.scalar(select(Revision.id).where(Revision.segment_id == seg.id)),
        "term": session.scalar(select(Term.id).limit(1)),
        "job": job.id,
    }
    ids["user"] = session.scalar(select(User.id).where(User.username == "rita"))  # admin pages: admins only
    for kind, ident in ids.items():
        assert ident is not None, kind
        if kind == "user":
            continue
        assert access.project_of(session, kind, ident) == project_id, kind
    return ids


def _id_rules(app):
    for rule in app.url_map.iter_rules():
        names = [a for a in rule.arguments if a.endswith("_id")]
        if names:
            yield rule, names


def _url(rule, objects) -> str:
    values = {}
    for name in rule.arguments:
        if name.endswith("_id"):
            values[name] = objects[URL_IDS[name]]
        else:  # a format, a mark or a template name: any of the converter's values will do
            values[name] = "csv"
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path)
    return path


def test_every_id_parameter_has_an_access_rule(app):
    for rule, names in _id_rules(app):
        for name in names:
            assert name in URL_IDS, f"{rule.rule}: parameter {name} has no rule in app/web/access.py"
            assert URL_IDS[name] in access.KINDS or URL_IDS[name] == "user", name


def test_non_member_gets_404_everywhere(app, client, auth, objects, session):
    from app import services

    outsider, password = services.create_user(session, "olga", "reviewer", "outsider-pass-1")
    session.commit()
    assert access.member_role(session, outsider, objects["project"]) is None  # olga belongs to no project
    assert auth.login("olga", password).status_code == 302
    token = auth.token("/")
    covered = 0
    for rule, _names in _id_rules(app):
        url = _url(rule, objects)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(url, method=method, data=data)
            assert response.status_code == 404, f"{method} {url} answered {response.status_code} to a non-member"
            covered += 1
    assert covered >= 40  # the count is quoted in the note; fewer means routes went missing from the walk
    print(f"route walk: {covered} method/route pairs answered 404 to a non-member")


def test_anonymous_is_sent_to_login_everywhere(app, client, objects):
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    for rule, _names in _id_rules(app):
        url = _url(rule, objects)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert response.status_code == 302, f"{method} {url}: {response.status_code}"
            assert "/auth/login" in response.headers["Location"], url


def test_member_reaches_the_same_routes(app, client, auth, objects, session):
    """The walk's URLs are real: a member does not get 404 from them (GET only)."""
    auth.login("admin")
    for rule, _names in _id_rules(app):
        if "GET" not in (rule.methods or ()):
            continue
        url = _url(rule, objects)
        assert client.get(url).status_code != 404 or "<fmt>" in rule.rule or "<template>" in rule.rule, url


def test_a_job_without_a_project_is_seen_by_its_submitter_and_admins_only(client, auth, session):
    """An import into a new project has no project until it is done: only whoever submitted it sees it."""
    rita = session.scalar(select(User).where(User.username == "rita"))
    job, _ = jobs_store.create_or_join(session, "import", project_id=None, user_id=rita.id, params={"project": "New"})
    session.commit()
    for name, status in (("tom", 404), ("rita", 200), ("admin", 200)):
        auth.login(name)
        assert client.get(f"/jobs/{job.id}").status_code == status, name
        assert client.get(f"/jobs/{job.id}/progress").status_code == status, name
        listed = f'href="/jobs/{job.id}"' in client.get("/jobs").get_data(as_text=True)
        assert listed == (status == 200), name
        auth.logout()
