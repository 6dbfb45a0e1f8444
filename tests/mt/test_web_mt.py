"""MT in the review page and the CLI: the suggestion fragment, copying it in, the back-check, `duizhao mt`."""

from __future__ import annotations

import importlib.util

from sqlalchemy import select

from app import mt
from app.storage import queries
from app.storage.models import MTCache, Revision
from tests.mt.conftest import require_argos


def _post(client, auth, path, **data):
    data.setdefault("csrf_token", auth.token("/"))
    return client.post(path, data=data, headers={"HX-Request": "true"})


def _one_to_one(session, doc_id):
    for link in queries.document_links(session, doc_id):
        sides = [m.segment.side for m in link.members]
        if sides.count("zh") == 1 and sides.count("en") == 1:
            return link, next(m.segment for m in link.members if m.segment.side == "en")
    raise AssertionError("the demo has no 1-1 link")


def test_without_mt_the_panel_has_no_button_and_the_fragment_says_how(client, auth, session, demo_doc, mt_missing):
    auth.login("rita")
    link, _ = _one_to_one(session, demo_doc)
    panel = client.get(f"/links/{link.id}/panel", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "MT suggestion" not in panel
    body = client.get(f"/links/{link.id}/mt", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "argospm install translate-zh_en" in body and "Traceback" not in body
    page = client.get(f"/documents/{demo_doc}/mt-check")
    assert page.status_code == 200 and "argospm install translate-zh_en" in page.get_data(as_text=True)


def test_suggestion_is_cached_and_copied_as_an_mt_revision(client, auth, session, demo_doc, mt_ready):
    auth.login("rita")
    link, seg = _one_to_one(session, demo_doc)
    panel = client.get(f"/links/{link.id}/panel", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'hx-get="/links/{link.id}/mt"' in panel
    body = client.get(f"/links/{link.id}/mt", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "MT suggestion" in body and "Copy into the English" in body and "translate-zh_en-tiny@" in body
    assert mt.stats["model_calls"] == 1
    cached = session.scalars(select(MTCache)).all()
    assert [row.text for row in cached] == [next(m.segment.text for m in link.members if m.segment.side == "zh")]
    mt.reset()  # a new process: the translation comes from mt_cache, not the model
    client.get(f"/links/{link.id}/mt", headers={"HX-Request": "true"})
    assert mt.stats["model_calls"] == 0 and mt.stats["store_hits"] == 1

    base = seg.version
    response = _post(client, auth, f"/links/{link.id}/mt/copy", base_version=str(base))
    assert response.status_code == 200 and "origin MT" in response.get_data(as_text=True)
    session.expire_all()
    rev = session.scalars(select(Revision).where(Revision.segment_id == seg.id)).one()
    assert rev.origin == "mt" and rev.after == cached[0].translation and rev.reason == "machine translation"
    stale = _post(client, auth, f"/links/{link.id}/mt/copy", base_version=str(base))
    assert stale.status_code == 409 and "not copied" in stale.get_data(as_text=True)


def test_translators_copy_but_need_the_edit_right(client, auth, session, demo_doc, mt_ready):
    link, seg = _one_to_one(session, demo_doc)
    auth.login("tom")
    assert _post(client, auth, f"/links/{link.id}/mt/copy", base_version="0").status_code == 200
    assert _post(client, auth, f"/links/{link.id}/mt/copy", base_version="x").status_code == 400


def test_backcheck_page(client, auth, demo_doc, mt_ready):
    auth.login("rita")
    page = client.get(f"/documents/{demo_doc}/mt-check")
    assert page.status_code == 200 and "MT back-check" in page.get_data(as_text=True)


def test_cli_translates_paragraphs(tmp_path, mt_ready):
    from click.testing import CliRunner

    from app.cli import cli

    zh = tmp_path / "zh.txt"
    zh.write_text("坚持和发展新时代枫桥经验。\n\n全国两会精神\n", encoding="utf-8")
    out = tmp_path / "en.txt"
    result = CliRunner().invoke(cli, ["mt", str(zh), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    en = tmp_path / "en-human.txt"
    en.write_text("Uphold the Fengqiao Experience.\nThe spirit of the two sessions.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["mt", str(zh), "--en", str(en)])
    assert result.exit_code == 0 and "finding(s)" in result.output


def _cli_mt(tmp_path):
    from click.testing import CliRunner

    from app.cli import cli

    zh = tmp_path / "zh.txt"
    zh.write_text("全国两会精神\n", encoding="utf-8")
    return CliRunner().invoke(cli, ["mt", str(zh)])


def test_cli_without_the_model_explains_in_one_line(tmp_path, mt_missing):
    require_argos()  # without argostranslate the message is the install hint (the next test)
    result = _cli_mt(tmp_path)
    assert result.exit_code == 2
    assert result.output.strip().startswith("Error: No zh→en Argos model") and result.output.count("\n") == 1


def test_cli_without_the_extra_explains_in_one_line(tmp_path, mt_missing, monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "argostranslate" else real_find_spec(name, *a))
    mt.reset()
    result = _cli_mt(tmp_path)
    assert result.exit_code == 2
    assert result.output == f"Error: {mt.INSTALL_HINT}\n"


def test_backcheck_translates_every_paragraph_once(session, demo_doc, mt_ready):
    from app.services import mt as mt_service

    zh = queries.document_segments(session, demo_doc, "zh")
    result = mt_service.document_backcheck(session, demo_doc)
    assert all(f.check == "mt.divergent" and f.zh_index in result.row_of_zh for f in result.findings)
    assert set(result.row_of_zh) == set(range(len(zh)))
    session.flush()
    assert session.query(MTCache).count() == len({s.text for s in zh})
    calls = mt.stats["model_calls"]
    mt_service.document_backcheck(session, demo_doc)
    assert mt.stats["model_calls"] == calls  # the second run is served from the cache


def test_backcheck_translates_as_a_job(client, auth, session, demo_doc, mt_ready):
    """The page never translates; its button starts a job (issue 13) that translates every paragraph once,
    then leads back to the page, which now shows the back-check."""
    from app.storage.models import Job

    auth.login("rita")
    total = len({s.text for s in queries.document_segments(session, demo_doc, "zh")})
    calls = mt.stats["model_calls"]
    first = client.get(f"/documents/{demo_doc}/mt-check").get_data(as_text=True)
    assert f"0 of {total} Chinese paragraphs" in first and f"Translate the {total} remaining" in first
    assert mt.stats["model_calls"] == calls  # looking at the page translates nothing
    response = client.post(f"/documents/{demo_doc}/mt-check", data={"csrf_token": auth.token("/")})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_page = client.get(response.headers["Location"])  # the immediate queue ran it at commit
    assert job_page.status_code == 302 and job_page.headers["Location"].endswith(f"/documents/{demo_doc}/mt-check")
    session.expire_all()
    job = session.query(Job).filter_by(kind="mt-backcheck").one()
    assert job.state == "done" and job.progress == 1.0 and job.result_id == demo_doc
    assert mt.stats["model_calls"] == calls + total
    page = client.get(f"/documents/{demo_doc}/mt-check").get_data(as_text=True)
    assert "remaining" not in page and "MT back-check" in page
    assert mt.stats["model_calls"] == calls + total  # the page reads the cache


def test_backcheck_job_is_for_members_and_needs_the_model(client, auth, session, demo_doc, mt_missing):
    auth.login("rita")
    response = client.post(f"/documents/{demo_doc}/mt-check", data={"csrf_token": auth.token("/")})
    assert response.status_code == 400 and "argos" in response.get_data(as_text=True).lower()
