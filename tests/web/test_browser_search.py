"""Fix-everywhere in Debian's chromium: the fitted preview, a grammar warning on its hit line, select none /
all / only hits without warnings from the keyboard and the mouse, and no doubled article in the saved English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.storage import queries
from tests.web.conftest import open_document

pytestmark = pytest.mark.browser
DOUBLED = re.compile(r"\b(the|an?)\s+(the|an?)\b", re.IGNORECASE)


def _apply_everywhere(page, term):
    """Open the findings of the first row whose English has ``term`` and press its finding's "Apply everywhere…"."""
    row = page.locator("tbody tr", has=page.locator("td.en", has_text=term)).first
    row.locator("td.findings summary").click()  # the row's list of findings loads when opened
    item = row.locator("li.finding-item", has_text=term).filter(
        has=page.locator("button", has_text="Apply everywhere…")).first
    item.locator("button", has_text="Apply everywhere…").click()
    panel = page.locator("#side-panel .search-panel")
    expect(panel.locator("h3")).to_have_text("Apply a fix everywhere")
    return panel


def test_apply_everywhere_is_fitted_selectable_and_warns(live_server, browser_page, session):
    base, doc_id = live_server
    page = browser_page
    open_document(page, base, doc_id)
    before = [s.text for s in queries.document_segments(session, doc_id, "en")]
    assert not any(DOUBLED.search(t) for t in before)

    panel = _apply_everywhere(page, "National Two Sessions")
    hits = panel.locator("ol.hits li")
    count = panel.locator(".hit-count")
    expect(count).to_have_text("8 of 8 ticked")
    assert hits.count() == 8
    assert hits.first.locator("ins").inner_text() == "the two sessions"
    assert hits.first.locator("del").inner_text() == "the National Two Sessions"
    expect(hits.first.locator(".hit-fitted")).to_contain_text("one article")
    apply = panel.locator("button", has_text="Replace the selected hits")

    none = panel.locator("button", has_text="Select none")
    none.focus()
    page.keyboard.press("Enter")  # keyboard path
    expect(count).to_have_text("0 of 8 ticked")
    expect(apply).to_be_disabled()
    assert panel.locator("input[name=hit]:checked").count() == 0
    panel.locator("button", has_text="Select all").click()
    expect(count).to_have_text("8 of 8 ticked")
    expect(apply).to_be_enabled()
    hits.nth(1).locator("input[name=hit]").focus()
    page.keyboard.press("Space")  # untick one hit from the keyboard
    expect(count).to_have_text("7 of 8 ticked")
    page.keyboard.press("Space")
    expect(count).to_have_text("8 of 8 ticked")
    apply.click()
    page.wait_for_url(f"{base}/documents/{doc_id}")
    expect(page.locator(".flash")).to_contain_text("Replaced in")

    session.expire_all()
    after = [s.text for s in queries.document_segments(session, doc_id, "en")]
    assert not any(DOUBLED.search(t) for t in after)
    assert not any("National Two Sessions" in t for t in after)
    assert sum(t.count("during the two sessions") for t in after) == sum(
        t.count("during the two sessions") + t.count("during the National Two Sessions") for t in before)

    panel = _apply_everywhere(page, "two establishment")
    line = panel.locator("ol.hits li").first
    warning = line.locator(".hit-warning")
    expect(warning).to_contain_text("singular → plural “establishment” → “Establishments”")
    assert warning.inner_text().startswith("⚠ ")
    expect(panel).to_contain_text("⚠ 1 with a grammar warning")
    panel.locator("button", has_text="Only hits without warnings").click()
    expect(panel.locator(".hit-count")).to_have_text("0 of 1 ticked")
