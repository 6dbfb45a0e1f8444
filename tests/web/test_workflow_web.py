"""Review workflow in the web: statuses, panel, comments, revert, search and replace, propagation, report."""

import csv
import io
import json
import re

from app.storage import queries
from app.storage.models import Link, Revision

MAPLE = "Maple Bridge experience"


def _en(session, doc_id, position=13):
    return queries.document_segments(session, doc_id, "en")[position]


def _post(client, auth, path, htmx=True, **data):
    data.setdefault("csrf_token", auth.token("/"))
    return client.post(path, data=data, headers={"HX-Request": "true"} if htmx else {})


def test_status_buttons_by_role(client, auth, session, demo_doc):
    link = queries.document_links(session, demo_doc)[0]
    auth.login("tom")
    assert _post(client, auth, f"/links/{link.id}/status", status="approved").status_code == 403
    response = _post(client, auth, f"/links/{link.id}/status", status="translated")
    assert response.status_code == 200
    auth.logout()
    auth.login("rita")
    response = _post(client, auth, f"/links/{link.id}/status", status="approved")
    assert response.status_code == 200 and "★ approved" in response.get_data(as_text=True)
    assert "un-approve" in response.get_data(as_text=True)
    page = client.get(f"/documents/{demo_doc}?status=approved").get_data(as_text=True)
    assert page.count('<tr id="row-') == 1
    page = client.get(f"/documents/{demo_doc}?reviewer=rita").get_data(as_text=True)
    assert page.count('<tr id="row-') == 1
    assert _post(client, auth, f"/links/{link.id}/status", status="finished").status_code == 400


def test_save_with_confirm_sets_the_status_and_time(client, auth, session, demo_doc):
    auth.login("rita")
    seg = _en(session, demo_doc)
    response = _post(client, auth, f"/segments/{seg.id}", text=seg.text.replace(MAPLE, "Fengqiao Experience"),
                     base_version=0, confirm="1", seconds="42.5")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="status-' in body and "✓ reviewed" in body
    session.expire_all()
    rev = session.query(Revision).filter_by(segment_id=seg.id).one()
    assert rev.seconds == 42.5
    # Confirming without a change still sets the status.
    other = _en(session, demo_doc, 2)
    _post(client, auth, f"/segments/{other.id}", text=other.text, base_version=0, confirm="1")
    session.expire_all()
    statuses = {link.status for link in queries.document_links(session, demo_doc)}
    assert "reviewed" in statuses


def test_panel_comments_and_revert(client, auth, session, demo_doc):
    auth.login("tom")
    seg = _en(session, demo_doc)
    _post(client, auth, f"/segments/{seg.id}", text="First fix.", base_version=0)
    _post(client, auth, f"/segments/{seg.id}", text="Second fix.", base_version=1)
    panel = client.get(f"/segments/{seg.id}/panel", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Revert to v1" in panel and "No comments." in panel
    link = session.query(Link).filter_by(document_id=demo_doc, position=12).one()
    panel = _post(client, auth, f"/links/{link.id}/comments", body="Check 枫桥经验 against the glossary").get_data(
        as_text=True)
    assert "Check 枫桥经验 against the glossary" in panel and "Resolve" in panel
    comment_id = panel.split("/comments/")[1].split("/resolve")[0]
    panel = _post(client, auth, f"/comments/{comment_id}/resolve", resolved="1").get_data(as_text=True)
    assert "resolved by tom" in panel and "Reopen" in panel
    response = _post(client, auth, f"/segments/{seg.id}/revert", to_version="1", base_version="2")
    body = response.get_data(as_text=True)
    assert "Restored version 1 as version 3" in body and 'hx-swap-oob="true"' in body
    session.expire_all()
    assert _en(session, demo_doc).text == "First fix."
    stale = _post(client, auth, f"/segments/{seg.id}/revert", to_version="0", base_version="2")
    assert stale.status_code == 409
    assert _post(client, auth, f"/links/{link.id}/comments", body="  ").status_code == 400


def test_search_preview_and_replace_selected(client, auth, session, demo_doc):
    auth.login("tom")
    page = client.get(f"/documents/{demo_doc}/search?q=National+Two+Sessions&replace=two+sessions",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "8 hit(s)" in page
    keys = [part.split('"')[0] for part in page.split('name="hit" value="')[1:]]
    assert len(keys) == 8
    response = _post(client, auth, f"/documents/{demo_doc}/replace", q="National Two Sessions",
                     replace="two sessions", hit=keys[:2])
    assert response.status_code == 200 and response.headers["HX-Redirect"] == f"/documents/{demo_doc}"
    session.expire_all()
    first = queries.document_segments(session, demo_doc, "en")[0]
    assert first.text.count("two sessions") == 2 and "National Two Sessions" not in first.text
    again = client.get(f"/documents/{demo_doc}/search?q=National+Two+Sessions").get_data(as_text=True)
    assert "6 hit(s)" in again
    bad = client.get(f"/documents/{demo_doc}/search?q=(&regex=1").get_data(as_text=True)
    assert "not a valid regular expression" in bad


def test_fix_propagation_from_a_finding(client, auth, session, demo_doc):
    auth.login("rita")
    page = client.get(f"/documents/{demo_doc}").get_data(as_text=True)
    lists = [client.get(path).get_data(as_text=True) for path in re.findall(r'hx-get="(/links/\d+/findings)"', page)]
    assert any("Apply everywhere…" in found for found in lists)  # in a row's list of findings, loaded when opened
    preview = client.get(f"/documents/{demo_doc}/search?q=National+Two+Sessions&replace=the+two+sessions&word=1"
                         "&propagate=1").get_data(as_text=True)
    assert "Apply a fix everywhere" in preview and "(category terminology)" in preview
    keys = [part.split('"')[0] for part in preview.split('name="hit" value="')[1:]]
    _post(client, auth, f"/documents/{demo_doc}/replace", htmx=False, q="National Two Sessions",
          replace="the two sessions", word="1", propagate="1", hit=keys)
    session.expire_all()
    revs = queries.document_revisions(session, demo_doc)
    assert revs and all(r.category == "terminology/inconsistent-with-termbase" for r in revs)
    assert len(revs) == len({r.segment_id for r in revs})  # one revision per paragraph


def test_report_page_and_downloads(client, auth, session, demo_doc):
    auth.login("rita")
    seg = _en(session, demo_doc)
    _post(client, auth, f"/segments/{seg.id}", text=seg.text.replace(MAPLE, "Fengqiao Experience"),
          base_version=0, category="terminology", severity="major", reason="glossary")
    page = client.get(f"/documents/{demo_doc}/report").get_data(as_text=True)
    assert "Review report" in page and "<svg" in page and "<ins>Fengqiao</ins>" in page
    assert "FAIL" in page or "PASS" in page
    html = client.get(f"/documents/{demo_doc}/report.html")
    assert html.status_code == 200 and "attachment" in html.headers["Content-Disposition"]
    assert b"<del>Maple</del>" in html.data
    data = json.loads(client.get(f"/documents/{demo_doc}/report.json").data)
    assert data["score"]["errors"] == [{"category": "terminology", "severity": "major", "count": 1}]
    assert data["score"]["penalty"] == 5.0 and data["fixes"][0]["author"] == "rita"
    assert data["effort"]["ter"] > 0 and len(data["open_findings"]) > 0
    rows = list(csv.reader(io.StringIO(client.get(f"/documents/{demo_doc}/report.csv").data.decode("utf-8-sig"))))
    assert rows[1][0] == "fix" and rows[1][4] == "terminology"
    assert any(r[0] == "open finding" for r in rows)
    assert client.get(f"/documents/{demo_doc}/report.pdf").status_code == 400
    doc_page = client.get(f"/documents/{demo_doc}").get_data(as_text=True)
    assert "quality" in doc_page and "per 1,000 source characters" in doc_page


def test_document_history_with_undo(client, auth, session, demo_doc):
    auth.login("tom")
    seg = _en(session, demo_doc)
    _post(client, auth, f"/segments/{seg.id}", text="First fix.", base_version=0)
    _post(client, auth, f"/segments/{seg.id}", text="Second fix.", base_version=1)
    page = client.get(f"/documents/{demo_doc}/history").get_data(as_text=True)
    assert "2 revisions, newest first" in page and page.index("Second") < page.index("<ins>First")
    response = _post(client, auth, f"/segments/{seg.id}/revert", htmx=False, to_version="1", base_version="2")
    assert response.status_code == 302
    session.expire_all()
    assert _en(session, demo_doc).text == "First fix."
    assert "3 revisions" in client.get(f"/documents/{demo_doc}/history").get_data(as_text=True)
