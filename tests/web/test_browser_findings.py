"""The findings report and the sentence pairs in a real browser (Playwright driving Debian's chromium)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.services import findings
from tests.web.conftest import login

pytestmark = pytest.mark.browser


def _grid(page, base, doc_id, user=("rita", "reviewer-pass-1")):
    login(page, base, *user)
    page.goto(f"{base}/documents/{doc_id}")


def _open_pane(page, base, doc_id):
    _grid(page, base, doc_id)
    return _reopen_pane(page)


def _reopen_pane(page):
    page.get_by_role("button", name="Findings").click()
    pane = page.locator("#side-panel #qa-pane")
    pane.wait_for()
    return pane


def test_pane_groups_with_counts_jump_and_next_finding_key(live_server, browser_page, app, tmp_path):
    base, doc_id = live_server
    page = browser_page
    pane = _open_pane(page, base, doc_id)
    forbidden = pane.locator("details.qa-check", has=page.locator("code", has_text="term.forbidden"))
    two_sessions = forbidden.locator("details.qa-group", has=page.locator(".qa-label", has_text="全国两会"))
    expect(two_sessions.locator("summary .qa-count")).to_have_text("×12")
    expect(two_sessions.locator("li.qa-occ")).to_have_count(12)
    page.screenshot(path=str(tmp_path / "findings-pane.png"))
    # a click on an occurrence puts the reviewer on its row
    maple = forbidden.locator("details.qa-group", has=page.locator(".qa-label", has_text="枫桥经验"))
    maple.locator("summary").click()  # groups after the first open on a click
    maple.locator("li.qa-occ a.qa-jump").click()
    expect(page.locator("#row-13")).to_have_class("qa-current")
    expect(page.locator("#row-13 .en-view")).to_be_focused()
    # F8 / Shift+F8: the next / previous row with findings
    with app.app_context():
        session = app.extensions["duizhao.sessionmaker"]()
        flagged = findings.flagged_rows(session, doc_id, findings.document_findings(session, doc_id))
        session.close()
    after = min(r for r in flagged if r > 13)
    page.keyboard.press("F8")
    expect(page.locator(f"#row-{after} .en-view")).to_be_focused()
    page.keyboard.press("Shift+F8")
    expect(page.locator("#row-13 .en-view")).to_be_focused()
    # Enter on an occurrence's row link works as the click does
    pane.locator("li.qa-occ a.qa-jump", has_text="row 1").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#row-1 .en-view")).to_be_focused()
    # the shortcuts are in the help
    page.keyboard.press("Escape")
    page.locator("[data-help-toggle]").click()
    expect(page.locator("#help")).to_contain_text("F8")
    expect(page.locator("#help")).to_contain_text("sentence pairs")


def test_jump_to_a_row_on_another_page(live_server, browser_page, app):
    base, doc_id = live_server
    app.config["PAGE_SIZE"] = 5
    page = browser_page
    pane = _open_pane(page, base, doc_id)
    maple = pane.locator("details.qa-group", has=page.locator(".qa-label", has_text="枫桥经验"))
    maple.locator("summary").click()
    link = maple.locator("li.qa-occ a.qa-jump")
    expect(link).to_have_attribute("href", f"/documents/{doc_id}?page=3#row-13")
    link.click()
    page.wait_for_url(f"**/documents/{doc_id}?page=3#row-13")
    expect(page.locator("#row-13 .en-view")).to_be_focused()
    expect(page.locator("#row-13")).to_have_class("qa-current")
    # F8 from the last flagged row of this page (rows 11-15) goes on to the next page
    page.locator("#row-15 .en-view").focus()
    page.keyboard.press("F8")
    page.wait_for_url("**page=4#row-*")
    focused = page.evaluate("document.activeElement.closest('tr').id")
    assert focused.startswith("row-") and int(focused[4:]) > 15


def test_dismiss_a_group_refreshes_the_rows(live_server, browser_page, app):
    base, doc_id = live_server
    page = browser_page
    pane = _open_pane(page, base, doc_id)
    group = pane.locator("details.qa-group", has=page.locator(".qa-label", has_text="控告申诉"))
    group.locator("summary").click()
    rows = [int(t.replace("row ", "")) for t in group.locator("a.qa-jump").all_inner_texts()]
    assert len(rows) == 5 and len(set(rows)) >= 1
    page.keyboard.press("Escape")  # close the drawer, open the rows' lists (the grid loads them when opened)
    for row in set(rows):
        cell = page.locator(f"#row-{row} td.findings")
        cell.locator("summary").click()
        expect(cell).to_contain_text("'complaint reporting' is a forbidden")
    pane = _reopen_pane(page)
    page.wait_for_load_state("networkidle")  # the report follows the grid: let its refresh land first
    group = pane.locator("details.qa-group", has=page.locator(".qa-label", has_text="控告申诉"))
    group.evaluate("details => { details.open = true; }")  # the pane may reopen it as the reviewer left it
    page.once("dialog", lambda dialog: dialog.accept())  # "Dismiss all 5 occurrences of this group?"
    group.locator("button.qa-dismiss-group").click()
    expect(page.locator("#qa-pane [role=status]")).to_contain_text("Dismissed 5 findings")
    expect(page.locator("#qa-pane .qa-label", has_text="控告申诉")).to_have_count(0)
    for row in set(rows):  # the rows' findings cells were swapped out of band, without a reload
        expect(page.locator(f"#row-{row} td.findings")).not_to_contain_text("'complaint reporting' is a forbidden")
    # a dismiss in a row while the report is open: the report follows
    before = int(page.locator("#qa-pane h3 small").inner_text().split()[0])
    cell = page.locator("#row-3 td.findings")
    cell.locator("summary").focus()  # the drawer lies over the findings column: by keyboard, as a reviewer would
    page.keyboard.press("Enter")
    # the row's list loads when opened: a button htmx has not processed yet (it settles 20 ms after the swap)
    # would take the Enter and do nothing, where a reviewer's eye is slower
    page.wait_for_function("""() => {
        const c = document.querySelector('#row-3 td.findings');
        return c && c.querySelector('.finding-item') && !c.querySelector('[aria-busy], .htmx-settling, .htmx-request');
    }""")
    cell.locator("li.finding-item", has_text="several spaces").get_by_role("button", name="Dismiss ×2").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#qa-pane h3 small")).to_have_text(f"{before - 2} open")


def test_identical_findings_in_a_row_are_one_line_and_dismissed_together(live_server, browser_page):
    base, doc_id = live_server
    page = browser_page
    _grid(page, base, doc_id)
    cell = page.locator("#row-1 td.findings")
    cell.locator("summary").click()
    line = cell.locator("li.finding-item", has_text="'National Two Sessions' is a forbidden rendering")
    expect(line).to_have_count(1)
    expect(line.locator(".times")).to_have_text("×2")
    badge = cell.locator(".badge").inner_text()
    line.get_by_role("button", name="Dismiss ×2").click()
    forbidden = "'National Two Sessions' is a forbidden"
    expect(page.locator("#row-1 td.findings li.finding-item", has_text=forbidden)).to_have_count(0)
    expect(page.locator("#row-1 td.findings .badge")).not_to_have_text(badge)


def test_sentence_pairs_of_a_row(live_server, browser_page, tmp_path):
    base, doc_id = live_server
    page = browser_page
    _grid(page, base, doc_id, ("tom", "translator-pass-1"))
    page.locator("#row-13 .en-view").focus()
    page.keyboard.press("Alt+s")
    sentences = page.locator("#row-13 + tr.sentences-row")
    sentences.wait_for()
    pairs = sentences.locator("tr.sentence-pair")
    expect(pairs).to_have_count(7)
    # the forbidden rendering's finding sits in the pair whose English has it
    maple = pairs.filter(has=page.locator("td.en", has_text="Maple Bridge experience"))
    expect(maple.locator("td.findings")).to_contain_text("forbidden rendering of 枫桥经验")
    expect(maple.locator("td.en mark.finding", has_text="Maple Bridge experience").first).to_be_visible()
    expect(pairs.filter(has_not=page.locator("td.en", has_text="Maple Bridge experience")).locator(
        "td.findings", has_text="枫桥经验")).to_have_count(0)
    expect(page.locator("#row-13 [data-sentences]")).to_have_attribute("aria-expanded", "true")
    sentences.screenshot(path=str(tmp_path / "sentences.png"))
    # the expansion row leaves the grid's columns as they were: source and target keep their width
    widths = page.evaluate("""() => [...document.querySelectorAll('#row-13 > td')].map(
        td => td.getBoundingClientRect().width / window.innerWidth)""")
    assert widths[1] > 0.3 and widths[2] > 0.3, widths
    page.keyboard.press("Alt+s")  # closes again
    expect(page.locator("tr.sentences-row")).to_have_count(0)
    page.locator("#row-13 [data-sentences]").click()  # and the toggle in the row opens it too
    expect(page.locator("#row-13 + tr.sentences-row tr.sentence-pair")).to_have_count(7)
