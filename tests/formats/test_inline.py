"""Inline codes: the placeholder helpers of app.model, reading and writing codes, segment-faithful XLIFF."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from lxml import etree

from app.formats.inline import read_codes, write_codes
from app.formats.registry import by_name, for_filename
from app.model import (
    code_char,
    code_of,
    codes_from_json,
    codes_in,
    codes_to_json,
    keep_known_codes,
    plain_offsets,
    plain_text,
    reinsert_codes,
    replace_outside_codes,
)

O1, C1, O2, C2, S3 = (code_char("open", 1), code_char("close", 1), code_char("open", 2), code_char("close", 2),
                      code_char("standalone", 3))
NS = "urn:oasis:names:tc:xliff:document:1.2"


def xml(text: str):
    return etree.fromstring(text.encode())


# ---------------------------------------------------------------- the placeholder helpers


def test_placeholders_say_role_and_number():
    assert [code_of(ch) for ch in (O1, C1, S3, "a", "\ue000")] == [("open", 1), ("close", 1), ("standalone", 3),
                                                                    None, None]
    text = f"The {O1}bold{C1} word{S3}"
    assert plain_text(text) == "The bold word"
    assert codes_in(text) == [(4, "open", 1), (9, "close", 1), (15, "standalone", 3)]
    plain, where = plain_offsets(text)
    assert plain == "The bold word" and text[where[4]:where[7] + 1] == "bold" and where[-1] == len(text)
    with pytest.raises(ValueError):
        code_char("open", 5000)


@pytest.mark.parametrize("coded, new_plain, expected", [
    (f"The {O1}bold{C1} word", "The bold term", f"The {O1}bold{C1} term"),  # edit outside the codes
    (f"The {O1}bold{C1} word", "A bold word", f"A {O1}bold{C1} word"),
    (f"The {O1}bold{C1} word", "The strong word", f"The {O1}strong{C1} word"),  # the wrapped text replaced
    (f"x{S3} figure", "x figure here", f"x{S3} figure here"),
    (f"{O1}all{C1}", "", f"{O1}{C1}"),  # everything deleted: the codes stay
    (f"x{S3}", "x y", f"x{S3} y"),
])
def test_reinsert_codes_never_loses_one(coded, new_plain, expected):
    out = reinsert_codes(coded, new_plain)
    assert plain_text(out) == new_plain
    assert sorted(c for c in out if code_of(c)) == sorted(c for c in coded if code_of(c))
    assert out == expected


def test_search_and_replace_and_invented_codes():
    out, count = replace_outside_codes(f"the {O1}Maple Bridge{C1} experience", re.compile("Maple Bridge"),
                                       "Fengqiao")
    assert (out, count) == (f"the {O1}Fengqiao{C1} experience", 1)
    assert replace_outside_codes("no match", re.compile("zz"), "y") == ("no match", 0)
    assert keep_known_codes(f"a{O1}b{C1}{S3}", {1}) == f"a{O1}b{C1}"


def test_parts_for_an_editor_and_copying_the_source_codes():
    from app.model import missing_codes, text_parts, with_source_codes

    assert text_parts(f"a{O1}b{C1}") == [("text", "a"), ("code", "open", 1), ("text", "b"), ("code", "close", 1)]
    assert missing_codes(f"{O1}甲{C1}{S3}", f"{O1}a") == [C1, S3]
    assert with_source_codes(f"{O1}甲{C1}{S3}", "a") == f"a{O1}{C1}{S3}"


def test_side_table_round_trips_as_json():
    _, _, codes = read_codes(xml(f'<source xmlns="{NS}">a <g id="1" ctype="bold">b</g><ph id="2">&lt;br/&gt;</ph>'
                                 '</source>'), None)
    assert codes_from_json(codes_to_json(codes)) == codes
    assert [(c.n, c.kind, c.name, c.wraps) for c in codes] == [(1, "paired", "g", True), (2, "standalone", "ph",
                                                                                             False)]
    assert codes[1].zh[0].content == "&lt;br/&gt;" and codes[0].zh[0].get("ctype") == "bold"
    assert codes[0].label("open") == "<1>" and codes[0].label("close") == "</1>" and codes[1].label("x") == "<2/>"
    assert codes[0].describe("zh") == "g id=1 ctype=bold" and codes[1].describe() == "ph id=2 <br/>"


# ---------------------------------------------------------------- reading and writing codes


def _target_after(source: str, target: str, new_target) -> str:
    src, tgt = xml(source), xml(target)
    zh, en, codes = read_codes(src, tgt)
    write_codes(tgt, new_target(en) if callable(new_target) else new_target, codes, "en")
    return etree.tostring(tgt, encoding="unicode").replace(f' xmlns="{NS}"', "")


def test_codes_match_source_and_target_by_id_and_keep_attributes():
    source = f'<source xmlns="{NS}" xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0">Hi <g id="1" sdl:start="false">' \
             'there</g><x id="2"/></source>'
    target = f'<target xmlns="{NS}" xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0"><x id="2"/>Salut <g id="1" ' \
             'sdl:start="false">toi</g></target>'
    zh, en, codes = read_codes(xml(source), xml(target))
    assert zh == f"Hi {O1}there{C1}{code_char('standalone', 2)}"
    assert en == f"{code_char('standalone', 2)}Salut {O1}toi{C1}"
    out = _target_after(source, target, lambda en: en.replace("toi", "vous"))
    assert 'Salut <g id="1" sdl:start="false">vous</g>' in out and '<x id="2"/>' in out


def test_codes_moved_deleted_copied_from_the_source():
    source = f'<source xmlns="{NS}">A <g id="1">b</g> c<x id="2"/></source>'
    target = f'<target xmlns="{NS}">A <g id="1">b</g> c<x id="2"/></target>'
    x2 = code_char("standalone", 2)
    assert _target_after(source, target, f"{x2}A {O1}b{C1} c") == '<target><x id="2"/>A <g id="1">b</g> c</target>'
    assert _target_after(source, target, "A b c") == "<target>A b c</target>"  # the reviewer deleted them
    empty = f'<target xmlns="{NS}"/>'
    assert _target_after(source, empty, f"A {O1}b{C1} c{x2}") == '<target>A <g id="1">b</g> c<x id="2"/></target>'


def test_unbalanced_and_crossed_pairs_are_still_well_formed():
    source = f'<source xmlns="{NS}"><g id="1">a</g><g id="2">b</g></source>'
    target = f'<target xmlns="{NS}"><g id="1">a</g><g id="2">b</g></target>'
    assert _target_after(source, target, f"{O1}a b") == '<target><g id="1">a b</g></target>'
    assert _target_after(source, target, f"{O1}a{O2}b{C1}c{C2}") == \
        '<target><g id="1">a<g id="2">b</g></g><g id="2">c</g></target>'
    assert _target_after(source, target, f"a{C1}b") == "<target>ab</target>"


def test_bpt_ept_pairing_by_rid_and_id_and_isolated_codes():
    source = f'<source xmlns="{NS}"><bpt id="1" ctype="bold">{{}}</bpt><bpt id="2" rid="1">&lt;a&gt;</bpt>x' \
             f'<ept id="1">{{}}</ept><ept id="5" rid="1">&lt;/a&gt;</ept> <it id="9" pos="open">&lt;i&gt;</it></source>'
    zh, _, codes = read_codes(xml(source), None)
    assert zh == f"{O1}{O2}x{C1}{C2} {code_char('standalone', 3)}"
    assert [(c.kind, [e.get("id") for e in c.zh]) for c in codes] == [
        ("paired", ["1", "1"]), ("paired", ["2", "5"]), ("standalone", ["9"])]
    target = f'<target xmlns="{NS}"/>'
    assert _target_after(source, target, zh) == (
        '<target><bpt id="1" ctype="bold">{}</bpt><bpt id="2" rid="1">&lt;a&gt;</bpt>x<ept id="1">{}</ept>'
        '<ept id="5" rid="1">&lt;/a&gt;</ept> <it id="9" pos="open">&lt;i&gt;</it></target>')


def test_private_use_characters_of_the_text_are_kept_as_text():
    source = f'<source xmlns="{NS}">\ue001 and \ue801</source>'
    zh, _, codes = read_codes(xml(source), None)
    assert plain_text(zh) == " and " and [c.name for c in codes] == ["char", "char"]
    out = xml(f'<target xmlns="{NS}"/>')
    write_codes(out, zh, codes, "en")
    assert out.text == "\ue001 and \ue801"


def test_codes_of_another_format_are_converted():
    bitext = by_name("tmx").read("""<tmx version="1.4"><header srclang="zh-CN"/><body><tu tuid="1">
        <tuv xml:lang="zh-CN"><seg>你好<bpt i="1">&lt;b&gt;</bpt>世界<ept i="1">&lt;/b&gt;</ept><ph x="2">&lt;br/&gt;</ph>
        </seg></tuv><tuv xml:lang="en"><seg>Hello <bpt i="1">&lt;b&gt;</bpt>world<ept i="1">&lt;/b&gt;</ept>
        <ph x="2">&lt;br/&gt;</ph></seg></tuv></tu></body></tmx>""".encode(), "t.tmx")
    out = by_name("xliff").write(bitext)
    assert b'<bpt id="1">&lt;bpt i="1"&gt;&amp;lt;b&amp;gt;&lt;/bpt&gt;</bpt>world' in out
    assert b'<ph id="2">&lt;ph x="2"&gt;&amp;lt;br/&amp;gt;&lt;/ph&gt;</ph>' in out
    back = by_name("tmx").write(by_name("xliff").read(out, "x.xlf"))
    assert b"world" in back and b"<ph x=" in back
    xliff = by_name("xliff").read(f"""<xliff version="1.2" xmlns="{NS}"><file source-language="zh-CN"
        target-language="en" datatype="plaintext" original="x"><body><trans-unit id="1"><source>你<g id="1">好</g>
        </source><target>Hi <g id="1">there</g></target></trans-unit></body></file></xliff>""".encode(), "g.xlf")
    tmx = by_name("tmx").write(xliff)
    assert b'Hi <bpt i="1" x="1">&lt;g xmlns="urn:oasis:names:tc:xliff:document:1.2" id="1"&gt;</bpt>there' \
           b'<ept i="1">&lt;/g&gt;</ept>' in tmx
    assert b"<g" not in tmx.replace(b"&lt;g", b"")
    x2 = by_name("xliff2").write(xliff)
    assert b'<target xml:space="preserve">Hi <pc id="1">there</pc></target>' in x2


# ---------------------------------------------------------------- segment-faithful XLIFF

SDL = f"""<?xml version="1.0" encoding="utf-8"?>
<xliff xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0" xmlns="{NS}" version="1.2"><file original="a.docx"
 source-language="zh-CN" target-language="en-US" datatype="x-sdlfilterframework2"><body>
<trans-unit id="u1"><source>第一句。第二句。</source><seg-source><g id="7"><mrk mtype="seg" mid="1">第一句。</mrk>
<mrk mtype="seg" mid="2">第<x id="3"/>二句。</mrk></g></seg-source><target><g id="7"><mrk mtype="seg" mid="1">One.</mrk>
<mrk mtype="seg" mid="2">Tw<x id="3"/>o.</mrk></g></target><sdl:seg-defs><sdl:seg id="1" conf="ApprovedSignOff"
 locked="true" origin="tm" percent="100"/><sdl:seg id="2" conf="Draft" origin="mt"/></sdl:seg-defs></trans-unit>
<trans-unit id="u2"><source>三</source><seg-source><g id="8"><mrk mtype="seg" mid="3">三</mrk></g></seg-source>
<sdl:seg-defs><sdl:seg id="3"/></sdl:seg-defs></trans-unit>
<trans-unit id="u3" translate="no"><source>四</source><target>Four</target></trans-unit>
</body></file></xliff>""".encode()


def test_each_seg_mark_is_a_pair_with_its_own_status_and_lock():
    bitext = by_name("xliff").read(SDL, "s.sdlxliff")
    assert [(p.unit_id, tuple(map(plain_text, p.en)), p.status, p.locked) for p in bitext.pairs] == [
        ("u1#1", ("One.",), "approved", True), ("u1#2", ("Two.",), "untranslated", False),
        ("u2", (), "untranslated", False), ("u3", ("Four",), "translated", True)]


def test_the_written_file_has_one_target_mark_per_source_mark():
    bitext = by_name("xliff").read(SDL, "s.sdlxliff")
    first, second, third, fourth = bitext.pairs
    x3 = next(ch for ch in second.en[0] if code_of(ch))
    edited = replace(bitext, template=SDL, pairs=(
        first, replace(second, en=(f"The second{x3}.",), status="translated"),
        replace(third, en=("Three.",), status="reviewed"), fourth))
    out = by_name("xliff").write(edited)
    root = etree.fromstring(out)
    ns = {"x": NS, "sdl": "http://sdl.com/FileTypes/SdlXliff/1.0"}
    u1, u2 = root.findall(".//x:trans-unit", ns)[:2]
    assert etree.tostring(u1.find("x:target", ns), encoding="unicode").count('mtype="seg"') == 2
    assert b'<mrk mtype="seg" mid="1">One.</mrk>' in out  # untouched
    assert b'<mrk mtype="seg" mid="2">The second<x id="3"/>.</mrk></g></target>' in out
    segs = {s.get("id"): dict(s.attrib) for s in root.iter("{http://sdl.com/FileTypes/SdlXliff/1.0}seg")}
    assert segs["1"] == {"id": "1", "conf": "ApprovedSignOff", "locked": "true", "origin": "tm", "percent": "100"}
    assert segs["2"] == {"id": "2", "conf": "Translated", "origin": "mt"}
    assert segs["3"]["conf"] == "ApprovedTranslation"
    # the missing target was made from the seg-source: the g around the mark is kept
    assert b'<target state="signed-off"><g id="8"><mrk mtype="seg" mid="3">Three.</mrk></g></target>' in out
    again = by_name("xliff").read(out, "s.sdlxliff")
    assert [(p.unit_id, tuple(map(plain_text, p.en)), p.status) for p in again.pairs] == [
        ("u1#1", ("One.",), "approved"), ("u1#2", ("The second.",), "translated"),
        ("u2", ("Three.",), "reviewed"), ("u3", ("Four",), "translated")]


def test_xliff2_named_xlf_or_xliff_is_written_back_as_xliff2():
    data = """<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh-CN" trgLang="en">
    <file id="f"><unit id="u1"><segment id="s1"><source>你<pc id="1">好</pc></source><target>Hel<pc id="1">lo</pc></target>
    </segment><segment id="s2"><source>世界</source></segment></unit></file></xliff>""".encode()
    for name in ("a.xlf", "a.xliff"):
        fmt = for_filename(name, "bitext")
        bitext = fmt.read(data, name)
        assert [p.unit_id for p in bitext.pairs] == ["u1#s1", "u1#s2"]
        edited = replace(bitext, template=data, pairs=(
            replace(bitext.pairs[0], en=(bitext.pairs[0].en[0] + " there",)),
            replace(bitext.pairs[1], en=("World",), status="translated")))
        for writer in (fmt, by_name("xliff"), by_name("xliff2")):
            out = writer.write(edited)
            assert b'version="2.0"' in out and b"trans-unit" not in out
            assert b'<target>Hel<pc id="1">lo</pc> there</target>' in out
            assert b'<segment id="s2" state="translated"><source>' in out and b"<target>World</target>" in out


# ---------------------------------------------------------------- properties

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.formats.contract import FUZZ  # noqa: E402

_TEXT = st.text(alphabet=st.sampled_from(list("ab 甲乙.")), max_size=6)


@st.composite
def coded_texts(draw):
    """A text with balanced, nested paired codes and standalone codes."""
    parts, n = [], 0

    def build(depth):
        nonlocal n
        out = [draw(_TEXT)]
        for _ in range(draw(st.integers(0, 3))):
            n += 1
            if depth < 2 and draw(st.booleans()):
                m = n
                out += [code_char("open", m), build(depth + 1), code_char("close", m)]
            else:
                out.append(code_char("standalone", n))
            out.append(draw(_TEXT))
        return "".join(out)

    parts.append(build(0))
    return "".join(parts)


@FUZZ
@given(coded_texts(), _TEXT, st.data())
def test_reinsert_codes_keeps_every_code_whatever_the_edit(coded, insert, data):
    plain = plain_text(coded)
    i = data.draw(st.integers(0, len(plain)))
    j = data.draw(st.integers(i, len(plain)))
    new_plain = plain[:i] + insert + plain[j:]
    out = reinsert_codes(coded, new_plain)
    assert plain_text(out) == new_plain
    assert sorted(ch for ch in out if code_of(ch)) == sorted(ch for ch in coded if code_of(ch))


@FUZZ
@given(coded_texts())
def test_any_coded_target_is_written_and_read_back_unchanged(coded):
    from app.model import CodeElement, InlineCode, codes_in

    codes = []
    for _, role, n in codes_in(coded):
        if role == "open":
            codes.append(InlineCode(n, "paired", (), (CodeElement(f"{{{NS}}}g", (("id", str(n)),)),), True))
        elif role == "standalone":
            codes.append(InlineCode(n, "standalone", (), (CodeElement(f"{{{NS}}}ph", (("id", str(n)),), "&lt;b/&gt;"),)))
    target = xml(f'<target xmlns="{NS}"/>')
    write_codes(target, coded, codes, "en")
    again = xml(etree.tostring(target, encoding="unicode"))
    _, text, _ = read_codes(xml(f'<source xmlns="{NS}"/>'), again)
    assert _canonical(text) == _canonical(coded)


def _canonical(text: str) -> str:
    """Codes renumbered 1, 2, … in order of first appearance."""
    numbers: dict[int, int] = {}
    out = []
    for ch in text:
        found = code_of(ch)
        if found:
            out.append(code_char(found[0], numbers.setdefault(found[1], len(numbers) + 1)))
        else:
            out.append(ch)
    return "".join(out)


def test_monolingual_and_tabular_exports_write_the_text_without_codes():
    from app.model import TextDocument

    bitext = by_name("xliff").read(SDL, "s.sdlxliff")
    assert "\ue000" not in by_name("csv").write(bitext).decode("utf-8-sig")
    assert "Tw" in by_name("csv").write(bitext).decode("utf-8-sig")
    _, _, codes = read_codes(xml(f'<source xmlns="{NS}">\ue001<x id="1"/></source>'), None)
    doc = TextDocument((f"{code_char('standalone', 1)}a{code_char('standalone', 2)}",), codes=(codes,))
    assert by_name("txt").write(doc).decode() == "\ue001a\n"
    assert "<p>\ue001a</p>" in by_name("html").write(doc).decode()
