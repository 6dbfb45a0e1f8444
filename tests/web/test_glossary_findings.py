"""Findings on the review page, dismissals, the drift report and the glossary screens."""

import io
import re

from sqlalchemy import select

from app.storage.models import Term, TermChange
from tests.conftest import after_job, csrf_token, job_failed


def test_review_page_shows_findings_and_filters(client, auth, demo_doc):
    auth.login("rita")
    page = client.get(f"/documents/{demo_doc}").get_data(as_text=True)
    assert "open findings" in page
    assert "'Maple Bridge experience' is a forbidden rendering of 枫桥经验" in page  # a highlight's tooltip line
    # each row's list of findings is loaded when opened: one of them says it
    lists = [client.get(path).get_data(as_text=True) for path in re.findall(r'hx-get="(/links/\d+/findings)"', page)]
    message = "&#39;Maple Bridge experience&#39; is a forbidden rendering of 枫桥经验"
    assert lists and sum(message in found for found in lists) == 1
    flagged = client.get(f"/documents/{demo_doc}?show=flagged").get_data(as_text=True)
    assert 0 < flagged.count('<tr id="row-') < page.count('<tr id="row-')
    only_names = client.get(f"/documents/{demo_doc}?check=names.pinyin").get_data(as_text=True)
    assert only_names.count('<tr id="row-') == 1 and "Tongjianming" in only_names


def test_dismissed_findings_stay_dismissed(client, auth, demo_doc, session):
    from app.services import findings

    auth.login("rita")
    before = findings.document_findings(session, demo_doc)
    target = next(f for f in before.findings if f.check == "names.pinyin")
    response = client.post(f"/documents/{demo_doc}/dismiss", headers={"HX-Request": "true"},
                           data={"key": target.key, "check": target.check, "message": target.message,
                                 "csrf_token": auth.token("/")})
    assert response.status_code == 200 and "Dismissed" in response.get_data(as_text=True)
    after = findings.document_findings(session, demo_doc)
    assert target.key not in {f.key for f in after.findings}
    assert len(after.findings) == len(before.findings) - 1
    page = client.get(f"/documents/{demo_doc}?check=names.pinyin").get_data(as_text=True)
    assert "No links match this filter" in page


def test_translators_cannot_dismiss(client, auth, demo_doc):
    auth.login("tom")
    response = client.post(f"/documents/{demo_doc}/dismiss", data={"key": "numbers:abc", "check": "numbers",
                                                                 "message": "m", "csrf_token": auth.token("/")})
    assert response.status_code == 403


def test_drift_report(client, auth, demo_doc):
    auth.login("tom")
    page = client.get(f"/documents/{demo_doc}/drift").get_data(as_text=True)
    assert "全国两会" in page and "National Two Sessions" in page and "✗ forbidden" in page
    assert f'href="/documents/{demo_doc}#row-' in page


def test_drift_report_without_glossary(client, auth):
    auth.login("rita")
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    data = {"project": "Bare", "csrf_token": auth.token("/import"),
            "zh_file": (io.BytesIO((root / "corpus/demo/zh.txt").read_bytes()), "zh.txt"),
            "en_file": (io.BytesIO((root / "corpus/demo/en.txt").read_bytes()), "en.txt")}
    location = after_job(client, client.post("/import", data=data, content_type="multipart/form-data")).request.path
    page = client.get(location + "/drift").get_data(as_text=True)
    assert "no glossary yet" in page
    # the document's own terms are compared all the same (issue 15)
    assert "党组" in page and "Party Group" in page and "consistency.term" in page and "● most used" in page


def _term_form(client, path, **values):
    token = csrf_token(client.get(path).get_data(as_text=True))
    data = {"zh": "", "en": "", "variants": "", "forbidden": "", "case_rule": "insensitive", "kind": "term",
            "status": "approved", "domains": "", "authority": "", "note": "", "reason": "", "csrf_token": token}
    data.update(values)
    return client.post(path, data=data)


def test_translator_proposes_reviewer_approves(client, auth, session, demo_doc):
    project_id = 1
    auth.login("tom")
    form = client.get(f"/projects/{project_id}/glossary/new?zh=检察机关&en=procuratorial organs").get_data(as_text=True)
    assert 'value="检察机关"' in form and "Propose an entry" in form
    response = _term_form(client, f"/projects/{project_id}/glossary/new", zh="检察机关", en="procuratorial organs",
                          status="approved")
    assert response.status_code == 302
    term = session.scalar(select(Term).where(Term.zh == "检察机关"))
    assert term.status == "proposed"  # a translator can only propose
    assert client.post(f"/glossary/terms/{term.id}/status",
                       data={"status": "approved", "csrf_token": auth.token("/")}).status_code == 403
    auth.logout()
    auth.login("rita")
    response = client.post(f"/glossary/terms/{term.id}/status", data={"status": "approved",
                                                                     "csrf_token": auth.token("/")})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Term, term.id).status == "approved"
    history = client.get(f"/glossary/terms/{term.id}/history").get_data(as_text=True)
    assert "tom" in history and "rita" in history and "<ins>approved</ins>" in history
    changes = session.scalars(select(TermChange).where(TermChange.term_id == term.id)).all()
    assert len(changes) == 2


def test_edit_and_deprecate_change_the_checks(client, auth, session, demo_doc):
    auth.login("rita")
    term = session.scalar(select(Term).where(Term.zh == "枫桥经验"))
    response = _term_form(client, f"/glossary/terms/{term.id}/edit", zh="枫桥经验", en="Fengqiao Experience",
                          forbidden="", case_rule="capitalised", reason="allow the English name")
    assert response.status_code == 302
    page = client.get(f"/documents/{demo_doc}").get_data(as_text=True)
    assert "&#39;Maple Bridge experience&#39; is a forbidden rendering" not in page
    client.post(f"/glossary/terms/{term.id}/status", data={"status": "deprecated", "csrf_token": auth.token("/")})
    page = client.get(f"/documents/{demo_doc}").get_data(as_text=True)
    assert 'title="枫桥经验 → Fengqiao Experience' not in page


def test_glossary_search_export_import(client, auth, demo_doc):
    auth.login("rita")
    page = client.get("/projects/1/glossary?q=Fengqiao").get_data(as_text=True)
    assert "Fengqiao Experience" in page and "Two Upholds" not in page
    tbx = client.get("/projects/1/glossary/export.tbx3")
    assert tbx.status_code == 200 and b"conceptEntry" in tbx.data
    # named after the project ("Demo: SPP report 2024-03-12", its ":" dropped) and what the file is
    assert 'filename="Demo SPP report 2024-03-12.tbxv3.tbx"' in tbx.headers["Content-Disposition"]
    assert b"<martif" in client.get("/projects/1/glossary/export.tbx").data
    assert client.get("/projects/1/glossary/export.xls").status_code == 400
    csv_text = client.get("/projects/1/glossary/export.csv").get_data(as_text=True)
    assert csv_text.startswith("zh,en,variants,forbidden") and "枫桥经验" in csv_text
    new_csv = "zh,en\n检察机关,procuratorial organs\n枫桥经验,Fengqiao Experience\n"
    token = auth.token("/projects/1/glossary")
    response = client.post("/projects/1/glossary/import", content_type="multipart/form-data", follow_redirects=True,
                           data={"csrf_token": token, "file": (io.BytesIO(new_csv.encode()), "more.csv")})
    assert "Imported 1 new entries from more.csv (1 already present)" in response.get_data(as_text=True)
    only_en = {"csrf_token": token, "file": (io.BytesIO(b"en\nonly english\n"), "bad.csv")}
    bad = after_job(client, client.post("/projects/1/glossary/import", data=only_en,
                                        content_type="multipart/form-data"))
    assert job_failed(bad)
    hostile = b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><martif>&x;</martif>'
    bad = after_job(client, client.post("/projects/1/glossary/import", content_type="multipart/form-data",
                                        data={"csrf_token": token, "file": (io.BytesIO(hostile), "evil.tbx")}))
    assert job_failed(bad) and "entity declarations are not allowed" in bad.get_data(as_text=True)
    tbx_entry = (b'<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="a">'
                 b'<langSec xml:lang="zh"><termSec><term>\xe6\xb3\x95\xe9\x99\xa2</term></termSec></langSec>'
                 b'<langSec xml:lang="en"><termSec><term>court</term></termSec></langSec>'
                 b'</conceptEntry></body></text></tbx>')
    ok = client.post("/projects/1/glossary/import", content_type="multipart/form-data", follow_redirects=True,
                     data={"csrf_token": token, "file": (io.BytesIO(tbx_entry), "court.tbx")})
    assert "Imported 1 new entries from court.tbx" in ok.get_data(as_text=True)


def test_bad_term_input_is_refused(client, auth, demo_doc):
    auth.login("rita")
    response = _term_form(client, "/projects/1/glossary/new", zh="词", en="word", case_rule="loud")
    assert response.status_code == 400
    assert client.get("/projects/99/glossary").status_code == 404


def test_candidates_page_lists_drifting_terms(client, auth, demo_doc):
    auth.login("tom")
    page = client.get(f"/documents/{demo_doc}/candidates").get_data(as_text=True)
    assert "全国两会" in page and "⚠ drifting" in page and "Propose" in page


def test_candidates_page_shows_the_evidence(client, auth, demo_doc):
    auth.login("tom")
    page = client.get(f"/documents/{demo_doc}/candidates").get_data(as_text=True)
    assert 'class="muted evidence"' in page and "党组→" in page
