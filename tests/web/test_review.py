"""The review page: side by side, saving, history, conflicts, import and export."""

import csv
import io
import re
from pathlib import Path

import pytest

from app.storage import queries
from tests.conftest import after_job, job_failed

ROOT = Path(__file__).resolve().parents[2]
MAPLE = "Maple Bridge experience"


def _en(session, doc_id, position=13):
    return queries.document_segments(session, doc_id, "en")[position]


def test_document_list_and_page(client, auth, demo_doc):
    auth.login("tom")
    index = client.get("/").get_data(as_text=True)
    assert "Demo: SPP report 2024-03-12" in index
    page = client.get(f"/documents/{demo_doc}").get_data(as_text=True)
    assert page.count('<tr id="row-') == 18
    assert "坚持和发展新时代“" in page and MAPLE in page
    # Glossary hits are highlighted: the Chinese term, and the forbidden English rendering.
    # (a mark names its tooltip's lines by number in the page's table, #mark-titles, sent once)
    assert '"枫桥经验 → Fengqiao Experience' in page and '<mark class="term' in page and '" data-t="' in page
    assert '<mark class="term-bad' in page and "forbidden rendering of 枫桥经验" in page
    # The 1-2 link shows both English paragraphs in one row.
    row5 = re.sub(r"<[^>]+>", "", page.split('id="row-5"')[1].split('id="row-6"')[0])  # the text, without marks
    assert "New answer sheet" in row5 and "Better serve Chinese modernization" in row5


def test_empty_state(client, auth):
    auth.login("rita")
    page = client.get("/").get_data(as_text=True)
    assert "No documents yet" in page and "Import two files" in page


def _save(client, auth, seg, text, base, htmx=True, **extra):
    data = {"text": text, "base_version": base, "csrf_token": auth.token("/"), **extra}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/segments/{seg.id}", data=data, headers=headers)


def test_save_records_revision_and_history_shows_diff(client, auth, session, demo_doc):
    auth.login("tom")
    seg = _en(session, demo_doc)
    fixed = seg.text.replace(MAPLE, "Fengqiao Experience")
    response = _save(client, auth, seg, fixed, 0, reason="glossary", category="terminology", severity="major")
    assert response.status_code == 200
    assert "Saved ✓ v1" in response.get_data(as_text=True)
    history = client.get(f"/segments/{seg.id}/history", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<del>Maple</del>" in history and "<ins>Fengqiao</ins>" in history
    assert "tom" in history and "terminology" in history and "“glossary”" in history
    full = client.get(f"/segments/{seg.id}/history").get_data(as_text=True)
    assert "<html" in full and "<ins>Fengqiao</ins>" in full


def test_save_without_htmx_redirects_to_the_row(client, auth, session, demo_doc):
    auth.login("tom")
    seg = _en(session, demo_doc)
    response = _save(client, auth, seg, "New text.", 0, htmx=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("#row-13")


def test_stale_save_gets_409_with_both_texts(client, auth, session, demo_doc):
    auth.login("rita")
    seg = _en(session, demo_doc)
    assert _save(client, auth, seg, "Rita's version.", 0).status_code == 200
    auth.logout()
    auth.login("tom")
    response = _save(client, auth, seg, "Tom's version.", 0)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Rita&#39;s version." in body and "Tom&#39;s version." in body
    assert 'name="base_version" value="1"' in body
    session.expire_all()
    assert _en(session, demo_doc).text == "Rita's version."
    # Saving over theirs, deliberately, from the merge view works and is recorded.
    assert _save(client, auth, seg, "Tom's version.", 1).status_code == 200
    session.expire_all()
    assert [r.after for r in queries.segment_revisions(session, seg.id)] == ["Rita's version.", "Tom's version."]
    page = _save(client, auth, seg, "Stale again.", 1, htmx=False)
    assert page.status_code == 409 and "<html" in page.get_data(as_text=True)


def test_bad_save_is_a_clear_400(client, auth, session, demo_doc):
    auth.login("tom")
    seg = _en(session, demo_doc)
    response = _save(client, auth, seg, "x", 0, category="not-a-category")
    assert response.status_code == 400
    zh = queries.document_segments(session, demo_doc, "zh")[0]
    response = _save(client, auth, zh, "x", 0)
    assert response.status_code == 400 and "only the English side" in response.get_data(as_text=True)
    assert client.post("/segments/99999", data={"text": "x", "base_version": 0,
                                                "csrf_token": auth.token("/")}).status_code == 404


def test_export_text_and_revisions(client, auth, session, demo_doc):
    auth.login("tom")
    seg = _en(session, demo_doc)
    _save(client, auth, seg, seg.text.replace(MAPLE, "Fengqiao Experience"), 0)
    response = client.get(f"/documents/{demo_doc}/export.txt")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert "Fengqiao Experience" in text and MAPLE not in text
    assert len(text.strip().split("\n\n")) == 19
    log = client.get(f"/documents/{demo_doc}/revisions.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(log.lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[1][2] == "tom"


def _upload(client, auth, zh, en, project="Uploads"):
    data = {"project": project, "title": "", "csrf_token": auth.token("/import"),
            "zh_file": (io.BytesIO(zh[1]), zh[0]), "en_file": (io.BytesIO(en[1]), en[0])}
    return client.post("/import", data=data, content_type="multipart/form-data")


def test_upload_form_imports_and_aligns(client, auth):
    auth.login("rita")
    zh = ("zh.txt", (ROOT / "corpus/demo/zh.txt").read_text(encoding="utf-8").encode("gb18030"))
    en = ("en.txt", (ROOT / "corpus/demo/en.txt").read_bytes())
    response = _upload(client, auth, zh, en)
    page = after_job(client, response)
    assert page.request.path.startswith("/documents/")
    page = page.get_data(as_text=True)
    assert "18 linked paragraphs" in page and "枫桥经验" in page


def test_upload_of_bad_files_is_refused_and_stores_nothing(client, auth):
    auth.login("rita")
    en = ("en.txt", (ROOT / "corpus/demo/en.txt").read_bytes())
    for zh, reason in [(("zh.png", b"\x89PNG\r\n\x1a\n\x00\x00"), "zh.png: looks like a binary file"),
                       (("zh.txt", b""), "zh.txt: the file is empty")]:
        page = after_job(client, _upload(client, auth, zh, en, project="Never"))
        assert job_failed(page)
        assert reason in page.get_data(as_text=True)
    assert "Never" not in client.get("/").get_data(as_text=True)


def test_oversized_upload_is_413(app, client, auth):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    auth.login("rita")
    token = auth.token("/import")
    big = ("zh.txt", "中".encode() * 10_000)
    data = {"project": "Big", "csrf_token": token, "zh_file": (io.BytesIO(big[1]), "zh.txt"),
            "en_file": (io.BytesIO(b"x"), "en.txt")}
    response = client.post("/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 413 and "File too large" in response.get_data(as_text=True)


def test_unknown_document_is_404(client, auth):
    auth.login("tom")
    response = client.get("/documents/4242")
    assert response.status_code == 404 and "no such page" in response.get_data(as_text=True)


@pytest.mark.parametrize("threshold,weak", [(0.0, False), (1.01, True)])
def test_the_weak_link_setting_marks_review_rows(app, client, auth, demo_doc, threshold, weak):
    app.config["WEAK_LINK"] = threshold  # as create_app({"WEAK_LINK": ...}) would set it
    auth.login("rita")
    page = client.get(f"/documents/{demo_doc}").get_data(as_text=True)
    assert ('<tr id="row-1" data-link="' in page) and (' class="weak">' in page) is weak


def test_rows_come_again_out_of_band(client, auth, demo_doc, session):
    auth.login("rita")
    links = [link.id for link in queries.document_links(session, demo_doc)]
    body = client.get(f"/documents/{demo_doc}/rows?links={links[0]},{links[2]}").get_data(as_text=True)
    assert body.startswith("<template>") and body.count('hx-swap-oob="true"') == 2
    assert '<tr id="row-1" hx-swap-oob="true"' in body and '<tr id="row-3" hx-swap-oob="true"' in body
    assert 'title="' in body and "data-t=" not in body  # a fragment carries its own tooltips
    assert client.get(f"/documents/{demo_doc}/rows").get_data(as_text=True) == ""
