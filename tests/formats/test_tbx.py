"""TBX 2008 and TBX v3 glossaries: round trips, foreign files, hostile XML."""

from pathlib import Path

import pytest

from app.errors import FormatError
from app.formats.registry import by_name, for_filename
from app.terminology.glossary import load_glossary_csv

DEMO = load_glossary_csv(Path(__file__).resolve().parents[2] / "glossary/spp-2024.csv")


@pytest.mark.parametrize("name", ["tbx", "tbx3"])
def test_round_trip_keeps_every_field(name):
    fmt = by_name(name)
    assert fmt.read(fmt.write(DEMO), "demo.tbx") == DEMO


def test_tbx3_is_namespaced_and_2008_is_martif():
    assert b'<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic"' in by_name("tbx3").write(DEMO[:1])
    assert b'<martif type="TBX" xml:lang="en">' in by_name("tbx").write(DEMO[:1])


def test_reads_a_foreign_tbx_basic_file():
    data = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en-US"><martifHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></martifHeader>
<text><body>
 <termEntry id="e1"><descrip type="subjectField">law</descrip>
  <langSet xml:lang="zh-CN"><tig><term>检察院</term></tig><ntig><termGrp><term>检察机关</term></termGrp></ntig></langSet>
  <langSet xml:lang="en-US"><tig><term>procuratorate</term></tig><tig><term>prosecutor's office</term></tig>
   <tig><term>inspection office</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>
 </termEntry>
 <termEntry id="e2"><langSet xml:lang="zh-TW"><tig><term>童建明</term><termNote type="partOfSpeech">properNoun</termNote></tig></langSet>
  <langSet xml:lang="en"><tig><term>Tong Jianming</term></tig></langSet></termEntry>
</body></text></martif>""".encode()
    first, second = by_name("tbx").read(data, "foreign.tbx")
    assert first.zh == ("检察院", "检察机关") and first.en == "procuratorate"
    assert first.variants == ("prosecutor's office",) and first.forbidden == ("inspection office",)
    assert first.domains == ("law",) and first.status == "approved"
    assert second.kind == "name" and second.en == "Tong Jianming"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<martif><text><body><termEntry><langSet xml:lang="zh"><tig><term>&lol3;</term></tig></langSet></termEntry></body></text></martif>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE martif [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<martif><text><body><termEntry><langSet xml:lang="zh"><tig><term>&xxe;</term></tig></langSet></termEntry></body></text></martif>"""


@pytest.mark.parametrize("data, message", [
    (BILLION_LAUGHS, "entity declarations are not allowed"),
    (XXE, "entity declarations are not allowed"),
    (b"<martif><text><body><termEntry>", "malformed XML"),
    (b"", "empty"),
    (b"<html><body/></html>", "not a TBX file"),
    (b"<martif><text><body/></text></martif>", "no termEntry"),
    (b"<martif><text><body><termEntry><langSet xml:lang='en'><tig><term>x</term></tig></langSet></termEntry>"
     b"</body></text></martif>", "has no Chinese term"),
    (b"<martif><text><body><termEntry><langSet xml:lang='zh'><tig><term>\xe8\xaf\x8d</term></tig></langSet>"
     b"<langSet xml:lang='en'><tig><term>bad</term><termNote type='administrativeStatus'>"
     b"deprecatedTerm-admn-sts</termNote></tig></langSet></termEntry></body></text></martif>",
     "no approved English term"),
], ids=["billion-laughs", "xxe", "truncated", "empty", "html", "no-entries", "no-chinese", "only-forbidden"])
def test_bad_files_are_refused_clearly(data, message):
    with pytest.raises(FormatError, match=message) as info:
        by_name("tbx").read(data, "hostile.tbx")
    assert "hostile.tbx" in str(info.value)


def test_formats_by_extension():
    assert for_filename("x.tbx", "glossary").name == "tbx"
    assert for_filename("x.CSV", "glossary").name == "glossary-csv"
    assert for_filename("x.txt").name == "txt"
    with pytest.raises(Exception, match="unsupported file type .docx"):
        for_filename("x.docx", "glossary")
