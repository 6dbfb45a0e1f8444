"""Inline codes in the review grid, in a real browser: tokens in both columns, moved, not typed into, saved;
the tag check's findings show the token of a deleted and of a duplicated code."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app import services
from app.model import codes_in, plain_text
from app.services import imports
from app.storage import queries
from app.storage.models import Segment, User
from tests.formats.test_real_files import FILES, relabel
from tests.web.conftest import login

pytestmark = pytest.mark.browser

FIXTURE = next(p for p in FILES if p.name.startswith("okapi-docxsegtest"))
ROW = 8  # "There is a second sentence here." with two paired codes: <1>…</1> <2>…</2>


@pytest.fixture
def coded(session, live_server):
    base, _ = live_server
    admin = session.scalars(select(User).where(User.username == "admin")).one()
    doc = imports.import_bitext(session, "CAT", services.Upload(FIXTURE.name, relabel(FIXTURE.read_bytes(), False)),
                                user=admin)
    session.commit()
    link = queries.document_links(session, doc.id)[ROW - 1]
    seg = next(m.segment for m in link.members if m.segment.side == "en")
    return base, doc.id, seg.id


def _text(session, seg_id):
    session.expire_all()
    return session.get(Segment, seg_id).text


def _select_node(page, selector, index=0, inside=False):
    """Put the selection around (or, ``inside``, into the text of) the index-th element matching selector."""
    page.evaluate("""([sel, i, inside]) => {
        const el = document.querySelectorAll(sel)[i];
        const range = document.createRange();
        if (inside) { range.setStart(el.firstChild, 1); range.collapse(true); } else { range.selectNode(el); }
        const s = window.getSelection(); s.removeAllRanges(); s.addRange(range);
    }""", [selector, index, inside])


def _caret_end(page, selector):
    page.evaluate("""(sel) => {
        const el = document.querySelector(sel);
        const range = document.createRange(); range.selectNodeContents(el); range.collapse(false);
        const s = window.getSelection(); s.removeAllRanges(); s.addRange(range);
    }""", selector)


def _open_row(page, base, doc_id):
    """Log in as the admin and open the review page at the row with the codes."""
    login(page, base, "admin", "admin-pass-1")
    page.goto(f"{base}/documents/{doc_id}")
    return page.locator(f"#row-{ROW}")


def _save(page, row):
    """Save and wait for the server's answer (a ".saved" mark of an earlier save may still be in the row)."""
    with page.expect_response(lambda r: r.request.method == "POST" and "/segments/" in r.url) as answer:
        row.locator("button[type=submit]", has_text="Save").click()
    assert answer.value.ok, answer.value.status
    row.locator(".saved").wait_for()


def test_tokens_move_cannot_be_typed_into_and_save(coded, browser_page, session, tmp_path):
    base, doc_id, seg_id = coded
    page = browser_page
    row = _open_row(page, base, doc_id)
    before = _text(session, seg_id)
    assert [(r, n) for _, r, n in codes_in(before)] == [("open", 1), ("close", 1), ("open", 2), ("close", 2)]
    # tokens in both columns, numbered as memoQ and Trados number them
    assert row.locator("td.zh .code").all_inner_texts() == ["<1>", "</1>", "<2>", "</2>"]
    assert row.locator(".en-view .code").all_inner_texts() == ["<1>", "</1>", "<2>", "</2>"]
    assert row.locator(".en-view .code").first.get_attribute("title")  # the element and its attributes
    row.locator(".en-view").click()
    rich = row.locator(".en-rich")
    expect(rich).to_be_focused()
    assert rich.locator(".code").count() == 4
    page.screenshot(path=str(tmp_path / "codes.png"))

    # typing with the caret inside a token's label is refused: the token and the text stay as they were
    _select_node(page, f"#row-{ROW} .en-rich .code", 0, inside=True)
    page.keyboard.type("ZZ")
    assert rich.locator(".code").all_inner_texts() == ["<1>", "</1>", "<2>", "</2>"]
    assert "ZZ" not in row.locator("textarea[name=text]").input_value()
    # a token is one character: selecting and typing over it is refused too
    _select_node(page, f"#row-{ROW} .en-rich .code", 1)
    page.keyboard.type("Y")
    assert rich.locator(".code").count() == 4

    # move the first closing token to the end: cut it, put the caret at the end, paste
    _select_node(page, f"#row-{ROW} .en-rich .code", 1)
    page.keyboard.press("Control+x")
    assert rich.locator(".code").all_inner_texts() == ["<1>", "<2>", "</2>"]
    _caret_end(page, f"#row-{ROW} .en-rich")
    page.keyboard.press("Control+v")
    assert rich.locator(".code").all_inner_texts() == ["<1>", "<2>", "</2>", "</1>"]
    _save(page, row)
    after = _text(session, seg_id)
    close1 = "\uf001"
    assert after == before.replace(close1, "") + close1  # moved, nothing else changed
    assert plain_text(after) == plain_text(before)
    assert row.locator(".en-view .code").all_inner_texts() == ["<1>", "<2>", "</2>", "</1>"]


def test_the_tag_check_shows_a_deleted_and_a_duplicated_code_in_the_row(coded, browser_page, session, tmp_path):
    base, doc_id, seg_id = coded
    page = browser_page
    row = _open_row(page, base, doc_id)
    assert "tags" not in row.locator("td.findings").inner_text()
    row.locator(".en-view").click()
    rich = row.locator(".en-rich")
    # delete </2>: select it and press Delete
    _select_node(page, f"#row-{ROW} .en-rich .code", 3)
    page.keyboard.press("Delete")
    assert rich.locator(".code").all_inner_texts() == ["<1>", "</1>", "<2>"]
    _save(page, row)
    assert "\uf002" not in _text(session, seg_id)
    findings = row.locator("td.findings")
    findings.locator("summary").click()
    missing = findings.locator(".finding-item", has_text="missing")
    expect(missing.first).to_be_visible()
    assert "</2>" in missing.first.locator(".code").all_inner_texts()
    page.screenshot(path=str(tmp_path / "tag-finding.png"))
    # copy the source's tokens back (the button), then duplicate <1/>… : copy <1> and paste it again
    row.locator(".en-view").click()
    row.locator("button[data-copy-codes]").click()
    assert rich.locator(".code").all_inner_texts() == ["<1>", "</1>", "<2>", "</2>"]
    _select_node(page, f"#row-{ROW} .en-rich .code", 0)
    page.keyboard.press("Control+c")
    _caret_end(page, f"#row-{ROW} .en-rich")
    page.keyboard.press("Control+v")
    assert rich.locator(".code").all_inner_texts() == ["<1>", "</1>", "<2>", "</2>", "<1>"]
    _save(page, row)
    assert _text(session, seg_id).count("\ue801") == 2
    findings = row.locator("td.findings")
    findings.locator("summary").click()
    dup = findings.locator(".finding-item", has_text="duplicated")
    expect(dup.first).to_be_visible()
    assert "<1>" in dup.first.locator(".code").all_inner_texts()
    assert not findings.locator(".finding-item", has_text="missing").count()


def test_f9_copies_the_source_tokens_and_the_server_drops_invented_ones(coded, browser_page, session):
    base, doc_id, seg_id = coded
    page = browser_page
    row = _open_row(page, base, doc_id)
    row.locator(".en-view").click()
    rich = row.locator(".en-rich")
    page.evaluate(f"""() => {{ const r = document.querySelector('#row-{ROW} .en-rich');
        r.textContent = 'Plain now'; r.dispatchEvent(new InputEvent('input', {{bubbles: true}})); }}""")
    assert rich.locator(".code").count() == 0
    _caret_end(page, f"#row-{ROW} .en-rich")
    page.keyboard.press("F9")
    assert rich.locator(".code").all_inner_texts() == ["<1>", "</1>", "<2>", "</2>"]
    # paste text carrying a code the link does not have (U+E7FF: standalone 2047): the server drops it
    page.evaluate(f"""() => {{ const r = document.querySelector('#row-{ROW} .en-rich');
        const dt = new DataTransfer(); dt.setData('text/plain', ' x\\ue7ff');
        r.dispatchEvent(new ClipboardEvent('paste', {{clipboardData: dt, bubbles: true, cancelable: true}})); }}""")
    assert rich.locator(".code").count() == 5
    _save(page, row)
    assert _text(session, seg_id) == "Plain now\ue801\uf001\ue802\uf002 x"


def test_a_token_moves_with_the_keyboard_alone_and_esc_restores_it(coded, browser_page, session):
    base, doc_id, seg_id = coded
    page = browser_page
    row = _open_row(page, base, doc_id)
    row.locator(".en-view").focus()
    page.keyboard.press("Enter")  # edit
    rich = row.locator(".en-rich")
    expect(rich).to_be_focused()
    page.keyboard.press("Control+Home")
    for _ in range(len("There is a ")):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")  # the token <1>, as one character
    page.keyboard.press("Control+x")
    assert rich.locator(".code").all_inner_texts() == ["</1>", "<2>", "</2>"]
    page.keyboard.press("Control+End")
    page.keyboard.press("Control+v")
    assert rich.locator(".code").all_inner_texts() == ["</1>", "<2>", "</2>", "<1>"]
    assert "\ue801" == row.locator("textarea[name=text]").input_value()[-1]
    page.keyboard.press("Escape")  # unsaved typing cancelled: the tokens are back in place
    row.locator(".en-view").click()
    assert rich.locator(".code").all_inner_texts() == ["<1>", "</1>", "<2>", "</2>"]
    assert row.locator("textarea[name=text]").input_value() == _text(session, seg_id)
