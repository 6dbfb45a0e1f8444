"""A reviewer in a real browser (Playwright driving Debian's chromium; no browser is downloaded)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.conftest import login

pytestmark = pytest.mark.browser


def test_reviewer_fixes_maple_bridge(live_server, browser_page, tmp_path):
    base, doc_id = live_server
    page = browser_page
    page.goto(base + "/")
    page.fill("input[name=username]", "rita")
    page.fill("input[name=password]", "reviewer-pass-1")
    page.click("button[type=submit]")
    page.click("text=Demo: SPP report 2024-03-12 >> xpath=../.. >> a")
    page.wait_for_selector("table.pairs")

    row = page.locator("#row-13")
    # The forbidden rendering is highlighted in the English and the finding is listed.
    bad = row.locator(".en-view mark.term-bad", has_text="Maple Bridge experience")
    assert "forbidden rendering of 枫桥经验" in bad.get_attribute("title")
    row.locator("td.findings summary").click()  # the row's list of findings loads when opened
    row.locator("td.findings .finding-item").first.wait_for()
    assert "Maple Bridge experience" in row.locator("td.findings").text_content()
    page.keyboard.press("Escape")  # and closes
    row.locator(".en-view").click()  # the paragraph becomes a text box
    box = row.locator("textarea[name=text]")
    original = box.input_value()
    assert "Maple Bridge experience" in original
    box.fill(original.replace("Maple Bridge experience", "Fengqiao Experience"))
    row.locator("details.why summary").click()
    row.locator("input[name=reason]").fill("glossary: 枫桥经验")
    row.locator("select[name=category]").select_option("terminology")
    box.focus()
    page.keyboard.press("Control+Enter")  # save and move on
    row.locator(".saved").wait_for()
    assert "Saved ✓ v1" in row.locator(".saved").inner_text()
    expect(page.locator("#row-14 textarea[name=text]")).to_be_focused()
    # The saved text shows the approved rendering, and the finding is gone from the row.
    assert row.locator(".en-view mark.term-ok", has_text="Fengqiao Experience").count() == 1
    assert "Maple Bridge experience" not in row.locator("td.findings").text_content()
    page.screenshot(path=str(tmp_path / "review.png"), full_page=False)

    row.locator("button", has_text="History").click()
    history = page.locator("#side-panel .link-panel")
    history.wait_for()
    assert history.locator("del").first.inner_text() == "Maple"
    assert history.locator("ins").first.inner_text() == "Fengqiao"
    assert "rita" in history.inner_text() and "terminology" in history.inner_text()

    with page.expect_download() as info:
        page.click("text=Export corrected English (.txt)")
    exported = Path(info.value.path()).read_text(encoding="utf-8")
    assert "“Fengqiao Experience”" not in exported  # the English keeps its own straight quotes
    assert '"Fengqiao Experience"' in exported and "Maple Bridge" not in exported


def test_conflict_keeps_both_texts(live_server, browser_page, app):
    base, doc_id = live_server
    page = browser_page
    login(page, base, "tom", "translator-pass-1")
    page.goto(f"{base}/documents/{doc_id}")
    page.locator("#row-2 .en-view").click()
    box = page.locator("#row-2 textarea[name=text]")

    # Someone else saves the same paragraph meanwhile.
    from app import services
    from app.storage.models import Segment, User

    session = app.extensions["duizhao.sessionmaker"]()
    seg = session.query(Segment).filter_by(document_id=doc_id, side="en", position=1).one()
    rita = session.query(User).filter_by(username="rita").one()
    services.save_segment(session, seg.id, "Time: 12 March 2024. Author: Gong Chenyu. Source: SPP website", 0, rita)
    session.commit()
    session.close()

    box.fill("Time: March 12, 2024 | Author: Gong Chenyu | Source: SPP website")
    page.locator("#row-2 button[type=submit]").click()
    conflict = page.locator("#conflict-row-2 form.conflict")  # a full-width row under row 2
    conflict.wait_for()
    table, row = page.locator("table.pairs").bounding_box(), page.locator("#row-2").bounding_box()
    box, status = conflict.bounding_box(), page.locator("#row-2 td.status").bounding_box()
    assert box["width"] >= 0.9 * table["width"]  # the row's full width, not the English cell
    assert box["y"] >= row["y"] + row["height"] - 1 and box["y"] >= status["y"] + status["height"] - 1
    assert box["x"] + box["width"] <= table["x"] + table["width"] + 1  # nothing spills over the status column
    expect(conflict.locator("textarea")).to_be_focused()
    assert "12 March 2024" in conflict.locator(".theirs").inner_text()
    assert conflict.locator("textarea").input_value().startswith("Time: March 12, 2024 |")
    conflict.locator("button", has_text="Save mine over theirs").click()
    page.locator("#row-2 .saved").wait_for()
    assert "v2" in page.locator("#row-2 .saved").inner_text()
    expect(page.locator("#conflict-row-2")).to_have_count(0)  # the merge view is done
