"""Issue 14 items 3, 7 and 8 in Debian's chromium: one numbering (row N in the grid, the messages and the panel),
an honest PASS/FAIL badge with the open findings by severity, and downloads named for what they are."""

from __future__ import annotations

import pytest

from app.services import findings
from tests.web.test_browser_workflow import _open_doc

pytestmark = pytest.mark.browser

TITLE = "最高检党组召开扩大会议 (12 March 2024)"  # the demo document's title


def test_row_one_says_row_one_in_the_grid_messages_and_panel(live_server, browser_page):
    base, doc_id = live_server
    page = browser_page
    _open_doc(page, base, doc_id)
    row = page.locator("#row-1")
    assert row.locator("td.num").inner_text().startswith("1")
    row.locator("td.findings summary").first.click()
    row.locator("td.findings .msg").first.wait_for()  # the grid loads a row's findings when it is opened
    messages = row.locator("td.findings .msg").all_inner_texts()
    # 最高检 is first met in row 1: its drift message places the renderings by row, row 1 first
    drift = next(m for m in messages if m.startswith("最高检 is rendered"))
    assert "(rows 1, " in drift and "¶" not in drift and "paragraph" not in drift
    assert not [m for m in messages if "¶" in m]
    assert row.locator(".en-view").get_attribute("aria-label") == "English, row 1"
    row.locator("button", has_text="History").click()
    panel = page.locator("#side-panel .link-panel")
    panel.wait_for()
    assert panel.get_attribute("aria-label") == "row 1"
    assert panel.locator("h3").inner_text().startswith("Row #1")
    assert "History · English, row 1" in panel.inner_text()
    # Row 13 holds English paragraph 14 (row 5 is a 1-2 link): everything about it says 13
    row13 = page.locator("#row-13")
    assert row13.locator(".en-view").get_attribute("aria-label") == "English, row 13"
    row13.locator("button", has_text="History").click()
    page.locator("#side-panel .link-panel[aria-label='row 13']").wait_for()
    assert "English paragraph" not in page.locator("#side-panel").inner_text()


def test_badge_fails_with_the_open_major_findings_beside_the_score(live_server, browser_page, session):
    base, doc_id = live_server
    page = browser_page
    found = findings.document_findings(session, doc_id).findings
    majors = sum(f.severity == "major" for f in found)
    minors = sum(f.severity == "minor" for f in found)
    assert majors  # the demo has open major findings and no recorded error (score 0.0)
    _open_doc(page, base, doc_id)
    header = page.locator(".progress-line")
    counts = header.locator(".open-by-severity")
    assert f"▲ {majors} major" in counts.inner_text() and f"● {minors} minor" in counts.inner_text()
    assert "◆ 0 critical" in counts.inner_text()  # icons and words, not colour alone
    badge = header.locator("a.score")
    text = badge.inner_text()
    assert "quality 0.0 / 1k chars" in text and "FAIL" in text and "PASS" not in text
    assert f"{majors} major findings open" in text
    assert "fail" in badge.get_attribute("class")
    badge.click()  # the report says the same
    page.wait_for_selector("section.summary")
    summary = page.locator("section.summary").inner_text()
    assert "FAIL" in summary and f"{majors} major findings open" in summary and f"{majors} major" in summary


def test_downloads_are_named_for_what_they_are(live_server, browser_page):
    base, doc_id = live_server
    page = browser_page
    _open_doc(page, base, doc_id)
    with page.expect_download() as info:
        page.click("a[download]:has-text('Export corrected English (.txt)')")
    assert info.value.suggested_filename == f"{TITLE}.en.corrected.txt"
    with page.expect_download() as info:
        page.click("a[download]:has-text('Revision log (.csv)')")
    assert info.value.suggested_filename == f"{TITLE}.revisions.csv"
    names = {}
    for label in ("XLIFF 1.2 (.xlf)", "XLIFF 2.0 (.xlf)", "Project glossary (TBX 2008)", "Project glossary (TBX v3)"):
        if page.locator("details.export-menu").get_attribute("open") is None:
            page.locator("details.export-menu summary").click()
        with page.expect_download() as info:
            page.locator("details.export-menu a", has_text=label).click()
        names[label] = info.value.suggested_filename
    assert names == {"XLIFF 1.2 (.xlf)": f"{TITLE}.zh-en.xliff12.xlf", "XLIFF 2.0 (.xlf)": f"{TITLE}.zh-en.xliff20.xlf",
                     "Project glossary (TBX 2008)": f"{TITLE}.tbx2008.tbx",
                     "Project glossary (TBX v3)": f"{TITLE}.tbxv3.tbx"}
    page.goto(f"{base}/documents/{doc_id}/report")
    with page.expect_download() as info:
        page.click("a[download]:has-text('JSON')")
    assert info.value.suggested_filename == f"{TITLE}.report.json"
