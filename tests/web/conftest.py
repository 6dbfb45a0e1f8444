"""Browser fixtures: the app served by waitress on a loopback port, and Debian's chromium driven by Playwright."""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_server(app, demo_doc):
    """The app served by waitress on a free loopback port for the length of one test (browser tests only)."""
    require_browser()  # before the server starts: a skipped test must not leave a serving thread behind
    from waitress import create_server, wasyncore

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    stop = threading.Event()

    def serve():  # the server's own loop, in steps, so it has stopped before its sockets close
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}", demo_doc
    stop.set()
    thread.join(timeout=5)
    server.task_dispatcher.shutdown()
    server.close()


def require_browser() -> None:
    """Skip (or, under CI=true, fail) when Debian's chromium or the playwright package is missing."""
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append("Debian's chromium (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("playwright (pip install -e '.[dev]')")
    if not missing:
        return
    reason = "browser test needs " + " and ".join(missing)
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " but CI=true: .ci/run installs chromium with apt-get")
    pytest.skip(reason)


@pytest.fixture
def browser_page(tmp_path):
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
        page = context.new_page()
        yield page
        context.close()
        browser.close()


def login(page, base, username, password):
    page.goto(base + "/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def open_document(page, base, doc_id, username="rita", password="reviewer-pass-1"):
    """Log in and open a document's review grid."""
    login(page, base, username, password)
    page.goto(f"{base}/documents/{doc_id}")
    page.wait_for_selector("table.pairs")


def revert_to_the_original(page, row, version):
    """Open the row's History in the drawer and restore the text as imported (the new ``version``)."""
    row.locator("button", has_text="History").click()
    panel = page.locator("#side-panel .link-panel")
    panel.wait_for()
    panel.locator("summary", has_text="Original").click()
    panel.locator("button", has_text="Revert to the original").click()
    page.locator("#side-panel .saved", has_text=f"Restored version 0 as version {version}").wait_for()
