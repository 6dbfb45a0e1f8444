"""Every document and bilingual format under the shared contract, plus each format's specifics."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from app.errors import FormatError, InputError
from app.formats.registry import by_name
from app.model import TextDocument, plain_text
from tests.formats.contract import SAMPLE_BITEXT, WHEN, FormatContract

FIXTURES = Path(__file__).resolve().parent / "fixtures"


class TestPlainText(FormatContract):
    name = "txt"
    refusal = InputError


class TestDocx(FormatContract):
    name = "docx"

    def test_keeps_styles_and_reads_tables_in_order(self):
        doc = TextDocument(("Title here", "Body text", "Custom styled"), styles=("Title", "Normal", "House Style"))
        again = self.fmt.read(self.fmt.write(doc), "a.docx")
        assert again.paragraphs == doc.paragraphs and again.styles == doc.styles
        import docx

        d = docx.Document()
        d.add_paragraph("before")
        table = d.add_table(rows=1, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "cell one", "cell two"
        d.add_paragraph("after")
        out = io.BytesIO()
        d.save(out)
        assert self.fmt.read(out.getvalue(), "t.docx").paragraphs == ("before", "cell one", "cell two", "after")


class TestHtml(FormatContract):
    name = "html"

    def test_blocks_in_order_scripts_and_styles_dropped(self):
        page = """<html><head><title>T</title><style>p{color:red}</style></head><body>
        <h1>最高人民
        检察院</h1><div>loose <b>bold</b><p>para &amp; one</p>tail</div><script>alert(1)</script>
        <ul><li>a</li><li>b<br>c</li></ul><!-- comment --></body></html>""".encode()
        assert self.fmt.read(page, "p.html").paragraphs == (
            "最高人民检察院", "loose bold", "para & one", "tail", "a", "b", "c")

    def test_declared_charset_is_used(self):
        page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>' \
               "<body><p>最高人民检察院</p><p>工作报告</p></body></html>"
        assert self.fmt.read(page.encode("gb2312"), "gb.html").paragraphs == ("最高人民检察院", "工作报告")
        big5 = '<meta charset="big5"><p>檢察院</p>'.encode("big5")
        assert self.fmt.read(big5, "b5.html").paragraphs == ("檢察院",)

    def test_entity_declarations_refused(self):
        with pytest.raises(FormatError, match="entity declarations are not allowed"):
            self.fmt.read(b'<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><p>&x;</p>', "x.html")


class TestTmx(FormatContract):
    name = "tmx"

    def test_written_tmx_validates_against_the_tmx14b_dtd(self):
        dtd = etree.DTD(str(FIXTURES / "tmx14b.dtd"))
        tree = etree.fromstring(self.fmt.write(SAMPLE_BITEXT))
        assert dtd.validate(tree), dtd.error_log.filter_from_errors()

    def test_mapping(self):
        data = self.fmt.write(SAMPLE_BITEXT)
        tu = etree.fromstring(data).find("body/tu")
        assert tu.get("creationdate") == "20261130T081500Z" and tu.get("creationid") == "tom"
        assert tu.get("changeid") == "rita"
        assert {p.get("type"): p.text for p in tu.findall("prop")} == {"x-status": "approved", "x-reviewer": "rita"}
        again = self.fmt.read(data, "x.tmx").pairs[0]
        assert (again.created, again.changed, again.author, again.reviewer) == (WHEN, WHEN, "tom", "rita")
        two = etree.fromstring(data).findall("body/tu")[1]
        assert two.find("tuv/seg").text == "第一段。\n\n第二段。"

    def test_reads_a_foreign_tmx(self):
        data = """<?xml version="1.0"?><tmx version="1.4"><header srclang="en-US" creationtool="x"
        creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"/><body>
        <tu tuid="a"><tuv xml:lang="en-US"><seg>Hello <bpt i="1">&lt;b&gt;</bpt>world<ept i="1">&lt;/b&gt;</ept></seg></tuv>
        <tuv xml:lang="zh-CN"><seg>你好<hi>世界</hi></seg></tuv></tu>
        <tu><tuv lang="ZH-TW"><seg>只有中文</seg></tuv></tu></body></tmx>""".encode()
        first, second = self.fmt.read(data, "f.tmx").pairs
        assert (plain_text(first.zh[0]), plain_text(first.en[0]), first.status, first.unit_id) == (
            "你好世界", "Hello world", "translated", "a")
        assert first.zh == ("你好\ue801世界\uf001",) and first.en == ("Hello \ue802world\uf002",)
        assert [(c.n, c.name, c.wraps, bool(c.zh), bool(c.en)) for c in first.codes] == [
            (1, "hi", True, True, False), (2, "bpt", False, False, True)]
        assert first.codes[1].en[0].content == "&lt;b&gt;" and first.codes[1].en[1].get("i") == "1"
        out = self.fmt.write(self.fmt.read(data, "f.tmx"))
        assert b'<seg>Hello <bpt i="1">&lt;b&gt;</bpt>world<ept i="1">&lt;/b&gt;</ept></seg>' in out
        assert "<seg>你好<hi>世界</hi></seg>".encode() in out
        assert (second.zh, second.en, second.status) == (("只有中文",), (), "untranslated")

    def test_tu_without_chinese_is_refused(self):
        data = b'<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>x</seg></tuv></tu></body></tmx>'
        with pytest.raises(FormatError, match="no Chinese"):
            self.fmt.read(data, "e.tmx")


class TestXliff12(FormatContract):
    name = "xliff"

    def test_states_notes_and_approved(self):
        data = self.fmt.write(SAMPLE_BITEXT)
        ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
        units = etree.fromstring(data).findall(".//x:trans-unit", ns)
        assert [u.find("x:target", ns).get("state") for u in units] == [
            "final", "signed-off", "new", "x-rejected", "translated"]
        assert units[0].get("approved") == "yes"
        assert [n.text for n in units[3].findall("x:note", ns)] == ["wrong term", "second note"]

    def test_foreign_namespace_survives_an_in_place_update(self):
        template = (FIXTURES / "sdl-like.sdlxliff").read_bytes()
        bitext = self.fmt.read(template, "sdl-like.sdlxliff")
        assert [p.status for p in bitext.pairs] == ["approved", "translated", "untranslated"]
        assert bitext.pairs[0].note == "Checked against the 2023 report."
        from dataclasses import replace

        edited = replace(bitext, template=template, pairs=(
            bitext.pairs[0], replace(bitext.pairs[1], en=("Corrected English.",), status="reviewed"),
            replace(bitext.pairs[2], en=("Now translated.",), status="rejected", note="needs a term")))
        out = self.fmt.write(edited)
        assert b'xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0"' in out
        assert b"<sdl:seg-defs>" in out and b'sdl:ref="style-7"' in out and b"<sdl:cxt-defs>" in out
        again = self.fmt.read(out, "back.sdlxliff")
        assert [(tuple(map(plain_text, p.en)), p.status) for p in again.pairs] == [
            (("The Supreme People's Procuratorate",), "approved"), (("Corrected English.",), "reviewed"),
            (("Now translated.",), "rejected")]
        assert again.pairs[2].note == "needs a term"
        assert b'<sdl:seg id="1" conf="ApprovedTranslation"' in out and b'conf="RejectedTranslation"' in out
        # untouched units stay as they were, inline markup and Trados status included
        first = out.split(b'<trans-unit id="tu-1"')[1].split(b"</trans-unit>")[0]
        assert first == template.split(b'<trans-unit id="tu-1"')[1].split(b"</trans-unit>")[0]

    def test_segmented_targets_keep_their_mrk(self):
        data = b"""<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="zh"
        target-language="en" datatype="plaintext" original="x"><body><trans-unit id="1"><source>\xe4\xbd\xa0</source>
        <seg-source><mrk mtype="seg" mid="1">\xe4\xbd\xa0</mrk></seg-source>
        <target><mrk mtype="seg" mid="1">Hi</mrk></target></trans-unit></body></file></xliff>"""
        from dataclasses import replace

        bitext = self.fmt.read(data, "m.xlf")
        out = self.fmt.write(replace(bitext, template=data, pairs=(replace(bitext.pairs[0], en=("Hello",)),)))
        assert b'<target><mrk mtype="seg" mid="1">Hello</mrk></target>' in out

    def test_english_to_chinese_file_is_read_chinese_first(self):
        data = b"""<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en"
        target-language="zh-CN" datatype="plaintext" original="x"><body><trans-unit id="1"><source>Hello</source>
        <target state="final">\xe4\xbd\xa0\xe5\xa5\xbd</target></trans-unit></body></file></xliff>"""
        pair = self.fmt.read(data, "r.xlf").pairs[0]
        assert (pair.zh, pair.en, pair.status) == (("你好",), ("Hello",), "approved")


class TestXliff20(FormatContract):
    name = "xliff2"

    def test_states_and_substate(self):
        data = self.fmt.write(SAMPLE_BITEXT)
        ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
        segs = etree.fromstring(data).findall(".//x:segment", ns)
        assert [s.get("state") for s in segs] == ["final", "reviewed", "initial", "initial", "translated"]
        assert segs[3].get("subState") == "duizhao:rejected"

    def test_xlf_extension_reads_either_version(self):
        data = self.fmt.write(SAMPLE_BITEXT)
        assert by_name("xliff").read(data, "a.xlf").format == "xliff2"

    def test_foreign_modules_survive_an_in_place_update(self):
        from dataclasses import replace

        template = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" xmlns:mtc="urn:oasis:names:tc:xliff:matches:2.0"
 xmlns:acme="http://acme.example/xliff" version="2.0" srcLang="zh-CN" trgLang="en" acme:project="42">
 <file id="f1"><acme:settings mode="strict"/>
  <unit id="u1" acme:ref="p-1"><mtc:matches><mtc:match ref="#1"><source>你好</source><target>Hi</target></mtc:match></mtc:matches>
   <segment id="1" state="final"><source>你好</source><target>Hello</target></segment></unit>
  <unit id="u2"><segment id="1" state="translated"><source>世界</source><target>Wrld</target></segment></unit>
 </file></xliff>""".encode()
        bitext = self.fmt.read(template, "acme.xlf")
        assert [p.status for p in bitext.pairs] == ["approved", "translated"]
        edited = replace(bitext, template=template,
                         pairs=(bitext.pairs[0], replace(bitext.pairs[1], en=("World",), status="reviewed")))
        out = self.fmt.write(edited)
        for kept in (b'acme:project="42"', b'<acme:settings mode="strict"/>', b'acme:ref="p-1"', b"<mtc:matches>",
                     b'<segment id="1" state="final"><source>'):
            assert kept in out
        again = self.fmt.read(out, "back.xlf")
        assert [(p.en, p.status) for p in again.pairs] == [(("Hello",), "approved"), (("World",), "reviewed")]

    def test_each_segment_is_a_pair_and_ignorables_stay_in_the_file(self):
        data = """<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="en">
        <file id="f"><unit id="u1"><notes><note>n1</note></notes><segment state="reviewed"><source>第一句。</source>
        <target>One.</target></segment><ignorable><source> </source><target> </target></ignorable>
        <segment><source>第<pc id="1">二</pc>句。<ph id="2"/></source><target>Two.<cp hex="2014"/></target></segment>
        </unit></file></xliff>""".encode()
        first, second = self.fmt.read(data, "s.xlf").pairs
        assert (first.zh, first.en, first.status, first.note, first.unit_id) == (
            ("第一句。",), ("One.",), "reviewed", "n1", "u1#1")
        assert (plain_text(second.zh[0]), plain_text(second.en[0]), second.status, second.note, second.unit_id) == (
            "第二句。", "Two.", "translated", "", "u1#2")
        assert [(c.kind, c.name) for c in second.codes] == [("paired", "pc"), ("standalone", "ph"),
                                                            ("standalone", "cp")]


class TestCsv(FormatContract):
    name = "csv"

    def test_header_in_any_order_and_headerless(self):
        data = "status,英文,中文\nreviewed,Hello,你好\n".encode()
        pair = self.fmt.read(data, "h.csv").pairs[0]
        assert (pair.zh, pair.en, pair.status) == (("你好",), ("Hello",), "reviewed")
        pair = self.fmt.read("你好,Hello\n".encode(), "n.csv").pairs[0]
        assert (pair.zh, pair.en, pair.status) == (("你好",), ("Hello",), "translated")

    def test_formulas_neutralised_and_unknown_status_refused(self):
        assert b"'=1+1 is not a formula" in self.fmt.write(SAMPLE_BITEXT)
        with pytest.raises(FormatError, match="row 2: unknown status 'done'"):
            self.fmt.read("zh,en,status\n你好,Hello,done\n".encode(), "s.csv")

    def test_semicolon_csv_from_excel(self):
        pair = self.fmt.read("\ufeffzh;en;status\n你好;Hello, world;approved\n".encode(), "excel.csv").pairs[0]
        assert (pair.zh, pair.en, pair.status) == (("你好",), ("Hello, world",), "approved")

    def test_one_column_is_refused(self):
        with pytest.raises(FormatError, match="two are needed"):
            self.fmt.read("只有一列\n".encode(), "one.csv")


class TestTsv(FormatContract):
    name = "tsv"


class TestXlsx(FormatContract):
    name = "xlsx"

    def test_cells_are_strings_not_formulas(self):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(self.fmt.write(SAMPLE_BITEXT)))
        cell = book.active["B6"]
        assert cell.data_type == "s" and cell.value.startswith("=1+1")


# ---------------------------------------------------------------- hostile files

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
%s"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
%s"""
BODIES = {
    "tmx": b'<tmx version="1.4"><header/><body><tu><tuv xml:lang="zh"><seg>&lol3;&xxe;</seg></tuv></tu></body></tmx>',
    "xliff": b'<xliff version="1.2"><file><body><trans-unit id="1"><source>&lol3;&xxe;</source></trans-unit></body>'
             b"</file></xliff>",
    "xliff2": b'<xliff version="2.0"><file><unit id="1"><segment><source>&lol3;&xxe;</source></segment></unit>'
              b"</file></xliff>",
    "html": b"<html><body><p>&lol3;&xxe;</p></body></html>",
}


@pytest.mark.parametrize("name", sorted(BODIES))
@pytest.mark.parametrize("attack", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_attacks_are_refused(name, attack):
    with pytest.raises(FormatError, match="entity declarations are not allowed"):
        by_name(name).read(attack % BODIES[name], "attack")


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("name", ["docx", "xlsx"])
def test_zip_bomb_refused_by_ratio(name):
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<a/>",
                 "xl/big.xml": b"\0" * (20 * 1024 * 1024)})
    with pytest.raises(FormatError, match="possible zip bomb"):
        by_name(name).read(bomb, "bomb." + name)


@pytest.mark.parametrize("name", ["docx", "xlsx"])
def test_zip_with_too_many_members_refused(name):
    bomb = _zip({f"m{i}.bin": b"" for i in range(2100)}, zipfile.ZIP_STORED)
    with pytest.raises(FormatError, match="2100 members"):
        by_name(name).read(bomb, "many." + name)


def test_zip_bomb_refused_by_total_size(monkeypatch):
    from app.formats import zipsafe

    monkeypatch.setattr(zipsafe, "MAX_UNCOMPRESSED", 1024)
    data = by_name("docx").write(TextDocument(("x",)))
    with pytest.raises(FormatError, match="would expand to"):
        by_name("docx").read(data, "big.docx")


@pytest.mark.parametrize("name", ["docx", "xlsx"])
def test_entities_inside_office_zip_refused(name):
    good = by_name(name).write(TextDocument(("x",)) if name == "docx" else SAMPLE_BITEXT)
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    part = "word/document.xml" if name == "docx" else "xl/worksheets/sheet1.xml"
    members[part] = XXE % members[part].split(b"?>", 1)[-1]
    with pytest.raises(FormatError, match="entity or DTD declarations are not allowed"):
        by_name(name).read(_zip(members), "xxe." + name)


def test_a_file_without_chinese_is_refused():
    data = b"""<xliff version="1.2"><file source-language="de" target-language="fr" datatype="x" original="x"><body>
    <trans-unit id="1"><source>Hallo</source><target>Salut</target></trans-unit></body></file></xliff>"""
    with pytest.raises(FormatError, match="a de → fr file"):
        by_name("xliff").read(data, "defr.xlf")


def test_wrong_root_and_wrong_version():
    with pytest.raises(FormatError, match="not a TMX file"):
        by_name("tmx").read(b"<html/>", "a.tmx")
    with pytest.raises(FormatError, match="not an XLIFF file"):
        by_name("xliff").read(b"<tmx/>", "a.xlf")


# ---------------------------------------------------------------- fuzzing inside the office zips

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.formats.contract import FUZZ  # noqa: E402


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


_OFFICE = {
    "docx": (_members(by_name("docx").write(TextDocument(("第一段。", "Second paragraph.", "Third")))),
             ("word/document.xml", "word/styles.xml", "[Content_Types].xml", "word/_rels/document.xml.rels")),
    "xlsx": (_members(by_name("xlsx").write(SAMPLE_BITEXT)),
             ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "[Content_Types].xml")),
}


def _fuzz_inside(name):
    @FUZZ
    @given(st.data())
    def test(data):
        members, parts = _OFFICE[name]
        members = dict(members)
        part = data.draw(st.sampled_from([p for p in parts if p in members]))
        body = bytearray(members[part])
        for _ in range(data.draw(st.integers(1, 6))):
            pos = data.draw(st.integers(0, max(len(body) - 1, 0)))
            op = data.draw(st.sampled_from(["flip", "delete", "insert"]))
            if op == "flip" and body:
                body[pos] = data.draw(st.sampled_from(b"<>/=\"' &;xw:0\x00\xff"))
            elif op == "delete":
                del body[pos: pos + data.draw(st.integers(1, 30))]
            else:
                body[pos:pos] = data.draw(st.sampled_from([b"<", b"</w:p>", b"<w:p>", b"&", b"\"", b"<x/>",
                                                           b"<!-- -->", b"]]>", b"\xe4\xbd"]))
        members[part] = bytes(body)
        try:
            by_name(name).read(_zip(members), "fuzz." + name)
        except FormatError:
            pass

    return test


test_fuzz_inside_docx = _fuzz_inside("docx")
test_fuzz_inside_xlsx = _fuzz_inside("xlsx")


@pytest.mark.parametrize("part, body", [
    ("xl/media/image1.png", XXE % b"<worksheet/>"),
    ("xl/worksheets/sheet1.xml", (XXE % b"<worksheet/>").decode().encode("utf-16")),
    ("xl/worksheets/sheet1.xml", (XXE % b"<worksheet/>").decode().encode("utf-16-le")),
])
def test_entities_hidden_in_other_parts_or_encodings_are_refused(part, body):
    members = dict(_OFFICE["xlsx"][0])
    members[part] = body
    with pytest.raises(FormatError, match="entity or DTD declarations are not allowed"):
        by_name("xlsx").read(_zip(members), "hidden.xlsx")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_entity_attacks_in_utf16_are_refused_with_the_same_message(codec):
    data = (XXE % BODIES["tmx"]).decode().encode(codec)
    with pytest.raises(FormatError, match="entity declarations are not allowed"):
        by_name("tmx").read(data, "wide.tmx")


def test_xliff_ids_repeated_across_files_are_updated_in_the_right_unit():
    from dataclasses import replace

    data = """<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
    <file original="a" source-language="zh" target-language="en" datatype="plaintext"><body>
      <trans-unit id="1"><source>甲</source><target>A</target></trans-unit></body></file>
    <file original="b" source-language="zh" target-language="en" datatype="plaintext"><body>
      <trans-unit id="1"><source>乙</source><target>B</target></trans-unit></body></file></xliff>""".encode()
    fmt = by_name("xliff")
    bitext = fmt.read(data, "two.xlf")
    assert [p.unit_id for p in bitext.pairs] == ["1", "1@2"]
    edited = replace(bitext, template=data, pairs=(bitext.pairs[0], replace(bitext.pairs[1], en=("Bee",))))
    assert [p.en for p in fmt.read(fmt.write(edited), "x").pairs] == [("A",), ("Bee",)]


def test_sdlxliff_status_comes_from_sdl_conf_when_there_is_no_state():
    data = b"""<xliff xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0" xmlns="urn:oasis:names:tc:xliff:document:1.2"
    version="1.2"><file original="a" source-language="zh-CN" target-language="en-US" datatype="x"><body>
    <trans-unit id="a"><source>\xe7\x94\xb2</source><target>A</target>
      <sdl:seg-defs><sdl:seg id="1" conf="ApprovedSignOff"/></sdl:seg-defs></trans-unit>
    <trans-unit id="b"><source>\xe4\xb9\x99</source><target>B</target>
      <sdl:seg-defs><sdl:seg id="1" conf="RejectedTranslation"/></sdl:seg-defs></trans-unit>
    <trans-unit id="c"><source>\xe4\xb8\x99</source><target>C</target>
      <sdl:seg-defs><sdl:seg id="1" conf="ApprovedTranslation"/></sdl:seg-defs></trans-unit>
    </body></file></xliff>"""
    assert [p.status for p in by_name("xliff").read(data, "t.sdlxliff").pairs] == ["approved", "rejected", "reviewed"]
