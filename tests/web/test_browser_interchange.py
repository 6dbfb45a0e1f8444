"""Export menu and bilingual import in Debian's chromium: the demo goes out as TMX through the menu and
comes back through the second import form with the same 18 links."""

from __future__ import annotations

import os

import pytest

from tests.web.conftest import login

pytestmark = pytest.mark.browser


def test_export_menu_and_bilingual_import(live_server, browser_page, tmp_path):
    base, doc_id = live_server
    page = browser_page
    login(page, base, "rita", "reviewer-pass-1")
    page.goto(f"{base}/documents/{doc_id}")
    page.wait_for_selector("table.pairs")
    page.locator("details.export-menu summary").click()
    link = page.locator("details.export-menu a", has_text="TMX 1.4b")
    assert link.is_visible()
    if os.environ.get("DUIZHAO_SHOTS"):
        page.screenshot(path=os.environ["DUIZHAO_SHOTS"] + "/export-menu.png")
    with page.expect_download() as info:
        link.click()
    path = tmp_path / "demo.tmx"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"<?xml")
    page.goto(f"{base}/import")
    form = page.locator("form[action$='/import/bilingual']")
    form.locator("input[name=project]").fill("From TMX")
    form.locator("input[name=file]").set_input_files(str(path))
    if os.environ.get("DUIZHAO_SHOTS"):
        page.screenshot(path=os.environ["DUIZHAO_SHOTS"] + "/import.png", full_page=True)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("table.pairs")
    assert "18 links as given" in page.content()
    assert page.locator("table.pairs tr[id^=row-]").count() == 18
