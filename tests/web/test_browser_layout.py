"""The review grid's layout and flow in Debian's chromium: source and target share the width, the side panel is a
drawer, the keyboard crosses pages, a revert refreshes the row's findings (the conflict view: test_browser.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import login, revert_to_the_original

pytestmark = pytest.mark.browser

WIDTHS = """() => Object.fromEntries(['num', 'zh', 'en', 'status', 'findings'].map(
    c => [c, document.querySelector('table.pairs th.' + c).getBoundingClientRect().width]))"""


def _open(page, base, doc_id, user="tom", password="translator-pass-1", query=""):
    login(page, base, user, password)
    page.goto(f"{base}/documents/{doc_id}{query}")
    page.wait_for_selector("table.pairs")


@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
def test_source_and_target_share_the_width(live_server, browser_page, width, height):
    base, doc_id = live_server
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    _open(page, base, doc_id)
    widths = page.evaluate(WIDTHS)
    assert widths["zh"] >= 0.4 * width and widths["en"] >= 0.4 * width, widths
    assert widths["status"] + widths["findings"] <= 0.16 * width, widths
    # no standing side column: the drawer is closed until asked for
    assert page.locator("#drawer").is_hidden() and page.locator("#side-panel").is_hidden()
    # the # column holds five digits on one line
    one_line = page.evaluate("""() => { const td = document.querySelector('#row-1 td.num');
        td.firstChild.textContent = '19800'; const r = document.createRange(); r.selectNodeContents(td.firstChild);
        const style = getComputedStyle(td);
        return [r.getClientRects().length, r.getBoundingClientRect().width
                <= td.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) + 0.5]; }""")
    assert one_line == [1, True]


def test_the_drawer_opens_when_asked_and_closes_with_esc(live_server, browser_page):
    base, doc_id = live_server
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    _open(page, base, doc_id)
    history = page.locator("#row-3 button", has_text="History")
    history.click()
    drawer = page.locator("#drawer")
    page.locator("#side-panel .link-panel").wait_for()
    assert drawer.is_visible()
    assert page.evaluate("document.getElementById('drawer').contains(document.activeElement)")  # focus moved in
    widths = page.evaluate(WIDTHS)  # the drawer lies over the grid: the columns keep their width
    assert widths["en"] >= 0.4 * 1280
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(history).to_be_focused()  # and back
    page.keyboard.press("Control+Shift+F")  # search opens in the drawer too; its close button closes it
    expect(page.locator("#search-q")).to_be_focused()
    page.locator("[data-drawer-close]").click()
    expect(drawer).to_be_hidden()


def test_ctrl_enter_on_the_last_row_continues_on_the_next_page(live_server, browser_page, app):
    base, doc_id = live_server
    app.config["PAGE_SIZE"] = 5
    page = browser_page
    _open(page, base, doc_id)
    page.locator("#row-5 .en-view").last.focus()  # row 5 (a 1-2 link) has two English paragraphs
    page.keyboard.press("Enter")
    page.keyboard.press("Control+End")
    page.keyboard.type(" (page end)")
    page.keyboard.press("Control+Enter")  # the last row of page 1: save, confirm, then page 2
    page.wait_for_url("**page=2**")
    expect(page.locator("#row-6 textarea[name=text]")).to_be_focused()
    assert page.locator("#row-5").count() == 0
    # the save was acknowledged before the page changed
    page.goto(f"{base}/documents/{doc_id}")
    assert page.locator("#row-5 .en-view").last.inner_text().endswith("(page end)")
    assert "translated" in page.locator("#row-5 td.status .st-label").inner_text()
    # Alt+Down and Alt+Up cross the page boundary both ways
    page.locator("#row-5 .en-view").last.focus()
    page.keyboard.press("Alt+ArrowDown")
    page.wait_for_url("**page=2**")
    expect(page.locator("#row-6 textarea[name=text]")).to_be_focused()
    page.keyboard.press("Alt+ArrowUp")
    page.wait_for_url("**page=1**")
    expect(page.locator("#row-5 textarea[name=text]").last).to_be_focused()


def test_revert_refreshes_the_row_s_findings(live_server, browser_page):
    base, doc_id = live_server
    page = browser_page
    _open(page, base, doc_id)
    row = page.locator("#row-13")
    findings = row.locator("td.findings")
    assert "● 11" in findings.inner_text()
    row.locator(".en-view").click()
    box = row.locator("textarea[name=text]")
    box.fill(box.input_value().replace("Maple Bridge experience", "Fengqiao Experience"))
    row.locator("button[type=submit]").click()
    row.locator(".saved").wait_for()
    assert "● 11" not in findings.inner_text()  # the save refreshed the row's findings
    after_save = findings.inner_text()
    revert_to_the_original(page, row, 2)
    expect(findings).to_contain_text("● 11")  # without a reload
    assert findings.inner_text() != after_save
    assert "Maple Bridge experience" in findings.text_content()
    assert row.locator(".en-view mark.term-bad", has_text="Maple Bridge experience").count() >= 1
    assert "History (2)" in row.locator(".cell-actions").inner_text()


def test_a_status_button_sets_the_status_in_place(live_server, browser_page, app):
    base, doc_id = live_server
    page = browser_page
    _open(page, base, doc_id, "rita", "reviewer-pass-1")
    status = page.locator("#row-1 td.status")
    status.locator("button", has_text="approve").click()
    expect(status.locator(".st-label")).to_contain_text("approved")  # icon and text, not colour alone
    assert "un-approve" in page.locator("#row-1 td.status").inner_text()
    from app.storage.models import Link

    session = app.extensions["duizhao.sessionmaker"]()
    link = session.get(Link, int(page.locator("#row-1").get_attribute("data-link")))
    assert link.status == "approved"
    session.close()
