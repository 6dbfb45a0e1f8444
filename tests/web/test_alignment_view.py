"""The alignment view: roles, operations over htmx and plain forms, errors, undo, new versions."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.storage import queries
from app.storage.models import AlignmentChange, Link
from tests.conftest import after_job

ROOT = Path(__file__).resolve().parents[2]
HX = {"HX-Request": "true"}


def url(doc):
    return f"/documents/{doc}/alignment"


def link_id(session, doc, number):
    session.expire_all()
    return session.scalar(select(Link.id).where(Link.document_id == doc, Link.position == number - 1))


def n_links(session, doc):
    session.expire_all()
    return queries.count_links(session, doc)


def n_changes(session):
    return session.scalar(select(func.count(AlignmentChange.id)))


def post(client, auth, doc, htmx=True, **data):
    data = {"csrf_token": auth.token(url(doc)), **data}
    return client.post(url(doc), data=data, headers=HX if htmx else {})


def test_anonymous_is_sent_to_login(client, demo_doc):
    response = client.get(url(demo_doc))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.post(url(demo_doc), data={"op": "merge"}).status_code in (302, 400)


def test_view_shows_links_confidence_and_shortcuts(client, auth, session, demo_doc):
    auth.login("tom")
    page = client.get(url(demo_doc)).get_data(as_text=True)
    assert page.count('<tr id="link-') == 18
    assert "坚持和发展新时代“枫桥经验”" in page and "New answer sheet" in page
    assert 'class="confidence"' in page and "alignment.js" in page
    assert "Import a new English version" not in page  # translators edit, reviewers import
    assert "Merge <kbd>M</kbd>" not in page  # and reviewers change the alignment
    auth.logout()
    auth.login("rita")
    page = client.get(url(demo_doc)).get_data(as_text=True)
    assert "Merge <kbd>M</kbd>" in page and "Import a new English version" in page


def test_review_page_links_to_the_alignment(client, auth, demo_doc):
    auth.login("rita")
    review = client.get(f"/documents/{demo_doc}").get_data(as_text=True)
    assert f'href="/documents/{demo_doc}/alignment"' in review


def test_weak_links_are_marked_with_text_not_only_colour(client, auth, session, demo_doc):
    session.execute(Link.__table__.update().where(Link.document_id == demo_doc).values(confidence=0.9))
    session.execute(Link.__table__.update().where(Link.document_id == demo_doc, Link.position == 2)
                    .values(confidence=0.2))
    session.commit()
    auth.login("rita")
    page = client.get(url(demo_doc)).get_data(as_text=True)
    row3 = page.split('id="link-3"')[1].split('id="link-4"')[0]
    assert "⚠ weak" in row3 and "0.20" in row3
    assert "18 links · 1 weak" in page
    assert "⚠ weak" not in page.split('id="link-4"')[1].split('id="link-5"')[0]


def test_translator_cannot_change_the_alignment(client, auth, session, demo_doc):
    auth.login("tom")
    for data in ({"op": "merge", "link": link_id(session, demo_doc, 1)},
                 {"op": "split", "link": link_id(session, demo_doc, 5), "zh_cut": "1", "en_cut": "1"}):
        response = post(client, auth, demo_doc, **data)
        assert response.status_code == 403, data
    assert n_links(session, demo_doc) == 18 and n_changes(session) == 0


def test_reviewer_merges_over_htmx_and_undoes(client, auth, session, demo_doc):
    auth.login("rita")
    response = post(client, auth, demo_doc, op="merge", link=link_id(session, demo_doc, 1), reason="one title")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.count('<tr id="link-') == 17
    assert "Merged links 1 and 2" in body and 'data-focus="1"' in body and "“one title”" in body
    assert n_links(session, demo_doc) == 17
    response = post(client, auth, demo_doc, op="undo")
    assert response.status_code == 200 and response.get_data(as_text=True).count('<tr id="link-') == 18
    assert n_links(session, demo_doc) == 18 and n_changes(session) == 2


def test_plain_form_redirects_to_the_row(client, auth, session, demo_doc):
    auth.login("rita")
    response = post(client, auth, demo_doc, htmx=False, op="split", link=link_id(session, demo_doc, 5),
                    zh_cut="1", en_cut="1")
    assert response.status_code == 302 and response.headers["Location"].endswith("#link-5")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Split link 5 (1-2) into 1-1 and 0-1." in page and page.count('<tr id="link-') == 19


@pytest.mark.parametrize("data, status, message", [
    ({"op": "explode"}, 400, "unknown alignment operation"),
    ({"op": "merge"}, 400, "no link was selected"),
    ({"op": "merge", "link": "999999"}, 404, "link 999999 does not exist"),
    ({"op": "merge", "link": "LAST"}, 400, "is the last one"),
    ({"op": "split", "link": "5", "zh_cut": "0", "en_cut": "0"}, 400, "at least one paragraph above and below"),
    ({"op": "split", "link": "5", "zh_cut": "a", "en_cut": "1"}, 400, "whole numbers"),
    ({"op": "shift-zh-up", "link": "1"}, 400, "first link"),
    ({"op": "link", "link": "1"}, 400, "already linked"),
    ({"op": "undo"}, 400, "no alignment change to undo"),
    ({"op": "undo", "change": "12345"}, 404, "alignment change 12345 does not exist"),
])
def test_bad_operations_are_refused_and_change_nothing(client, auth, session, demo_doc, data, status, message):
    auth.login("rita")
    if data.get("link") == "LAST":
        data["link"] = link_id(session, demo_doc, 18)
    elif data.get("link") in ("1", "5"):
        data["link"] = link_id(session, demo_doc, int(data["link"]))
    response = post(client, auth, demo_doc, **data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert n_links(session, demo_doc) == 18 and n_changes(session) == 0
    full = post(client, auth, demo_doc, htmx=False, **data)  # without htmx: a whole error page
    assert full.status_code == status and "<html" in full.get_data(as_text=True)


def test_missing_csrf_token_is_refused(client, auth, session, demo_doc):
    auth.login("rita")
    response = client.post(url(demo_doc), data={"op": "merge", "link": link_id(session, demo_doc, 1)})
    assert response.status_code == 400 and n_links(session, demo_doc) == 18


def test_link_of_another_document_is_not_found(client, auth, session, demo_doc):
    auth.login("rita")
    response = post(client, auth, demo_doc + 1000, op="merge", link=link_id(session, demo_doc, 1))
    assert response.status_code == 404


def test_history_lists_changes_with_undo_buttons(client, auth, session, demo_doc, app):
    app.config["ALIGN_METHOD"] = "length"
    auth.login("rita")
    post(client, auth, demo_doc, op="unlink", link=link_id(session, demo_doc, 5))
    post(client, auth, demo_doc, op="link", link=link_id(session, demo_doc, 5))
    n = n_links(session, demo_doc)
    post(client, auth, demo_doc, op="realign", link=link_id(session, demo_doc, n - 2),
         last=link_id(session, demo_doc, n))
    page = client.get(url(demo_doc)).get_data(as_text=True)
    history = page.split('class="align-history"')[1]
    assert "unlinked link 5 (1-2)" in history and f"re-aligned links {n - 2}–{n} (length" in history
    assert history.count(">Undo</button>") == 3 and "[5]:[5,6]" in history
    change = session.scalar(select(AlignmentChange).where(AlignmentChange.op == "unlink"))
    response = post(client, auth, demo_doc, op="undo", change=change.id)
    assert response.status_code == 409 and "changed again later" in response.get_data(as_text=True)


def _version_file():
    lines = [line for line in (ROOT / "corpus/demo/en.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    lines[10] = lines[10].replace("The meeting", "This meeting")
    return (io.BytesIO(("\n".join(lines) + "\n").encode("utf-8")), "en-v2.txt")


def test_reviewer_uploads_a_new_version(client, auth, session, demo_doc, app):
    app.config["ALIGN_METHOD"] = "length"
    auth.login("rita")
    page = client.get(url(demo_doc)).get_data(as_text=True)
    assert "Import a new English version" in page
    response = client.post(f"{url(demo_doc)}/version", data={"csrf_token": auth.token(url(demo_doc)),
                                                             "en_file": _version_file()},
                           content_type="multipart/form-data")
    response = after_job(client, response)
    assert response.request.path == url(demo_doc)
    page = response.get_data(as_text=True)
    assert "18 paragraphs unchanged (history kept), 1 new or changed" in page
    assert page.count('class="badge review" title="new or changed') == 1 and "This meeting" in page
    assert page.count("What the new version changed here") == 1
    assert "<del>The</del><ins>This</ins> meeting" in page
    response = post(client, auth, demo_doc, op="checked", link=link_id(session, demo_doc, 10))
    body = response.get_data(as_text=True)
    assert "1 paragraph marked as checked" in body and 'title="new or changed' not in body


def test_translator_may_not_upload_a_version_and_empty_upload_is_refused(client, auth, demo_doc):
    auth.login("tom")
    response = client.post(f"{url(demo_doc)}/version", data={"csrf_token": auth.token(url(demo_doc)),
                                                             "en_file": _version_file()},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    auth.logout()
    auth.login("rita")
    response = client.post(f"{url(demo_doc)}/version", data={"csrf_token": auth.token(url(demo_doc))},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "choose the new English file" in response.get_data(as_text=True)


def test_alignment_log_csv(client, auth, session, demo_doc):
    import csv

    auth.login("rita")
    post(client, auth, demo_doc, op="merge", link=link_id(session, demo_doc, 1), reason="=one title")
    post(client, auth, demo_doc, op="undo")
    response = client.get(f"{url(demo_doc)}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["op"] for r in rows] == ["merge", "undo"]
    assert rows[0]["before"] == "[1]:[1] [2]:[2]" and rows[0]["after"] == "[1,2]:[1,2]"
    assert rows[0]["reason"] == "'=one title" and rows[0]["author"] == "rita"
    assert rows[0]["undone_by"] == rows[1]["change"]
