"""The weight of the review grid: a page of 200 links of the demo (glossary hits, findings on most rows) stays
under a bound, and what slimmed it keeps the facts (each paragraph's text once, in its view)."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from app import services
from app.services.glossary import add_glossary
from app.storage import queries
from app.storage.models import User
from app.terminology.glossary import load_glossary_csv
from tests.conftest import ROOT

COPIES = 12  # the demo's 18 links, 12 times: 216 links, one full page of 200 and a second page


def _long_document(session) -> int:
    admin = session.scalars(select(User).where(User.username == "admin")).one()
    zh = (ROOT / "corpus/demo/zh.txt").read_bytes() + b"\n\n"
    en = (ROOT / "corpus/demo/en.txt").read_bytes() + b"\n\n"
    doc = services.import_document(session, "Long", services.Upload("zh.txt", zh * COPIES),
                                   services.Upload("en.txt", en * COPIES), admin, aligner="length")
    add_glossary(session, doc.project, "demo", load_glossary_csv(ROOT / "glossary/spp-2024.csv"))
    session.commit()
    return doc.id


def test_a_page_of_200_links_stays_light(client, auth, session):
    doc_id = _long_document(session)
    auth.login("admin")
    response = client.get(f"/documents/{doc_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.count('<tr id="row-') == 200
    assert len(response.data) < 800 * 1024  # was 2.4 MB on a page of 200 (issue 14); 4 KB a row is the budget
    assert page.count("<textarea") == 1  # the one shared editor, in <template id="en-editor">
    assert page.count('name="csrf_token"') <= 2  # the editor's and the log-out form's
    # Each paragraph's text travels once, in its view, and is given back exactly (the editor reads it there).
    views = dict(re.findall(r'<div class="en-cell" id="seg-(\d+)".*?<div id="view-\d+" class="en-view[^>]*>(.*?)</div>',
                            page, re.S))
    segments = {str(s.id): s.text for s in queries.document_segments(session, doc_id, "en")}
    assert len(views) >= 200
    for seg_id, view in views.items():
        assert html.unescape(re.sub(r"<[^>]+>", "", view)) == segments[seg_id]
    # A mark names its tooltip's lines; the table of lines is in the page, each line once.
    table = page.split('<script type="application/json" id="mark-titles">')[1].split("</script>")[0]
    assert "</" not in table and table.startswith("[")
    numbers = {int(n) for group in re.findall(r'data-t="([\d ]+)"', page) for n in group.split()}
    assert numbers and max(numbers) < table.count('", "') + 1


def test_a_row_s_findings_load_when_opened(client, auth, demo_doc):
    auth.login("rita")
    page = client.get(f"/documents/{demo_doc}").get_data(as_text=True)
    row = page.split('id="row-13"')[1].split('id="row-14"')[0]
    assert "Apply everywhere" not in row and "● 11" in row
    path = re.search(r'hx-get="(/links/\d+/findings)"', row).group(1)
    cell = client.get(path, headers={"HX-Request": "true"}).get_data(as_text=True)
    lines = cell.count('class="finding-item')  # identical findings are one line with ×N
    repeats = [int(n) for n in re.findall(r'<span class="times"[^>]*>×(\d+)</span>', cell)]
    assert lines - len(repeats) + sum(repeats) == 11 and "Apply everywhere…" in cell and " open>" in cell
