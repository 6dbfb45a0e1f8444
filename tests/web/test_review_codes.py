"""Inline codes on the review page (no browser): tokens in both columns, the editor, locked rows, search."""

from __future__ import annotations

import re

from sqlalchemy import select

from app import services
from app.services import imports
from app.storage import queries
from app.storage.models import User
from tests.formats.test_real_files import FILES, relabel

OKAPI = next(p for p in FILES if p.name.startswith("okapi-docxsegtest"))
TRADOS = next(p for p in FILES if p.suffix == ".sdlxliff")


def _import(session, path, data=None):
    admin = session.scalars(select(User).where(User.username == "admin")).one()
    doc = imports.import_bitext(session, "CAT", services.Upload(path.name, data or relabel(path.read_bytes(), False)),
                                user=admin)
    session.commit()
    return doc


def codes_of(text: str) -> list[str]:
    return [c for c in text if "\ue000" <= c <= "\uf7ff"]


def _row(page: str, number: int) -> str:
    return page.split(f'id="row-{number}"')[1].split(f'id="row-{number + 1}"')[0]


def test_codes_are_tokens_in_both_columns_and_the_editor(client, auth, session):
    doc = _import(session, OKAPI)
    auth.login("admin")
    page = client.get(f"/documents/{doc.id}").get_data(as_text=True)
    row = _row(page, 8)
    zh = row.split('class="zh"')[1].split("</td>")[0]
    assert re.findall(r'class="code code-(\w+)" contenteditable="false" data-code="(.)"', zh) == [
        ("open", "\ue801"), ("close", "\uf001"), ("open", "\ue802"), ("close", "\uf002")]
    labels = re.findall(r">(&lt;/?\d/?&gt;)</span>", zh)
    assert labels == ["&lt;1&gt;", "&lt;/1&gt;", "&lt;2&gt;", "&lt;/2&gt;"]
    view = row.split('class="en-view')[1].split("</div>")[0]
    assert view.count('class="code ') == 4
    # the cell carries the source's codes; the shared editor (filled in by duizhao.js) has the rich box
    assert 'data-codes="\ue801\uf001\ue802\uf002"' in row
    editor = page.split('<template id="en-editor">')[1].split("</template>")[0]
    assert 'class="en-rich"' in editor and 'contenteditable="true"' in editor and "data-copy-codes" in editor
    # a row without codes keeps the plain text box
    plain = _row(page, 4)
    assert "data-codes" not in plain and "en-rich" not in plain


def test_a_locked_segment_is_read_only(client, auth, session):
    data = relabel(TRADOS.read_bytes(), False).replace(b'<sdl:seg id="', b'<sdl:seg locked="true" id="', 1)
    doc = _import(session, TRADOS, data)
    auth.login("admin")
    page = client.get(f"/documents/{doc.id}").get_data(as_text=True)
    row, other = _row(page, 1), _row(page, 2)
    assert "🔒" in row and "data-locked" in row and "data-locked" not in other
    links = queries.document_links(session, doc.id)
    seg = next(m.segment for m in links[0].members if m.segment.side == "en")
    free = next(m.segment for m in links[1].members if m.segment.side == "en")
    # the edit page (without JavaScript) offers no save for the locked paragraph
    locked_page = client.get(f"/segments/{seg.id}/cell").get_data(as_text=True)
    assert "readonly" in locked_page.split("<textarea")[1].split(">")[0] and ">Save</button>" not in locked_page
    assert ">Save</button>" in client.get(f"/segments/{free.id}/cell").get_data(as_text=True)
    resp = client.post(f"/segments/{seg.id}", data={"text": "changed", "base_version": seg.version,
                                                   "csrf_token": auth.token("/")}, headers={"HX-Request": "true"})
    assert resp.status_code == 400 and "locked" in resp.get_data(as_text=True)
    session.expire_all()
    assert queries.get_or_404(session, type(seg), seg.id, "segment").text == seg.text


def test_search_preview_and_replace_leave_the_codes(client, auth, session):
    doc = _import(session, OKAPI)
    auth.login("admin")
    seg = [s for s in queries.document_segments(session, doc.id, "en")][7]
    before = seg.text
    assert "second\uf001" in before
    page = client.get(f"/documents/{doc.id}/search?q=second+sentence&replace=2nd+line",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    keys = re.findall(r'name="hit" value="([^"]+)"', page)
    assert keys and 'class="code ' in page  # the context shows tokens, not raw private-use characters
    resp = client.post(f"/documents/{doc.id}/replace", data={
        "q": "second sentence", "replace": "2nd line", "hit": keys, "csrf_token": auth.token("/")},
        headers={"HX-Request": "true"})
    assert resp.status_code == 200
    session.expire_all()
    after = queries.get_or_404(session, type(seg), seg.id, "segment").text
    # the match spanned </1> and <2>: the replacement takes their place, every code is still there
    assert sorted(codes_of(after)) == sorted(codes_of(before))
    assert "2nd line" in after.replace("\uf001", "").replace("\ue802", "")
