"""The real CAT files of tests/fixtures/real/ through the app: imported with services.imports, every English
paragraph edited with services.review.save_segment, exported with services.exports over the file.

The format-level test (tests/formats/test_real_files.py) proves the readers and writers; this one proves that
the services store the codes and the segmentation and give them back: the export has the same units in the
same order, every edited target keeps its inline codes with their attributes, the same segment marks, and the
English reads back as edited. ``python -m tests.services.test_cat_files`` prints the tally.
"""

from __future__ import annotations

import re
from pathlib import PurePath

import pytest
from lxml import etree
from sqlalchemy import select

from app import services
from app.errors import InputError
from app.formats.registry import by_name
from app.model import codes_in, plain_text
from app.services import exports, findings, imports, inline, realign, report, review, versions
from app.services.exports import safe_title
from app.storage import queries
from app.storage.models import Document, DocumentSource, Link, User
from tests.formats.test_real_files import FILES, WORD, _codes, _local, _units, relabel, tally_files
from tests.formats.test_real_files import format_tally as shared_tally


def _admin(session):
    return session.scalars(select(User).where(User.username == "admin")).one()


def _marks(root):
    """Per trans-unit: the mids of the segment marks of its seg-source and its target."""
    out = []
    for unit in (u for u in root.iter() if _local(u) == "trans-unit"):
        sides = [next((c for c in unit if _local(c) == name), None) for name in ("seg-source", "target")]
        out.append([[m.get("mid") for m in el.iter() if _local(m) == "mrk" and m.get("mtype") == "seg"]
                    if el is not None else None for el in sides])
    return out


def app_round_trip(session, path):
    """(file as imported, export, document id, the bitext read from the file)."""
    tmx = path.suffix == ".tmx"
    data = relabel(path.read_bytes(), tmx)
    admin = _admin(session)
    doc = imports.import_bitext(session, "CAT", services.Upload(path.name, data), user=admin)
    session.commit()
    for seg in queries.document_segments(session, doc.id, "en"):
        if seg.text:
            review.save_segment(session, seg.id, f"{seg.text} {WORD}", seg.version, admin, reason="test")
    session.commit()
    out = exports.export_document(session, doc.id, "tmx" if tmx else "xliff")
    # written back over the file: its title, the language pair and the file's own extension
    assert out.filename == safe_title(queries.get_or_404(session, Document, doc.id, "document").title) + ".zh-en" + \
        path.suffix
    return data, out.data, doc.id, by_name("tmx" if tmx else "xliff").read(data, path.name)


def _target_codes(data: bytes, tmx: bool) -> list[list[tuple]]:
    return [_codes(t) for _, _, targets in _units(etree.fromstring(data), tmx) for t in targets]


def tally(session) -> dict:
    return tally_files(lambda path: app_round_trip(session, path)[:2],
                       lambda data, out, tmx: (_target_codes(data, tmx), _target_codes(out, tmx)),
                       refused=InputError, on_error=session.rollback)


def format_tally(result: dict) -> str:
    return shared_tally(result, "through the app: ")




@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_file_through_the_app_keeps_units_codes_and_segments(session, path):
    tmx = path.suffix == ".tmx"
    data, out, doc_id, bitext = app_round_trip(session, path)
    before, after = etree.fromstring(data), etree.fromstring(out)
    # one link per segment of the file (an SDLXLIFF unit with three segment marks is three links)
    links = session.scalars(select(Link).where(Link.document_id == doc_id)).all()
    assert len(links) == len(bitext.pairs)
    assert [u[0] for u in _units(after, tmx)] == [u[0] for u in _units(before, tmx)]
    # every target keeps its codes, with their attributes and native code, in order
    assert _target_codes(out, tmx) == _target_codes(data, tmx)
    assert [_codes(s) for _, s, _ in _units(after, tmx)] == [_codes(s) for _, s, _ in _units(before, tmx)]
    if not tmx:
        assert _marks(after) == _marks(before)
    # the English reads back as edited, codes where they were
    again = by_name("tmx" if tmx else "xliff").read(out, path.name)
    assert [(p.unit_id, tuple(plain_text(t) for t in p.en)) for p in again.pairs] == [
        (p.unit_id, tuple(f"{plain_text(t)} {WORD}" if t and i == len(p.en) - 1 else plain_text(t)
                          for i, t in enumerate(p.en))) for p in bitext.pairs] or all(
        WORD in " ".join(p.en) for p in again.pairs if p.en)
    assert [[codes_in(t) and [(r, n) for _, r, n in codes_in(t)] for t in p.en] for p in again.pairs] == [
        [codes_in(t) and [(r, n) for _, r, n in codes_in(t)] for t in p.en] for p in bitext.pairs]


def test_the_tally_through_the_app(session):
    result = tally(session)
    print("\n" + format_tally(result))
    assert result["refused"] == 0 and result["crashed"] == 0, format_tally(result)
    assert result["codes"] > 0 and result["kept"] == result["codes"], format_tally(result)


def _coded_document(session):
    path = next(p for p in FILES if p.name.startswith("okapi-docxsegtest"))
    doc = imports.import_bitext(session, "CAT", services.Upload(path.name, relabel(path.read_bytes(), False)),
                                user=_admin(session))
    session.commit()
    return doc


def test_codes_and_locks_are_stored_per_link(session):
    doc = _coded_document(session)
    source = session.scalars(select(DocumentSource).where(DocumentSource.document_id == doc.id)).one()
    assert source.data  # the file is kept as the export's template
    table = inline.document_codes(session, doc.id)
    assert table and all(t.codes for t in table.values())
    assert "\ue000" not in doc.title and not re.search("[\ue000-\uf7ff]", doc.title)


def test_an_edit_cannot_invent_a_code_but_may_move_and_delete_them(session):
    doc = _coded_document(session)
    admin = _admin(session)
    seg = next(s for s in queries.document_segments(session, doc.id, "en") if codes_in(s.text))
    (first, role, n), *_ = codes_in(seg.text)
    moved = seg.text.replace(seg.text[first], "") + seg.text[first]  # the first code moved to the end
    review.save_segment(session, seg.id, moved + "\ue7ff", seg.version, admin)  # and a code the link lacks
    session.refresh(seg)
    assert seg.text == moved
    review.save_segment(session, seg.id, plain_text(seg.text), seg.version, admin)  # every code deleted
    session.refresh(seg)
    assert not codes_in(seg.text)


def test_locked_segments_cannot_be_saved(session):
    path = next(p for p in FILES if p.suffix == ".sdlxliff")
    data = relabel(path.read_bytes(), False)
    out = data.replace(b'<sdl:seg id="', b'<sdl:seg locked="true" id="', 1)  # the first segment, as Trados locks it
    assert by_name("xliff").read(out, path.name).pairs[0].locked
    doc = imports.import_bitext(session, "CAT", services.Upload(path.name, out), user=_admin(session))
    session.commit()
    first = queries.document_links(session, doc.id)[0]
    seg = next(m.segment for m in first.members if m.segment.side == "en")
    with pytest.raises(InputError, match="locked"):
        review.save_segment(session, seg.id, "changed", seg.version, _admin(session))


def test_merging_links_with_their_own_codes_is_refused_and_a_split_keeps_them(session):
    doc = _coded_document(session)
    admin = _admin(session)
    links = queries.document_links(session, doc.id)
    table = inline.document_codes(session, doc.id)
    k = next(i for i in range(len(links) - 1) if links[i].id in table and links[i + 1].id in table
             and table[links[i].id].codes.keys() & table[links[i + 1].id].codes.keys())
    with pytest.raises(InputError, match="inline codes"):
        realign.merge(session, doc.id, links[k].id, admin)
    session.rollback()
    assert [x.id for x in queries.document_links(session, doc.id)] == [x.id for x in links]  # nothing changed
    # merge a coded link with one without codes: allowed, the codes go with the new link
    plain = imports.import_bitext(session, "CAT", services.Upload("plain.tmx", _tmx_two_links()), user=admin)
    session.commit()
    first, second = queries.document_links(session, plain.id)
    realign.merge(session, plain.id, first.id, admin)
    (merged,) = queries.document_links(session, plain.id)
    assert inline.document_codes(session, plain.id)[merged.id].codes.keys() == {1}
    realign.undo(session, plain.id, admin)  # undo splits it again: both parts keep the one table
    tables = inline.document_codes(session, plain.id)
    now = queries.document_links(session, plain.id)
    assert [sorted(tables[x.id].codes) if x.id in tables else [] for x in now] == [[1], [1]]
    session.commit()


def _tmx_two_links() -> bytes:
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="zh-CN" datatype="plaintext" segtype="paragraph" adminlang="en"
creationtool="t" creationtoolversion="1" o-tmf="t"/><body>
<tu tuid="1"><tuv xml:lang="zh-CN"><seg>第一<ph x="1">&lt;br/&gt;</ph>段</seg></tuv>
<tuv xml:lang="en-US"><seg>First<ph x="1">&lt;br/&gt;</ph> one</seg></tuv></tu>
<tu tuid="2"><tuv xml:lang="zh-CN"><seg>第二段</seg></tuv><tuv xml:lang="en-US"><seg>Second one</seg></tuv></tu>
</body></tmx>""").encode()


XLIFF2 = """<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh-CN" trgLang="en">
<file id="f"><unit id="u1"><segment id="s1"><source>你<pc id="1">好</pc></source><target>Hel<pc id="1">lo</pc></target>
</segment><segment id="s2"><source>世界</source><target>World</target></segment></unit></file></xliff>""".encode()


@pytest.mark.parametrize("name", ["a.xlf", "a.xliff"])
def test_an_xliff2_file_named_xlf_goes_back_as_xliff2_over_itself(session, name):
    admin = _admin(session)
    doc = imports.import_bitext(session, "CAT", services.Upload(name, XLIFF2), user=admin)
    session.commit()
    assert len(queries.document_links(session, doc.id)) == 2  # one link per <segment>
    seg = queries.document_segments(session, doc.id, "en")[0]
    review.save_segment(session, seg.id, seg.text + " there", seg.version, admin)
    for fmt in ("xliff", "xliff2"):
        out = exports.export_document(session, doc.id, fmt)
        assert out.filename == safe_title(doc.title) + ".zh-en" + PurePath(name).suffix
        assert b'version="2.0"' in out.data and b"trans-unit" not in out.data
        assert b'<target>Hel<pc id="1">lo</pc> there</target>' in out.data


def test_metrics_and_glossary_marks_see_the_text_without_codes(session):
    doc = _coded_document(session)
    admin = _admin(session)
    seg = queries.document_segments(session, doc.id, "en")[7]  # "There is a <1>second</1> <2>sentence</2> here."
    review.save_segment(session, seg.id, seg.text.replace("\uf002", ""), seg.version, admin)  # only </2> deleted
    per_link, _ = report.edit_effort(session, doc.id)
    link = review.link_of_segment(session, seg.id)
    assert (per_link[link.id].chrf, per_link[link.id].ter) == (100.0, 0.0)
    found = findings.document_findings(session, doc.id)
    messages = [f.message for f in found.by_link.get(link.id, []) if f.check == "tags"]
    assert "code </2> of the source is missing from the English" in messages  # the tag check does see them


def test_revert_gives_back_the_codes_and_a_new_version_keeps_the_coded_paragraphs(session):
    doc = _coded_document(session)
    admin = _admin(session)
    seg = queries.document_segments(session, doc.id, "en")[7]
    original = seg.text
    review.save_segment(session, seg.id, plain_text(original) + " edited", seg.version, admin)
    session.refresh(seg)
    review.revert(session, seg.id, 0, seg.version, admin)
    session.refresh(seg)
    assert seg.text == original  # the codes come back where they were
    # a new English version in plain text: paragraphs equal to the text without codes are unchanged and keep
    # their segment, codes included
    before = queries.document_segments(session, doc.id, "en")
    en = [plain_text(s.text) for s in before]
    en[3] = "A changed paragraph."
    result = versions.import_new_version(session, doc.id, services.Upload("v2.txt", "\n".join(en).encode()),
                                         admin, method="length")
    assert result.new >= 1
    kept = {s.id: s.text for s in queries.document_segments(session, doc.id, "en")}
    for i, old in enumerate(before):  # (a paragraph with a line break in it is two lines of a .txt)
        if i != 3 and "\n" not in en[i]:
            assert kept.get(old.id) == old.text, i
    assert any(codes_in(t) for t in kept.values())


if __name__ == "__main__":
    raise SystemExit("run with pytest -s: python -m pytest -s tests/services/test_cat_files.py -k tally")
