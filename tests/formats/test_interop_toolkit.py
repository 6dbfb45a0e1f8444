"""Interoperability with translate-toolkit: it reads what we write, and we read what it writes.

(We parse with app.formats.xmlsafe rather than through translate-toolkit, whose stores parse with their
own lxml parser and check the root element with ``assert``; the toolkit is used here as a second opinion.)
"""

from __future__ import annotations

from translate.storage import tmx, xliff

from app.formats.base import join_paragraphs
from app.formats.registry import by_name
from tests.formats.contract import SAMPLE_BITEXT


def _expected():
    return [(join_paragraphs(p.zh), join_paragraphs(p.en)) for p in SAMPLE_BITEXT.pairs]


def test_toolkit_reads_our_tmx_and_xliff():
    store = tmx.tmxfile.parsestring(by_name("tmx").write(SAMPLE_BITEXT))
    assert [(u.source, u.target) for u in store.units] == _expected()
    store = xliff.xlifffile.parsestring(by_name("xliff").write(SAMPLE_BITEXT))
    assert [(u.source, u.target or "") for u in store.units] == _expected()
    assert [u.isapproved() for u in store.units] == [p.status == "approved" for p in SAMPLE_BITEXT.pairs]
    assert store.units[3].getnotes() == "wrong term\nsecond note"


def test_we_read_toolkit_tmx_and_xliff():
    store = tmx.tmxfile(sourcelanguage="zh-CN", targetlanguage="en")
    for zh, en in (("你好", "Hello"), ("世界", "World")):
        store.addsourceunit(zh).target = en
    assert [(p.zh, p.en) for p in by_name("tmx").read(bytes(store), "tk.tmx").pairs] == [
        (("你好",), ("Hello",)), (("世界",), ("World",))]
    store = xliff.xlifffile(sourcelanguage="zh-CN", targetlanguage="en")
    unit = store.addsourceunit("你好")
    unit.target = "Hello"
    unit.markapproved(True)
    unit.addnote("a note", origin="translator")
    pair = by_name("xliff").read(bytes(store), "tk.xlf").pairs[0]
    assert (pair.zh, pair.en, pair.status, pair.note) == (("你好",), ("Hello",), "approved", "a note")
