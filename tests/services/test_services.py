"""Use cases against a real database: import, revisions, conflicts, export, demo loading."""

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import services
from app.errors import Conflict, Forbidden, InputError
from app.services import exports
from app.services.glossary import term_entries
from app.storage import queries
from app.storage.models import Document, Link, Project, Revision, Segment, Term, TermChange, User

ROOT = Path(__file__).resolve().parents[2]
ZH = (ROOT / "corpus/demo/zh.txt").read_bytes()
EN = (ROOT / "corpus/demo/en.txt").read_bytes()


def user(session, name="admin"):
    return session.scalar(select(User).where(User.username == name))


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def gold_links():
    return (ROOT / "corpus/demo/gold.align").read_text().split()


def test_import_stores_paragraphs_and_links(session):
    doc = services.import_document(session, "P", services.Upload("zh.txt", ZH), services.Upload("en.txt", EN),
                                   user=user(session), aligner="length")
    session.commit()
    assert len(queries.document_segments(session, doc.id, "zh")) == 18
    assert len(queries.document_segments(session, doc.id, "en")) == 19
    rows, pages = services.review_rows(session, doc.id)
    assert pages == 1
    got = ["[" + ",".join(str(s.position) for s in r.zh) + "]:[" + ",".join(str(s.position) for s in r.en) + "]"
           for r in rows]
    assert got == gold_links()
    assert all(0 <= r.link.confidence <= 1 for r in rows)


def test_import_of_a_bad_file_stores_nothing(session):
    before = (count(session, Project), count(session, Document), count(session, Segment))
    with pytest.raises(InputError, match="en.bin: looks like a binary file"):
        services.import_document(session, "New", services.Upload("zh.txt", ZH),
                                 services.Upload("en.bin", b"\x00\x01binary"))
    session.rollback()
    assert (count(session, Project), count(session, Document), count(session, Segment)) == before


@pytest.mark.parametrize("zh, en, reason", [
    (b"", EN, "zh.txt: the file is empty"),
    (ZH, b"\n\n  \n", "en.txt: the file is empty"),
    (b"\xff\xfe\x00\xd8", EN, "zh.txt: starts with a utf-16 byte-order mark"),
])
def test_import_refusals_name_the_file(session, zh, en, reason):
    with pytest.raises(InputError, match=reason):
        services.import_document(session, "P", services.Upload("zh.txt", zh), services.Upload("en.txt", en),
                                 aligner="length")


def _first_en(session, doc_id, position=13):
    return queries.document_segments(session, doc_id, "en")[position]


def test_save_records_a_revision(session, demo_doc):
    admin = user(session)
    seg = _first_en(session, demo_doc)
    old = seg.text
    new = old.replace("Maple Bridge experience", "Fengqiao Experience")
    rev = services.save_segment(session, seg.id, new, 0, admin, reason="glossary: 枫桥经验",
                                category="terminology", severity="major")
    session.commit()
    assert (rev.before, rev.after, rev.version, rev.author_id) == (old, new, 1, admin.id)
    assert (rev.category, rev.severity, rev.reason) == ("terminology", "major", "glossary: 枫桥经验")
    session.refresh(seg)
    assert (seg.text, seg.version, seg.original) == (new, 1, old)
    # A second save with the same text records nothing.
    assert services.save_segment(session, seg.id, new, 1, admin) is None
    assert count(session, Revision) == 1


def test_stale_save_is_refused_and_overwrites_nothing(session, demo_doc):
    rita, tom = user(session, "rita"), user(session, "tom")
    seg = _first_en(session, demo_doc)
    services.save_segment(session, seg.id, "Rita's text.", 0, rita)
    session.commit()
    with pytest.raises(Conflict) as info:
        services.save_segment(session, seg.id, "Tom's text.", 0, tom)
    session.rollback()
    assert info.value.current.text == "Rita's text."
    session.refresh(seg)
    assert (seg.text, seg.version) == ("Rita's text.", 1)
    assert [r.after for r in queries.segment_revisions(session, seg.id)] == ["Rita's text."]


def test_only_english_is_editable_and_input_is_checked(session, demo_doc):
    admin = user(session)
    zh = queries.document_segments(session, demo_doc, "zh")[0]
    with pytest.raises(InputError, match="only the English side"):
        services.save_segment(session, zh.id, "x", 0, admin)
    seg = _first_en(session, demo_doc)
    with pytest.raises(InputError, match="too long"):
        services.save_segment(session, seg.id, "x" * 100_001, 0, admin)
    with pytest.raises(InputError, match="unknown error category"):
        services.save_segment(session, seg.id, "x", 0, admin, category="spelling")
    with pytest.raises(InputError, match="NUL"):
        services.save_segment(session, seg.id, "a\x00b", 0, admin)


def test_roles(session, demo_doc):
    """Roles are per project (tom translates, rita reviews the demo); admins are global."""
    from app.storage.models import Document, Project

    demo = session.get(Document, demo_doc).project_id
    other = services.get_or_create_project(session, "Elsewhere").id
    tom, rita, admin = user(session, "tom"), user(session, "rita"), user(session, "admin")
    assert services.can(tom, "edit", demo) and not services.can(tom, "edit", other)
    assert not services.can(tom, "import", demo) and not services.can(tom, "align", demo)
    assert services.can(rita, "align", demo) and services.can(rita, "approve", demo)
    assert not services.can(rita, "view", other)
    assert not services.can(rita, "admin") and services.can(rita, "create-project")
    assert not services.can(tom, "create-project")
    assert services.can(admin, "admin") and services.can(admin, "align", other)
    with pytest.raises(Forbidden):
        services.require(tom, "admin")
    with pytest.raises(Forbidden):
        services.require(rita, "edit", other)
    # the importer of a new project becomes its reviewer
    doc = services.import_document(session, "Rita's own", services.Upload("zh.txt", "中文。".encode()),
                                   services.Upload("en.txt", b"Chinese."), user=rita, aligner="length")
    assert services.can(rita, "approve", doc.project_id)
    assert session.get(Project, doc.project_id).name == "Rita's own"
    with pytest.raises(Forbidden):
        services.import_document(session, "Elsewhere", services.Upload("zh.txt", "中文。".encode()),
                                 services.Upload("en.txt", b"Chinese."), user=rita, aligner="length")


def test_export_text_and_revision_log(session, demo_doc):
    admin = user(session)
    seg = _first_en(session, demo_doc)
    services.save_segment(session, seg.id, seg.text.replace("Maple Bridge experience", "Fengqiao Experience"),
                          0, admin, reason="term")
    services.save_segment(session, _first_en(session, demo_doc, 2).id, "=HYPERLINK(\"x\")", 0, admin)
    session.commit()
    text = services.export_text(session, demo_doc).decode("utf-8")
    paragraphs = text.strip().split("\n\n")
    assert len(paragraphs) == 19
    assert "Fengqiao Experience" in paragraphs[13] and "Maple Bridge" not in text
    rows = list(csv.reader(io.StringIO(services.export_revisions_csv(session, demo_doc).decode("utf-8-sig"))))
    assert rows[0] == list(exports.REVISION_COLUMNS)
    assert len(rows) == 3
    # English paragraph 14 sits in review row 13 (an earlier row holds two English paragraphs): the log says row 13
    assert rows[1][2] == "admin" and rows[1][3] == "13" and rows[1][7] == "term"
    assert rows[2][10].startswith("'=")  # formulas are neutralised


def test_demo_loads_once_with_its_glossary(session):
    admin = user(session)
    project, created = services.ensure_demo(session, ROOT / "corpus", ROOT / "glossary", admin, "length")
    session.commit()
    again, created_again = services.ensure_demo(session, ROOT / "corpus", ROOT / "glossary", admin, "length")
    assert created and not created_again and again.id == project.id
    assert count(session, Document) == 1
    glossary = queries.project_glossary(session, project.id)
    entries = term_entries(glossary)
    assert any(e.zh == ("枫桥经验",) and e.en == "Fengqiao Experience" for e in entries)
    assert count(session, TermChange) == count(session, Term) == len(entries)


def test_links_are_n_to_m(session, demo_doc):
    link = session.scalar(select(Link).where(Link.document_id == demo_doc, Link.position == 4))
    sides = sorted((m.segment.side, m.segment.position) for m in link.members)
    assert sides == [("en", 4), ("en", 5), ("zh", 4)]


def test_users_and_passwords(session):
    new, password = services.create_user(session, "lin", "translator")
    assert len(password) >= 12 and services.authenticate(session, "lin", password) is new
    assert services.authenticate(session, "lin", "wrong-password") is None
    with pytest.raises(InputError, match="already exists"):
        services.create_user(session, "lin", "reviewer")
    with pytest.raises(InputError, match="role must be"):
        services.create_user(session, "sam", "boss")
    with pytest.raises(InputError, match="at least 8"):
        services.create_user(session, "sam", "reviewer", "short")
    with pytest.raises(InputError, match="user name"):
        services.create_user(session, "bad name!", "reviewer")
    assert new.password_hash != password


def test_import_with_the_embedding_aligner(session):
    doc = services.import_document(session, "E", services.Upload("zh.txt", ZH), services.Upload("en.txt", EN),
                                   aligner="embedding")
    session.commit()
    rows, _ = services.review_rows(session, doc.id)
    got = ["[" + ",".join(str(s.position) for s in r.zh) + "]:[" + ",".join(str(s.position) for s in r.en) + "]"
           for r in rows]
    assert got == gold_links()
    assert doc.aligner.startswith("level:paragraph|method:embedding")
    assert all(0.5 < r.link.confidence <= 1 for r in rows)
    with pytest.raises(InputError, match="unknown aligner"):
        services.import_document(session, "E", services.Upload("zh.txt", ZH), services.Upload("en.txt", EN),
                                 aligner="magic")
