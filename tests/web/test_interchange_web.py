"""The web side of issue 6: import forms for .docx/.html pairs and bilingual files, export links."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.formats.registry import by_name
from app.model import TextDocument
from app.storage.models import Document, Link
from tests.conftest import after_job, job_failed
from tests.formats.test_bitext_formats import BILLION_LAUGHS, BODIES, XXE

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "formats" / "fixtures"


def _shape(bitext):
    return [(p.zh, p.en, p.status, p.note) for p in bitext.pairs]


def _import_bilingual(client, auth, name, data, project="Web"):
    return client.post("/import/bilingual", data={
        "csrf_token": auth.token("/import"), "project": project, "title": "",
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _documents(session):
    session.expire_all()
    return session.scalar(select(func.count(Document.id)))


def test_review_page_offers_every_export(client, auth, demo_doc):
    auth.login()
    page = client.get(f"/documents/{demo_doc}").get_data(as_text=True)
    for fmt in ("docx", "html", "tmx", "xliff", "xliff2", "xlsx", "csv", "tsv"):
        assert f"/documents/{demo_doc}/export/{fmt}" in page


@pytest.mark.parametrize("fmt, name", [("tmx", "demo.tmx"), ("xliff", "demo.xlf"), ("xliff2", "demo.xlf"),
                                       ("xlsx", "demo.xlsx")])
def test_demo_goes_out_and_comes_back_through_the_web(client, auth, session, demo_doc, fmt, name):
    auth.login()
    out = client.get(f"/documents/{demo_doc}/export/{fmt}")
    assert out.status_code == 200 and "attachment" in out.headers["Content-Disposition"]
    response = after_job(client, _import_bilingual(client, auth, name, out.data))
    new_id = int(response.request.path.rstrip("/").split("/")[-1])
    again = client.get(f"/documents/{new_id}/export/{fmt}")
    fmt_obj = by_name(fmt)
    assert _shape(fmt_obj.read(again.data, name)) == _shape(fmt_obj.read(out.data, name))
    assert session.scalar(select(func.count(Link.id)).where(Link.document_id == new_id)) == 18


def test_docx_pair_through_the_import_form(client, auth, demo_doc):
    auth.login()
    docx = client.get(f"/documents/{demo_doc}/export/docx")
    assert docx.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.post("/import", data={
        "csrf_token": auth.token("/import"), "project": "Docx", "title": "",
        "zh_file": (io.BytesIO((ROOT / "corpus/demo/zh.txt").read_bytes()), "zh.txt"),
        "en_file": (io.BytesIO(docx.data), "en.docx")}, content_type="multipart/form-data")
    response = after_job(client, response)
    assert response.request.path.startswith("/documents/")
    new_id = int(response.request.path.rstrip("/").split("/")[-1])
    a = client.get(f"/documents/{demo_doc}/export/csv").data
    b = client.get(f"/documents/{new_id}/export/csv").data
    assert _shape(by_name("csv").read(a, "a.csv")) == _shape(by_name("csv").read(b, "b.csv"))


def test_html_pair_through_the_import_form(client, auth):
    auth.login()
    zh = "<html><body><p>第一段。</p><script>evil()</script><p>第二段。</p></body></html>".encode()
    en = by_name("docx").write(TextDocument(("First.", "Second.")))
    response = client.post("/import", data={
        "csrf_token": auth.token("/import"), "project": "Html", "title": "",
        "zh_file": (io.BytesIO(zh), "zh.html"), "en_file": (io.BytesIO(en), "en.docx")},
        content_type="multipart/form-data")
    assert after_job(client, response).request.path.startswith("/documents/")


HOSTILE = [
    ("laughs.tmx", BILLION_LAUGHS % BODIES["tmx"], "entity declarations are not allowed"),
    ("xxe.xlf", XXE % BODIES["xliff"], "entity declarations are not allowed"),
    ("broken.xlsx", b"PK\x03\x04 broken", "not a valid Excel"),
    ("plain.txt", b"hello", "unsupported file type .txt"),
]


@pytest.mark.parametrize("name, data, message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_bilingual_files_fail_their_job_and_store_nothing(client, auth, session, name, data, message):
    auth.login()
    before = _documents(session)
    response = after_job(client, _import_bilingual(client, auth, name, data))
    assert job_failed(response)
    page = response.get_data(as_text=True)
    assert "Nothing was imported." in page and message in page
    assert _documents(session) == before


def test_hostile_docx_on_the_pair_form_fails_its_job(client, auth, session):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w/>" + b" " * (30 * 1024 * 1024))
    auth.login()
    before = _documents(session)
    response = client.post("/import", data={
        "csrf_token": auth.token("/import"), "project": "Bomb", "title": "",
        "zh_file": (io.BytesIO("你好".encode()), "zh.txt"), "en_file": (io.BytesIO(out.getvalue()), "bomb.docx")},
        content_type="multipart/form-data")
    response = after_job(client, response)
    assert job_failed(response) and "possible zip bomb" in response.get_data(as_text=True)
    assert _documents(session) == before


def test_translator_may_export_but_not_import(client, auth, demo_doc):
    auth.login("tom")
    assert client.get(f"/documents/{demo_doc}/export/tmx").status_code == 200
    response = client.post("/import/bilingual", data={"csrf_token": auth.token("/"), "project": "X"})
    assert response.status_code == 403


def test_unknown_format_and_document(client, auth, demo_doc):
    auth.login()
    assert client.get(f"/documents/{demo_doc}/export/pdf").status_code == 400
    assert client.get("/documents/999/export/tmx").status_code == 404


def test_sdlxliff_comes_back_with_its_namespace(client, auth):
    auth.login()
    response = _import_bilingual(client, auth, "report.sdlxliff", (FIXTURES / "sdl-like.sdlxliff").read_bytes())
    new_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    out = client.get(f"/documents/{new_id}/export/xliff")
    assert b'xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0"' in out.data
    # over its own file: named after the title (here the first Chinese paragraph) with the language pair and
    # the file's own extension, in UTF-8 (filename*) and, the title being Chinese, document-<id> in ASCII
    header = out.headers["Content-Disposition"]
    assert f'filename="document-{new_id}.zh-en.sdlxliff"' in header
    assert header.endswith(".zh-en.sdlxliff") and "filename*=UTF-8''%E" in header


def test_an_imported_bilingual_document_opens_everywhere(client, auth, session):
    """Review, alignment, report and link panel pages of a document imported from XLIFF, with a 1-0 link,
    a 2-1 link, a note and a rejected unit."""
    from tests.formats.contract import SAMPLE_BITEXT

    auth.login()
    response = _import_bilingual(client, auth, "sample.xlf", by_name("xliff").write(SAMPLE_BITEXT))
    assert response.status_code == 302
    doc_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    page = client.get(f"/documents/{doc_id}")
    assert page.status_code == 200 and page.get_data(as_text=True).count('<tr id="row-') == 5
    assert client.get(f"/documents/{doc_id}/alignment").status_code == 200
    assert client.get(f"/documents/{doc_id}/report").status_code == 200
    link_id = session.scalars(select(Link.id).where(Link.document_id == doc_id).order_by(Link.position)).all()[3]
    panel = client.get(f"/links/{link_id}/panel").get_data(as_text=True)
    assert "wrong term" in panel and "second note" in panel
