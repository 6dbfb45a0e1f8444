"""Stored check runs (table check_runs): a new process reads a document's last complete run instead of running
every check, never a stale one (after a save, a dismissal, a glossary change, or under other check code), and
runs the checks again when the stored payload cannot be read."""

from __future__ import annotations

import logging
import zlib

import pytest
from sqlalchemy import select, update

from app import services
from app.services import findings, review
from app.services.glossary import TermInput, add_term
from app.storage import queries
from app.storage.models import CheckRun, Document, Project, User

pytestmark = pytest.mark.pg


@pytest.fixture
def computes(monkeypatch):
    """Counts full check runs (``_compute``) from here on; the in-process caches start empty (a new process)."""
    calls = []
    real = findings._compute

    def counted(*args, **kwargs):
        calls.append(args[1].id)
        return real(*args, **kwargs)

    monkeypatch.setattr(findings, "_compute", counted)
    findings.forget_cached()
    yield calls
    findings.forget_cached()


def _admin(session) -> User:
    return session.scalar(select(User).where(User.username == "admin"))


def _same(a: findings.DocumentFindings, b: findings.DocumentFindings) -> None:
    assert [repr(f) for f in a.findings] == [repr(f) for f in b.findings]
    assert [(f.key, f.row) for f in a.findings] == [(f.key, f.row) for f in b.findings]
    assert {k: [repr(f) for f in v] for k, v in a.by_link.items()} == {k: [repr(f) for f in v]
                                                                       for k, v in b.by_link.items()}
    assert {k: [(s, e, repr(f)) for s, e, f in v] for k, v in a.zh_spans.items()} == \
        {k: [(s, e, repr(f)) for s, e, f in v] for k, v in b.zh_spans.items()}
    assert {k: [(s, e, repr(f)) for s, e, f in v] for k, v in a.en_spans.items()} == \
        {k: [(s, e, repr(f)) for s, e, f in v] for k, v in b.en_spans.items()}
    assert a.glossary_size == b.glossary_size and len(a.compiled) == len(b.compiled)


def _stored(session, doc_id: int) -> CheckRun | None:
    session.expire_all()
    return session.get(CheckRun, doc_id)


def test_a_new_process_reads_the_stored_run(session, demo_doc, computes):
    first = findings.document_findings(session, demo_doc)  # the import's run is stale: the glossary came after
    assert computes == [demo_doc]
    row = _stored(session, demo_doc)
    assert row is not None and row.count == len(first.findings) > 10
    findings.forget_cached()  # a new process
    again = findings.document_findings(session, demo_doc)
    assert computes == [demo_doc]  # read back, not run
    _same(first, again)
    # the page marks come out the same from a stored run
    segs = queries.document_segments(session, demo_doc, "en")[:6]
    assert again.prepare_marks(segs).marks == first.prepare_marks(segs).marks


def test_an_import_stores_its_run_with_the_document(session, computes):
    zh = "第一段。\n\n全国两会在北京召开。\n".encode()
    en = b"The first paragraph.\n\nThe two  sessions opened in Beijing.\n"
    doc = services.import_document(session, "Runs", services.Upload("zh.txt", zh), services.Upload("en.txt", en),
                                   _admin(session), aligner="length")
    session.commit()
    assert computes == [doc.id]
    doc_id = doc.id
    session.close()  # another request, another session: the key must match what it reads back
    findings.forget_cached()
    found = findings.document_findings(session, doc_id)
    assert computes == [doc_id]  # the import's run, read back
    assert found.findings and found.by_link


def test_an_import_rolled_back_leaves_no_run(session, computes):
    doc = services.import_document(session, "Gone", services.Upload("zh.txt", "中文。".encode()),
                                   services.Upload("en.txt", b"Chinese."), _admin(session), aligner="length")
    doc_id = doc.id
    session.rollback()
    assert session.get(CheckRun, doc_id) is None


def _edit(session, doc_id):
    seg = queries.document_segments(session, doc_id, "en")[3]
    review.save_segment(session, seg.id, seg.text + " the Maple Bridge experience", seg.version, _admin(session))


def _dismiss(session, doc_id):
    f = findings.document_findings(session, doc_id).findings[0]
    findings.dismiss(session, doc_id, f.key, f.check, f.message, _admin(session))


def _glossary(session, doc_id):
    project = session.get(Project, session.get(Document, doc_id).project_id)
    add_term(session, project, TermInput(zh="检察长", en="procurator-general"), _admin(session))


@pytest.mark.parametrize("change", [_edit, _dismiss, _glossary], ids=["save", "dismissal", "glossary"])
def test_a_stale_run_is_not_used(session, demo_doc, computes, change):
    before = findings.document_findings(session, demo_doc)
    old_key = _stored(session, demo_doc).key
    change(session, demo_doc)
    session.commit()
    findings.forget_cached()
    computes.clear()
    after = findings.document_findings(session, demo_doc)
    assert computes == [demo_doc]  # run again, not read back
    assert _stored(session, demo_doc).key not in (old_key, None)  # and the new run stored
    if change is _dismiss:
        assert len(after.findings) == len(before.findings) - 1


def test_a_run_from_other_check_code_is_not_used(session, demo_doc, computes, monkeypatch):
    findings.document_findings(session, demo_doc)
    findings.forget_cached()
    monkeypatch.setattr(findings, "checks_code_fingerprint", lambda: "0" * 64)
    findings.document_findings(session, demo_doc)
    assert computes == [demo_doc, demo_doc]


def test_the_checks_code_fingerprint_covers_the_checks_source():
    assert len(findings.checks_code_fingerprint()) == 64
    assert any((findings.ROOT / part).exists() for part in findings.CHECKS_CODE)
    assert (findings.ROOT / "app/checks/terms.py").is_file()


@pytest.mark.parametrize("payload", [b"not zlib", zlib.compress(b"[1, 2"), zlib.compress(b'{"values": []}'),
                                     zlib.compress(b'{"values": [], "findings": [[0,0,0,0,0,0,0,0,0,0,0,0,0,0]]}')])
def test_a_corrupt_run_is_recomputed_with_a_log_line(session, demo_doc, computes, caplog, payload):
    good = findings.document_findings(session, demo_doc)
    session.execute(update(CheckRun).where(CheckRun.document_id == demo_doc).values(findings=payload))
    session.commit()
    findings.forget_cached()
    with caplog.at_level(logging.WARNING, logger="app.services.findings"):
        again = findings.document_findings(session, demo_doc)
    assert computes == [demo_doc, demo_doc]
    _same(good, again)
    assert any("cannot be read" in r.getMessage() for r in caplog.records)
    assert _stored(session, demo_doc).findings != payload  # replaced by the new run


def test_a_failed_store_is_logged_and_leaves_the_caller_alone(session, demo_doc, caplog):
    found = findings.document_findings(session, demo_doc)
    fingerprint = findings._fingerprint(session, session.get(Document, demo_doc))
    bad = findings.DocumentFindings([object()])  # not a finding: cannot be dumped
    with caplog.at_level(logging.WARNING, logger="app.services.findings"):
        assert findings.store_run(session, demo_doc, fingerprint, bad) is False
        assert findings.store_run(session, 10**9, fingerprint, found) is False  # no such document
    assert sum("could not store" in r.getMessage() for r in caplog.records) == 2
    assert session.get(Document, demo_doc) is not None  # the caller's session still works
    assert findings.store_run(session, demo_doc, fingerprint, found) is True


def test_a_run_stored_while_the_caller_holds_sqlites_write_lock_goes_with_its_transaction(session, demo_doc,
                                                                                         computes):
    findings.document_findings(session, demo_doc)
    _dismiss(session, demo_doc)  # written, not committed: on SQLite another connection would wait for it
    findings.forget_cached()
    findings.document_findings(session, demo_doc)
    session.commit()
    key = _stored(session, demo_doc).key
    assert key == findings.run_key(findings._fingerprint(session, session.get(Document, demo_doc)))


def test_deleting_a_document_deletes_its_run(session, computes):
    project = services.get_or_create_project(session, "Empty")
    doc = Document(project=project, title="nothing yet")
    session.add(doc)
    session.commit()
    found = findings.document_findings(session, doc.id)
    assert _stored(session, doc.id) is not None and found.findings == []
    session.delete(doc)
    session.commit()
    assert session.scalar(select(CheckRun).where(CheckRun.document_id == doc.id)) is None
