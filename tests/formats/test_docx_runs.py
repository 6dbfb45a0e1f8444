"""DOCX runs as inline codes: bold, italic, a hyperlink and a bookmark survive an edit of the paragraph."""

from __future__ import annotations

import io
from dataclasses import replace

from app.formats.registry import by_name
from app.model import code_of, plain_text, reinsert_codes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx() -> bytes:
    import docx
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    document = docx.Document()
    p = document.add_paragraph("The ", style="Heading 1")
    p.add_run("Supreme").bold = True
    p.add_run(" People's ")
    p.add_run("Procuratorate").italic = True
    r_id = document.part.relate_to("https://www.spp.gov.cn/", "http://schemas.openxmlformats.org/officeDocument/"
                                   "2006/relationships/hyperlink", is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = " report"
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)
    link.append(run)
    p._p.append(link)
    mark = OxmlElement("w:bookmarkStart")
    mark.set(qn("w:id"), "0")
    mark.set(qn("w:name"), "here")
    p._p.append(mark)
    document.add_paragraph("Plain second paragraph.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_runs_become_codes_and_come_back_after_an_edit():
    fmt = by_name("docx")
    data = _docx()
    plain = fmt.read(data, "r.docx")
    doc = fmt.read(data, "r.docx", inline_codes=True)
    assert [plain_text(p) for p in doc.paragraphs] == list(plain.paragraphs)
    first = doc.paragraphs[0]
    assert [c.name for c in doc.codes[0]] == ["r", "r", "hyperlink", "bookmarkStart"]
    assert sum(1 for ch in first if code_of(ch)) == 7 and doc.codes[1] == ()
    edited = reinsert_codes(first, "The Supreme People's Procuratorate work report")
    out = fmt.write(replace(doc, paragraphs=(edited, doc.paragraphs[1]), template=data))
    again = fmt.read(out, "o.docx", inline_codes=True)
    assert plain_text(again.paragraphs[0]) == "The Supreme People's Procuratorate work report"
    assert again.paragraphs[0] == edited and [c.name for c in again.codes[0]] == ["r", "r", "hyperlink",
                                                                                  "bookmarkStart"]
    import docx

    par = docx.Document(io.BytesIO(out)).paragraphs[0]
    assert [(r.text, r.bold, r.italic) for r in par.runs][:4] == [
        ("The ", None, None), ("Supreme", True, None), (" People's ", None, None), ("Procuratorate", None, True)]
    assert par.style.name == "Heading 1"
    xml = par._p.xml
    assert "w:hyperlink" in xml and "r:id=" in xml
    assert 'w:name="here"' in xml
    # without the imported file only the run formatting is written
    bare = docx.Document(io.BytesIO(fmt.write(replace(doc, template=None)))).paragraphs[0]
    assert [r.bold for r in bare.runs][:2] == [None, True] and "hyperlink" not in bare._p.xml
    assert bare.text == "The Supreme People's Procuratorate report"
