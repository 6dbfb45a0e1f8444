"""The review workflow in Debian's chromium: keyboard confirm-and-next, revert, search and replace with
preview, fix propagation from a finding, and the report download."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.conftest import login, revert_to_the_original

pytestmark = pytest.mark.browser


def _open_doc(page, base, doc_id, user="rita", password="reviewer-pass-1"):
    login(page, base, user, password)
    page.goto(f"{base}/documents/{doc_id}")
    page.wait_for_selector("table.pairs")


def test_keyboard_confirm_and_next(live_server, browser_page):
    base, doc_id = live_server
    page = browser_page
    _open_doc(page, base, doc_id)
    page.locator("#row-2 .en-view").focus()
    page.keyboard.press("Enter")  # edit
    box = page.locator("#row-2 textarea[name=text]")
    assert box.is_visible()
    page.keyboard.press("End")
    page.keyboard.type(" (SPP website)")
    page.keyboard.press("Control+Enter")  # save, confirm, next
    page.locator("#status-" + page.locator("#row-2").get_attribute("data-link") + " .st-label",
                 has_text="reviewed").wait_for()
    expect(page.locator("#row-3 textarea[name=text]")).to_be_focused()
    # Confirm the next one without changing it, then move back up with Alt+Up.
    page.keyboard.press("Control+Enter")
    page.locator("#status-" + page.locator("#row-3").get_attribute("data-link") + " .st-label",
                 has_text="reviewed").wait_for()
    page.keyboard.press("Escape")
    page.locator("#row-4 .en-view").focus()
    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator("#row-3 textarea[name=text]")).to_be_focused()
    # The help overlay opens with "?" outside a text box.
    page.keyboard.press("Escape")
    page.locator("h1, .progress-line").first.click()
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()


def test_revert_from_the_history(live_server, browser_page):
    base, doc_id = live_server
    page = browser_page
    _open_doc(page, base, doc_id, "tom", "translator-pass-1")
    row = page.locator("#row-3")
    row.locator(".en-view").click()
    row.locator("textarea[name=text]").fill("[Font size: large, medium, small]")
    row.locator("button[type=submit]").click()
    row.locator(".saved").wait_for()
    revert_to_the_original(page, row, 2)
    assert "[Font: large" in row.locator(".en-view").inner_text()


def test_search_and_replace_with_preview(live_server, browser_page):
    base, doc_id = live_server
    page = browser_page
    _open_doc(page, base, doc_id, "tom", "translator-pass-1")
    page.locator(".filters").click()  # outside any text box or button
    page.keyboard.press("Control+Shift+F")
    query = page.locator("#search-q")
    expect(query).to_be_focused()
    query.fill("Tongjianming")
    page.locator("#side-panel input[name=replace]").fill("Tong Jianming")
    page.locator("#side-panel button", has_text="Preview").click()
    hits = page.locator("#side-panel ol.hits li")
    hits.first.wait_for()
    assert hits.count() == 1 and "Tongjianming" in hits.first.locator("del").inner_text()
    page.locator("#side-panel button", has_text="Replace the selected hits").click()
    page.locator(".flash", has_text="Replaced in 1 paragraph(s)").wait_for()  # the page reloads
    assert "Tong Jianming, Ge Xiaoyan" in page.locator("#row-7 .en-view").inner_text()


def test_fix_propagation_from_a_finding(live_server, browser_page):
    base, doc_id = live_server
    page = browser_page
    _open_doc(page, base, doc_id)
    row = page.locator("#row-1")
    row.locator("td.findings summary").click()
    row.locator("button", has_text="Apply everywhere…").first.click()
    panel = page.locator("#side-panel .search-panel")
    panel.wait_for()
    assert "Apply a fix everywhere" in panel.inner_text()
    count = panel.locator("ol.hits li").count()
    assert count >= 1
    panel.locator("button", has_text="Replace the selected hits").click()
    page.wait_for_url(f"{base}/documents/{doc_id}")
    assert "Replaced in" in page.locator(".flash").inner_text()


def test_report_download(live_server, browser_page, tmp_path):
    base, doc_id = live_server
    page = browser_page
    _open_doc(page, base, doc_id)
    row = page.locator("#row-13")
    row.locator(".en-view").click()
    box = row.locator("textarea[name=text]")
    box.fill(box.input_value().replace("Maple Bridge experience", "Fengqiao Experience"))
    row.locator("details.why summary").click()
    row.locator("select[name=category]").select_option("terminology")
    row.locator("select[name=severity]").select_option("major")
    row.locator("button[type=submit]").click()
    row.locator(".saved").wait_for()
    page.click("a[role=button]:text-is('Report')")
    page.wait_for_selector("svg.chart")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    with page.expect_download() as info:
        page.click("a[download]:has-text('JSON')")
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert data["fixes"][0]["category"] == "terminology" and data["fixes"][0]["author"] == "rita"
    with page.expect_download() as info:
        page.click("a[download]:has-text('HTML')")
    html = Path(info.value.path()).read_text(encoding="utf-8")
    assert "<del>Maple</del>" in html and "<ins>Fengqiao</ins>" in html
