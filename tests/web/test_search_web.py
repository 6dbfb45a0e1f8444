"""Search and replace in the web: the fitted preview with its notes and warnings, the select controls and the
count of ticked hits, "as typed", and fix-everywhere applying only the ticked hits."""

from __future__ import annotations

import re

from app.storage import queries

DOUBLED = re.compile(r"\b(the|an?)\s+(the|an?)\b", re.IGNORECASE)
NTS = "/documents/{}/search?q=National+Two+Sessions&replace=the+two+sessions&word=1&propagate=1"


def _keys(page):
    return re.findall(r'name="hit" value="([^"]+)"', page)


def _post(client, auth, path, **data):
    data.setdefault("csrf_token", auth.token("/"))
    return client.post(path, data=data, headers={"HX-Request": "true"})


def test_fix_everywhere_preview_is_fitted_with_select_controls(client, auth, demo_doc):
    auth.login("rita")
    page = client.get(NTS.format(demo_doc), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "8 hit(s)" in page and len(_keys(page)) == 8
    assert 'data-select="all"' in page and 'data-select="none"' in page
    assert '<span data-ticked>8</span> of 8 ticked' in page
    assert "static/search.js" in page and "static/search.css" in page
    assert page.count('class="hit-note hit-fitted"') == 8 and "hit-warning" not in page
    inserted = re.findall(r"<ins>([^<]*)</ins>", page)
    assert inserted == ["the two sessions"] * 8
    assert all(d == "the National Two Sessions" for d in re.findall(r"<del>([^<]*)</del>", page))
    assert "Only hits without warnings" not in page  # no warning, no such button


def test_a_grammar_warning_shows_on_its_hit_line(client, auth, demo_doc):
    auth.login("rita")
    page = client.get(f"/documents/{demo_doc}/search?q=two+establishment&replace=Two+Establishments&word=1"
                      "&propagate=1", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "1 hit(s)" in page and "⚠ 1 with a grammar warning" in page
    line = page.split('<li class="hit-has-warning">')[1].split("</li>")[0]
    assert 'class="hit-note hit-warning"' in line and "⚠" in line
    assert "singular → plural “establishment” → “Establishments”" in line
    assert 'data-select="clean"' in page


def test_as_typed_replaces_without_fitting(client, auth, session, demo_doc):
    auth.login("rita")
    page = client.get(NTS.format(demo_doc) + "&exact=1", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'name="exact" value="1" checked' in page and '<input type="hidden" name="exact" value="1">' in page
    assert "hit-note" not in page and set(re.findall(r"<del>([^<]*)</del>", page)) == {"National Two Sessions"}
    keys = _keys(page)
    _post(client, auth, f"/documents/{demo_doc}/replace", q="National Two Sessions", replace="the two sessions",
          word="1", exact="1", hit=keys[:1])
    session.expire_all()
    assert sum(bool(DOUBLED.search(s.text)) for s in queries.document_segments(session, demo_doc, "en")) == 1


def test_fix_everywhere_applies_only_the_ticked_hits(client, auth, session, demo_doc):
    auth.login("rita")
    keys = _keys(client.get(NTS.format(demo_doc), headers={"HX-Request": "true"}).get_data(as_text=True))
    response = _post(client, auth, f"/documents/{demo_doc}/replace", q="National Two Sessions",
                     replace="the two sessions", word="1", propagate="1", hit=keys[2:])
    assert response.status_code == 200
    session.expire_all()
    english = [s.text for s in queries.document_segments(session, demo_doc, "en")]
    assert sum(t.count("National Two Sessions") for t in english) == 2  # the two unticked hits
    assert not any(DOUBLED.search(t) for t in english)
    revs = queries.document_revisions(session, demo_doc)
    assert {r.category for r in revs} == {"terminology/inconsistent-with-termbase"} and {r.origin for r in revs} == {
        "replace"}
    assert len(revs) == len({r.segment_id for r in revs})  # one revision per paragraph
    none = _post(client, auth, f"/documents/{demo_doc}/replace", q="National Two Sessions",
                 replace="the two sessions", word="1", propagate="1")
    assert none.status_code == 400
