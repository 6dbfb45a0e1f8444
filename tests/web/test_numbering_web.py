"""Issue 14 items 3, 7 and 8 through the test client: one numbering on every page, the honest header and report,
and the names of downloads (the browser tests in test_browser_numbering.py check the same in chromium)."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

from lxml import html as lxml_html

from app.services import findings
from app.storage import queries

TITLE = "最高检党组召开扩大会议 (12 March 2024)"


def _tree(response):
    assert response.status_code == 200, response.status_code
    return lxml_html.fromstring(response.get_data(as_text=True))


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _all(el, tag: str, cls: str = "", inside: str = "") -> list:
    """Elements ``tag`` with class ``cls`` (optionally inside a ``td`` of class ``inside``), by XPath."""
    def has(c):
        return f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')"
    path = f".//td[{has(inside)}]" if inside else "."
    return el.xpath(f"{path}//{tag}" + (f"[{has(cls)}]" if cls else ""))


def test_messages_drift_and_panel_number_by_row(client, auth, session, demo_doc):
    auth.login("rita")
    page = _tree(client.get(f"/documents/{demo_doc}"))
    row1 = page.get_element_by_id("row-1")
    # the grid loads a row's findings when it is opened: the cell of row 1's link
    cell = _tree(client.get(f"/links/{row1.get('data-link')}/findings", headers={"HX-Request": "true"}))
    messages = [_text(m) for m in _all(cell, "span", "msg")]
    drift = next(m for m in messages if m.startswith("最高检 is rendered"))
    assert "(rows 1, " in drift
    every = [f.message for f in findings.document_findings(session, demo_doc).findings]
    assert every and not [m for m in every if "¶" in m or "paragraph" in m]
    assert _all(row1, "div", "en-view")[0].get("aria-label") == "English, row 1"
    # English paragraph 14 is in row 13 (row 5 holds two English paragraphs)
    seg14 = queries.document_segments(session, demo_doc, "en")[13]
    row13 = page.get_element_by_id("row-13")
    cell = row13.xpath(f".//*[@id='seg-{seg14.id}']")[0]
    assert _all(cell, "div", "en-view")[0].get("aria-label") == "English, row 13"
    panel = _tree(client.get(f"/segments/{seg14.id}/panel", headers={"HX-Request": "true"}))
    assert panel.get("aria-label") == "row 13" and _text(panel.xpath(".//h3")[0]).startswith("Row #13")
    assert "English paragraph" not in _text(panel) and "History · English, row 13" in _text(panel)
    history = _tree(client.get(f"/segments/{seg14.id}/history", headers={"HX-Request": "true"}))
    assert "History · English, row 13" in _text(history)
    # the drift page links each place to its row; a rendering's rows are those of its message
    drift_page = _tree(client.get(f"/documents/{demo_doc}/drift"))
    links = drift_page.xpath("//section[@class='drift-term']//a[contains(@href, '#row-')]")
    rows = {a.get("href").split("#row-")[1] for a in links}
    assert "1" in rows and all(1 <= int(r) <= 18 for r in rows)


def test_report_numbers_open_findings_by_row(client, auth, session, demo_doc):
    auth.login("rita")
    found = findings.document_findings(session, demo_doc).findings
    data = json.loads(client.get(f"/documents/{demo_doc}/report.json").data)
    assert [f["row"] for f in data["open_findings"]] == [f.row for f in found]
    assert data["open_findings"][0]["row"] == 1
    table = list(csv.reader(io.StringIO(client.get(f"/documents/{demo_doc}/report.csv").data.decode("utf-8-sig"))))
    assert [r[1] for r in table if r[0] == "open finding"] == [str(f.row) for f in found]
    page = client.get(f"/documents/{demo_doc}/report").get_data(as_text=True)
    assert "zh ¶" not in page and "<td>#1</td><td>term.drift</td>" in page


def test_header_and_report_fail_while_major_findings_are_open(client, auth, session, demo_doc):
    auth.login("rita")
    found = findings.document_findings(session, demo_doc).findings
    majors = sum(f.severity == "major" for f in found)
    page = _tree(client.get(f"/documents/{demo_doc}"))
    line = _all(page, "div", "progress-line")[0]
    counts = _text(_all(line, "span", "open-by-severity")[0])
    assert "◆ 0 critical" in counts and f"▲ {majors} major" in counts
    badge = _all(line, "a", "score")[0]
    assert "fail" in badge.get("class").split()
    assert "quality 0.0 / 1k chars · ✗ FAIL" in _text(badge) and f"{majors} major findings open" in _text(badge)
    data = json.loads(client.get(f"/documents/{demo_doc}/report.json").data)
    assert data["verdict"] == {"passed": False, "result": "FAIL", "reasons": [f"{majors} major findings open"],
                               "open_findings": {"critical": 0, "major": majors,
                                                 "minor": sum(f.severity == "minor" for f in found),
                                                 "info": sum(f.severity == "info" for f in found)}}
    assert data["score"]["within_threshold"] is True  # the score alone would pass: the badge no longer says so
    table = list(csv.reader(io.StringIO(client.get(f"/documents/{demo_doc}/report.csv").data.decode("utf-8-sig"))))
    assert table[-1][0] == "verdict" and table[-1][-1].startswith(f"FAIL: {majors} major findings open")


def test_header_passes_when_only_minor_findings_are_open(client, auth, session, demo_doc):
    auth.login("rita")
    token = auth.token(f"/documents/{demo_doc}")
    for f in findings.document_findings(session, demo_doc).findings:
        if f.severity in ("major", "critical"):
            client.post(f"/documents/{demo_doc}/dismiss", headers={"HX-Request": "true"},
                        data={"key": f.key, "check": f.check, "message": f.message, "csrf_token": token})
    left = findings.document_findings(session, demo_doc).findings
    assert left and not [f for f in left if f.severity in ("major", "critical")]
    badge = _all(_all(_tree(client.get(f"/documents/{demo_doc}")), "div", "progress-line")[0], "a", "score")[0]
    assert "pass" in badge.get("class").split() and "✓ PASS" in _text(badge)


def test_downloads_carry_their_names_in_utf8(client, auth, demo_doc):
    auth.login("rita")
    for url, name in [(f"/documents/{demo_doc}/export.txt", f"{TITLE}.en.corrected.txt"),
                      (f"/documents/{demo_doc}/export/xliff", f"{TITLE}.zh-en.xliff12.xlf"),
                      (f"/documents/{demo_doc}/export/xliff2", f"{TITLE}.zh-en.xliff20.xlf"),
                      (f"/documents/{demo_doc}/export/tbx", f"{TITLE}.tbx2008.tbx"),
                      (f"/documents/{demo_doc}/export/tbx3", f"{TITLE}.tbxv3.tbx"),
                      (f"/documents/{demo_doc}/export/docx", f"{TITLE}.en.corrected.docx"),
                      (f"/documents/{demo_doc}/revisions.csv", f"{TITLE}.revisions.csv"),
                      (f"/documents/{demo_doc}/alignment.csv", f"{TITLE}.alignment-log.csv"),
                      (f"/documents/{demo_doc}/report.html", f"{TITLE}.report.html"),
                      (f"/documents/{demo_doc}/report.csv", f"{TITLE}.report.csv")]:
        response = client.get(url)
        assert response.status_code == 200, url
        header = response.headers["Content-Disposition"]
        suffix = name[len(TITLE):]
        ascii_name = f"document-{demo_doc}{suffix}"
        assert header == f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
