"""`duizhao replace`: the review page's search and replace from the command line."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app import services
from app.model import codes_in, plain_text
from app.services import imports
from app.storage import queries
from app.storage.models import Revision, User
from tests.formats.test_real_files import FILES, relabel


def _revisions(session, doc_id):
    return session.scalar(select(func.count(Revision.id)).where(Revision.document_id == doc_id))


def _changed(session, doc_id, word):
    return [s for s in queries.document_segments(session, doc_id, "en") if word in s.text]


def test_replace_changes_every_paragraph_once(runner, session, demo_doc):
    hits = [s for s in queries.document_segments(session, demo_doc, "en") if "the" in s.text.lower().split()]
    assert len(hits) > 2
    dry = runner.invoke(["replace", str(demo_doc), "the", "THE", "--words", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would change {len(hits)} paragraphs" in dry.output
    session.expire_all()
    assert _revisions(session, demo_doc) == 0  # a dry run changes nothing
    result = runner.invoke(["replace", str(demo_doc), "the", "THE", "--words", "--user", "tom",
                            "--reason", "house style"])
    assert result.exit_code == 0, result.output
    assert f"changed {len(hits)} paragraphs" in result.output
    session.expire_all()
    assert _revisions(session, demo_doc) == len(hits)  # one revision per changed paragraph
    revs = session.scalars(select(Revision).where(Revision.document_id == demo_doc)).all()
    assert {r.reason for r in revs} == {"house style"} and {r.origin for r in revs} == {"replace"}
    assert {r.author.username for r in revs} == {"tom"}
    assert not any("the" in s.text.split() for s in queries.document_segments(session, demo_doc, "en"))


def test_replace_with_a_regex_and_case(runner, session, demo_doc):
    years = [s for s in queries.document_segments(session, demo_doc, "en") if re.search(r"\b20\d\d\b", s.text)]
    assert years
    result = runner.invoke(["replace", str(demo_doc), r"\b(20)(\d\d)\b", r"\1\2 CE", "--regex", "--case"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    ids = {y.id for y in years}
    now = [s for s in queries.document_segments(session, demo_doc, "en") if s.id in ids]
    assert all(re.search(r"\b20\d\d CE\b", s.text) for s in now)
    exact = runner.invoke(["replace", str(demo_doc), "ce", "x", "--case", "--words", "--dry-run"])
    assert "would change 0 paragraphs" in exact.output, exact.output
    loose = runner.invoke(["replace", str(demo_doc), "ce", "x", "--words", "--dry-run"])
    assert f"would change {len({y.id for y in years})} paragraphs" in loose.output, loose.output


def test_replace_never_touches_an_inline_code(runner, session):
    path = next(p for p in FILES if p.name.startswith("okapi-docxsegtest"))
    admin = session.scalars(select(User).where(User.username == "admin")).one()
    doc = imports.import_bitext(session, "CAT", services.Upload(path.name, relabel(path.read_bytes(), False)),
                                user=admin)
    session.commit()
    before = {s.id: s.text for s in queries.document_segments(session, doc.id, "en")}
    # "." matches any character: over coded text it would eat the codes' placeholders
    result = runner.invoke(["replace", str(doc.id), "(.)", r"\1", "--regex"])
    assert result.exit_code == 0 and "changed 0 paragraphs" in result.output, result.output
    result = runner.invoke(["replace", str(doc.id), "e", "E", "--case"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    after = queries.document_segments(session, doc.id, "en")
    coded = [s for s in after if codes_in(before[s.id])]
    assert coded and any("e" in plain_text(before[s.id]) for s in coded)
    for s in after:
        assert [(r, n) for _, r, n in codes_in(s.text)] == [(r, n) for _, r, n in codes_in(before[s.id])]
        assert plain_text(s.text) == plain_text(before[s.id]).replace("e", "E")


def test_replace_refuses_bad_input_in_one_line(runner, demo_doc):
    for args, message in (
        ([str(demo_doc), "(", "x", "--regex"], "not a valid regular expression"),
        ([str(demo_doc), "", "x"], "type something to search for"),
        (["999999", "a", "b"], "does not exist"),
        ([str(demo_doc), "a", "b", "--user", "nobody"], "user 'nobody' does not exist"),
        ([str(demo_doc), "(a)", r"\2", "--regex"], "the replacement does not fit"),
    ):
        result = runner.invoke(["replace", *args])
        assert result.exit_code == 2, (args, result.output)
        lines = [ln for ln in result.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error:") and message in lines[0], result.output


def test_replace_needs_the_right_to_edit_in_the_project(runner, session):
    path = next(p for p in FILES if p.suffix == ".tmx")
    admin = session.scalars(select(User).where(User.username == "admin")).one()
    doc = imports.import_bitext(session, "Closed", services.Upload(path.name, relabel(path.read_bytes(), True)),
                                user=admin)
    session.commit()
    result = runner.invoke(["replace", str(doc.id), "a", "b", "--user", "tom"])  # tom is no member of it
    assert result.exit_code == 2 and "does not allow" in result.output, result.output
    session.expire_all()
    assert _revisions(session, doc.id) == 0


def test_replace_fits_each_hit_and_prints_the_warnings(runner, session, demo_doc):
    doubled = re.compile(r"\b(the|an?)\s+(the|an?)\b", re.IGNORECASE)
    rows = queries.english_row_numbers(session, demo_doc)
    target = next(s for s in queries.document_segments(session, demo_doc, "en") if "two establishment" in s.text)
    warned = runner.invoke(["replace", str(demo_doc), "two establishment", "Two Establishments", "--words",
                            "--dry-run"])
    assert warned.exit_code == 0, warned.output
    assert (f"row {rows[target.id]}: ⚠ number: singular → plural “establishment” → “Establishments” "
            "(“two establishment” → “Two Establishments”)") in warned.output
    assert warned.output.rstrip().endswith("would change 1 paragraphs; 1 hits with a grammar warning.")
    exact = runner.invoke(["replace", str(demo_doc), "National Two Sessions", "the two sessions", "--words",
                           "--exact", "--dry-run"])
    assert exact.exit_code == 0 and "⚠" not in exact.output, exact.output
    paragraphs = len(_changed(session, demo_doc, "National Two Sessions"))
    result = runner.invoke(["replace", str(demo_doc), "National Two Sessions", "the two sessions", "--words",
                            "--reason", "glossary"])
    assert result.exit_code == 0, result.output
    assert paragraphs > 1 and result.output.strip() == f"Document {demo_doc}: 8 hits; changed {paragraphs} paragraphs."
    session.expire_all()
    english = [s.text for s in queries.document_segments(session, demo_doc, "en")]
    assert not any("National Two Sessions" in t or doubled.search(t) for t in english)
