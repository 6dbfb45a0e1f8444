"""Alignment editing in a real browser: keyboard selection, the merge key, undo (Playwright + Debian's chromium)."""

from __future__ import annotations

import pytest

from tests.web.conftest import login

pytestmark = pytest.mark.browser


def test_merge_with_the_keyboard_and_undo(live_server, browser_page, tmp_path):
    base, doc_id = live_server
    page = browser_page
    login(page, base, "rita", "reviewer-pass-1")  # reviewers change the alignment
    page.goto(f"{base}/documents/{doc_id}/alignment")
    page.wait_for_selector("table.align")
    rows = page.locator("table.align tbody tr[data-link]")
    assert rows.count() == 18
    assert page.evaluate("document.activeElement.id") == "link-1"

    for _ in range(3):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == "link-4"
    assert page.locator("#link-4").get_attribute("aria-selected") == "true"
    page.keyboard.press("m")  # merge link 4 with link 5
    page.wait_for_function("document.querySelectorAll('table.align tbody tr[data-link]').length === 17")
    merged = page.locator("#link-4")
    assert "Merged links 4 and 5" in page.locator("#alignment .flash-info").inner_text()
    assert "New answer sheet" in merged.inner_text() and "Better serve" in merged.inner_text()
    assert "✎ manual" in merged.inner_text() and merged.locator("td.zh p").count() == 2
    page.wait_for_function("document.querySelector('#link-4').classList.contains('selected')")
    assert page.evaluate("document.activeElement.id") == "link-4"
    assert "merged links 4 and 5" in page.locator(".align-history").inner_text()
    page.screenshot(path=str(tmp_path / "alignment.png"), full_page=False)

    page.keyboard.press("End")
    page.keyboard.press("m")  # the last link has nothing below: refused, nothing changes
    page.locator("#align-error .flash-error").wait_for()
    assert "is the last one" in page.locator("#align-error").inner_text()
    assert rows.count() == 17

    page.keyboard.press("z")  # undo the merge
    page.wait_for_function("document.querySelectorAll('table.align tbody tr[data-link]').length === 18")
    assert "undo of #" in page.locator(".align-history").inner_text()
    assert "✎ manual" not in page.locator("#link-4").inner_text()
    assert page.locator("#align-error").inner_text().strip() == ""

    # S: choose the cut, Enter splits; Esc in the cut goes back to the row.
    page.locator("#link-5 td.num").click()
    page.keyboard.press("s")
    assert page.evaluate("document.activeElement.name") == "zh_cut"
    assert page.input_value("input[name=zh_cut]") == "1" and page.input_value("input[name=en_cut]") == "1"
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('table.align tbody tr[data-link]').length === 19")
    assert "Better serve" in page.locator("#link-6").inner_text()
    page.keyboard.press("z")
    page.wait_for_function("document.querySelectorAll('table.align tbody tr[data-link]').length === 18")
