"""Import and export through app.services.imports and app.services.exports on a real database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import services
from app.errors import FormatError, InputError
from app.formats.registry import by_name
from app.services import exports, imports, review, statuses
from app.storage.models import Comment, Document, DocumentSource, Link, User
from tests.formats.test_bitext_formats import BILLION_LAUGHS, BODIES, XXE

FIXTURES = Path(__file__).resolve().parents[1] / "formats" / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def _shape(bitext):
    return [(p.zh, p.en, p.status, p.note) for p in bitext.pairs]


def _admin(session):
    return session.scalars(select(User).where(User.username == "admin")).one()


@pytest.mark.parametrize("fmt", ["tmx", "xliff", "xliff2", "csv", "tsv", "xlsx"])
def test_demo_goes_out_and_comes_back_unchanged(session, demo_doc, fmt):
    admin = _admin(session)
    links = session.scalars(select(Link).where(Link.document_id == demo_doc).order_by(Link.position)).all()
    statuses.set_status(session, links[0].id, "approved", admin)
    statuses.set_status(session, links[1].id, "rejected", admin)
    review.add_comment(session, demo_doc, links[1].id, "term is wrong", admin)
    session.commit()
    before = exports.document_bitext(session, demo_doc)
    out = exports.export_document(session, demo_doc, fmt)
    doc = imports.import_bitext(session, "Round trip", services.Upload(out.filename, out.data), user=admin)
    session.commit()
    after = exports.document_bitext(session, doc.id)
    assert _shape(after) == _shape(before)
    assert [p.status for p in after.pairs][:2] == ["approved", "rejected"]
    assert after.pairs[1].note == "term is wrong"
    # and out again: the same bytes for the text formats, the same pairs for all
    again = exports.export_document(session, doc.id, fmt)
    assert _shape(by_name(fmt).read(again.data, again.filename)) == _shape(before)


def test_demo_goes_out_as_docx_and_comes_back_unchanged(session, demo_doc):
    out = exports.export_document(session, demo_doc, "docx")
    assert out.filename.endswith(".docx")
    zh = services.Upload("zh.txt", (ROOT / "corpus/demo/zh.txt").read_bytes())
    doc = imports.import_pair(session, "Docx", zh, services.Upload(out.filename, out.data), aligner="length")
    session.commit()
    assert _shape(exports.document_bitext(session, doc.id)) == _shape(
        exports.document_bitext(session, demo_doc))


def test_docx_styles_survive_import_and_export(session):
    from app.model import TextDocument

    docx = by_name("docx")
    en = docx.write(TextDocument(("Work Report", "First paragraph.", "Second paragraph."),
                                 styles=("Title", "Body Text", "House Style")))
    zh = docx.write(TextDocument(("工作报告", "第一段。", "第二段。"), styles=("Title", "Normal", "Normal")))
    doc = imports.import_pair(session, "Styles", services.Upload("zh.docx", zh), services.Upload("en.docx", en),
                              aligner="length")
    session.commit()
    out = exports.export_document(session, doc.id, "docx")
    back = docx.read(out.data, out.filename)
    assert back.paragraphs == ("Work Report", "First paragraph.", "Second paragraph.")
    assert back.styles == ("Title", "Body Text", "House Style")


def test_docx_export_uses_the_imported_file_as_template(session):
    import docx as python_docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    original = python_docx.Document()
    style = original.styles.add_style("House Style", WD_STYLE_TYPE.PARAGRAPH)
    style.font.size = Pt(17)
    original.sections[0].header.paragraphs[0].text = "CONFIDENTIAL header"
    original.add_paragraph("First paragraph.", style="House Style")
    table = original.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "In a table."
    out = io.BytesIO()
    original.save(out)
    zh = services.Upload("zh.txt", "第一段。\n表格中。\n".encode())
    doc = imports.import_pair(session, "Template", zh, services.Upload("en.docx", out.getvalue()), aligner="length")
    seg = services.review_rows(session, doc.id)[0][0].en[0]
    services.save_segment(session, seg.id, "The first paragraph, corrected.", seg.version, _admin(session))
    exported = python_docx.Document(io.BytesIO(exports.export_document(session, doc.id, "docx").data))
    assert [p.text for p in exported.paragraphs] == ["The first paragraph, corrected.", "In a table."]
    assert exported.paragraphs[0].style.name == "House Style"
    assert exported.styles["House Style"].font.size == Pt(17)
    assert exported.sections[0].header.paragraphs[0].text == "CONFIDENTIAL header"
    assert not exported.tables  # the body is rebuilt from the paragraphs


def test_html_pair_is_aligned(session):
    zh = "<html><body><h1>标题</h1><p>第一段。</p><script>x()</script></body></html>".encode()
    en = b"<html><body><h1>Title</h1><p>First paragraph.</p></body></html>"
    doc = imports.import_pair(session, "Html", services.Upload("zh.html", zh), services.Upload("en.htm", en),
                              aligner="length")
    assert [(p.zh, p.en) for p in exports.document_bitext(session, doc.id).pairs] == [
        (("标题",), ("Title",)), (("第一段。",), ("First paragraph.",))]


def test_xliff_import_keeps_foreign_markup_on_export(session):
    data = (FIXTURES / "sdl-like.sdlxliff").read_bytes()
    admin = _admin(session)
    doc = imports.import_bitext(session, "SDL", services.Upload("report.sdlxliff", data), user=admin,
                                title="Work report 2024")
    session.commit()
    bitext = exports.document_bitext(session, doc.id)
    assert [p.status for p in bitext.pairs] == ["approved", "translated", "untranslated"]
    assert bitext.pairs[0].note == "Checked against the 2023 report."
    assert session.scalar(select(func.count(Comment.id)).where(Comment.document_id == doc.id)) == 1
    seg = services.review_rows(session, doc.id)[0][1].en[0]
    services.save_segment(session, seg.id, "Procuratorial work made real progress.", seg.version, admin)
    link = session.scalars(select(Link).where(Link.document_id == doc.id).order_by(Link.position)).all()[1]
    statuses.set_status(session, link.id, "reviewed", admin)
    session.commit()
    out = exports.export_document(session, doc.id, "xliff")
    assert b'xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0"' in out.data
    assert b'<sdl:seg id="1" conf="ApprovedTranslation"' in out.data and b"<file-info" in out.data
    back = by_name("xliff").read(out.data, out.filename)
    assert back.pairs[1].en == ("Procuratorial work made real progress.",) and back.pairs[1].status == "reviewed"
    # XLIFF 2.0 from the same document is written fresh (the kept file is XLIFF 1.2)
    # written back over its own file: the title, the language pair and the file's own extension (was the
    # file's name, "report.sdlxliff", which said neither what nor which languages)
    assert out.filename == "Work report 2024.zh-en.sdlxliff"
    assert b"xmlns:sdl" not in exports.export_document(session, doc.id, "xliff2").data


def test_tmx_dates_and_reviewer_are_kept(session):
    data = """<?xml version="1.0"?><tmx version="1.4"><header srclang="zh-CN" creationtool="x" creationtoolversion="1"
    segtype="paragraph" o-tmf="x" adminlang="en" datatype="plaintext"/><body>
    <tu tuid="7" creationdate="20250102T030405Z" creationid="wang" changedate="20250203T040506Z">
    <note>from the TM</note><prop type="x-status">reviewed</prop><prop type="x-reviewer">rita</prop>
    <tuv xml:lang="zh-CN"><seg>你好</seg></tuv><tuv xml:lang="en"><seg>Hello</seg></tuv></tu></body></tmx>""".encode()
    doc = imports.import_bitext(session, "TMX", services.Upload("tm.tmx", data))
    session.commit()
    link = session.scalars(select(Link).where(Link.document_id == doc.id)).one()
    # the file's status is set by the importer (here the command line: nobody); its reviewer is a note
    assert link.status == "reviewed" and link.status_by is None
    [change] = statuses.status_history(session, link.id)
    assert (change.before, change.after, change.author_id) == ("translated", "reviewed", None)
    assert change.note == "from tm.tmx (reviewer in the file: rita; changed 2025-02-03 04:05)"
    out = exports.export_document(session, doc.id, "tmx").data
    assert b'tuid="7"' in out and b'creationdate="20250102T030405Z"' in out and b'creationid="wang"' in out
    assert b'changedate="20250203T040506Z"' in out and b'<prop type="x-reviewer">rita</prop>' in out
    assert b"<note>from the TM</note>" in out


def _counts(session):
    return [session.scalar(select(func.count()).select_from(m)) for m in (Document, Link, Comment, DocumentSource)]


HOSTILE = [
    ("laughs.tmx", BILLION_LAUGHS % BODIES["tmx"], "entity declarations"),
    ("xxe.xlf", XXE % BODIES["xliff"], "entity declarations"),
    ("bad.tmx", b"<tmx><body><tu>", "malformed XML"),
    ("bad.xlsx", b"PK\x03\x04 not really", "not a valid Excel"),
    ("bad.csv", "只有一列\n".encode(), "two are needed"),
]


@pytest.mark.parametrize("name, data, message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_bilingual_files_store_nothing(session, name, data, message):
    before = _counts(session)
    with pytest.raises(FormatError, match=message):
        imports.import_files(session, "Hostile", [services.Upload(name, data)])
    session.rollback()
    assert _counts(session) == before


def test_zip_bomb_docx_stores_nothing(session):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w/>" + b" " * (30 * 1024 * 1024))
    before = _counts(session)
    zh = services.Upload("zh.txt", "你好".encode())
    with pytest.raises(FormatError, match="zip bomb"):
        imports.import_files(session, "Bomb", [zh, services.Upload("bomb.docx", out.getvalue())])
    assert _counts(session) == before


def test_wrong_kind_of_file_is_explained(session):
    with pytest.raises(InputError, match="monolingual file"):
        imports.import_files(session, "P", [services.Upload("a.txt", b"x")])
    with pytest.raises(InputError, match="bilingual file; import it on its own"):
        imports.import_files(session, "P", [services.Upload("a.txt", b"x"), services.Upload("b.tmx", b"x")])
    with pytest.raises(InputError, match="unknown export format"):
        exports.export_document(session, 1, "pdf")


def test_side_by_side_exports_carry_status_and_open_findings(session, demo_doc):
    from app.services.findings import document_findings

    flagged = document_findings(session, demo_doc).by_link
    assert flagged  # the demo has seeded defects
    bitext = by_name("csv").read(exports.export_document(session, demo_doc, "csv").data, "x.csv")
    assert len(bitext.pairs) == 18
    import csv

    rows = list(csv.DictReader(io.StringIO(exports.export_document(session, demo_doc, "csv").data
                                           .decode("utf-8-sig"))))
    assert set(rows[0]) == {"zh", "en", "status", "note", "findings"}
    assert sum(1 for r in rows if r["findings"]) == len(flagged)
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(exports.export_document(session, demo_doc, "xlsx").data)).active
    assert [c.value for c in sheet[1]] == ["zh", "en", "status", "note", "findings"]
    assert sum(1 for row in sheet.iter_rows(min_row=2, values_only=True) if row[4]) == len(flagged)
