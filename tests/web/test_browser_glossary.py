"""Add to glossary from a phrase pair selected on the review page (Debian's chromium)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.storage.models import Term
from tests.web.conftest import login

pytestmark = pytest.mark.browser

SELECT = """([selector, phrase]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.textContent.indexOf(phrase);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at); range.setEnd(node, at + phrase.length);
      const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      root.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
      return true;
    }
  }
  return false;
}"""


def test_add_a_selected_phrase_pair_to_the_glossary(live_server, browser_page, session):
    base, doc_id = live_server
    page = browser_page
    login(page, base, "rita", "reviewer-pass-1")
    page.goto(f"{base}/documents/{doc_id}")
    page.locator("#row-13").scroll_into_view_if_needed()
    assert page.evaluate(SELECT, ["#row-13 td.zh", "化解矛盾"])
    assert page.evaluate(SELECT, ["#row-13 .en-view", "resolve conflicts"])
    pick = page.locator("#glossary-pick")
    assert pick.is_visible()
    assert pick.locator("[data-pick=zh]").inner_text() == "化解矛盾"
    assert pick.locator("[data-pick=en]").inner_text() == "resolve conflicts"
    pick.locator("a", has_text="Add entry").click()  # the entry form opens in the drawer
    drawer = page.locator("#side-panel")
    drawer.locator("input[name=zh]").wait_for()
    assert drawer.locator("input[name=zh]").input_value() == "化解矛盾"
    assert drawer.locator("input[name=en]").input_value() == "resolve conflicts"
    url = page.url
    drawer.locator("button[type=submit]").click()
    drawer.locator(".saved", has_text="Added 化解矛盾 → resolve conflicts (approved)").wait_for()
    term = session.scalar(select(Term).where(Term.zh == "化解矛盾"))
    assert term is not None and term.en == "resolve conflicts" and term.status == "approved"
    # The new entry is matched at once: the rows in view are refreshed, the Chinese term is now highlighted.
    page.locator('#row-13 td.zh mark[title^="化解矛盾 → resolve conflicts"]').first.wait_for()
    assert page.url == url  # without leaving the page
