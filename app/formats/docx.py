"""Word .docx documents: paragraphs in order (body paragraphs and table cells) with their style names.

The file is checked as a zip (size limits, no DTDs) before python-docx opens it. Writing keeps the
paragraph styles the document carries: styles Word's default template lacks are added by name.

With ``read(..., inline_codes=True)`` a paragraph's runs become inline codes (app.model "inline codes"): each
stretch of runs with the same run properties is a paired code holding its ``w:rPr``; a hyperlink, a tracked
insertion, a smart tag or custom XML is a paired code around its runs; anything else in the paragraph (a
footnote or endnote reference, a field, a drawing, a bookmark, a run without text) is a standalone code holding
the element. Spelling marks (``w:proofErr``) are dropped. Writing puts them back: over the imported file
(``template``) everything is kept; without it, only the run formatting (the other codes could point at parts
of a package that is not there).
"""

from __future__ import annotations

import io
import re

from app.errors import FormatError
from app.formats.base import Format
from app.formats.zipsafe import check_zip
from app.model import (
    CODE_END,
    CODE_STANDALONE,
    MAX_CODE,
    CodeElement,
    InlineCode,
    TextDocument,
    code_char,
    has_codes,
    plain_text,
    text_parts,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RUN_TEXT = {"t": None, "tab": "\t", "ptab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-", "softHyphen": "",
             "lastRenderedPageBreak": "", "rPr": ""}
_WRAPPING = {"hyperlink", "ins", "smartTag", "customXml"}
_DROPPED = {"proofErr", "pPr"}

_BREAK = re.compile(r"[\r\n\v\f\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Line breaks inside a paragraph become spaces; other spacing is kept as written (as in plain text)."""
    return _BREAK.sub(" ", _CONTROL.sub("", text)).strip()


class Docx(Format):
    name = "docx"
    suffix = ".en.corrected.docx"
    extensions = (".docx",)
    mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def read(self, data: bytes, filename: str = "file", inline_codes: bool = False) -> TextDocument:
        check_zip(data, filename, "Word (.docx)", required=("[Content_Types].xml", "word/document.xml"))
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        try:
            document = docx.Document(io.BytesIO(data))
            paragraphs: list[str] = []
            styles: list[str | None] = []
            tables: list[tuple[InlineCode, ...]] = []

            def add(par: Paragraph) -> None:
                if inline_codes:
                    text, codes = _coded(par._p)
                    if not plain_text(text).strip():
                        return
                    tables.append(codes)
                else:
                    text = _clean(par.text)
                if text:
                    paragraphs.append(text)
                    try:
                        styles.append(par.style.name if par.style is not None else None)
                    except (KeyError, AttributeError, ValueError):
                        styles.append(None)

            def walk(container) -> None:
                for block in container.iter_inner_content():
                    if isinstance(block, Paragraph):
                        add(block)
                    elif isinstance(block, Table):
                        seen = set()
                        for row in block.rows:
                            for cell in row.cells:
                                if id(cell._tc) in seen:  # merged cells repeat
                                    continue
                                seen.add(id(cell._tc))
                                walk(cell)

            walk(document)
        except FormatError:
            raise
        except Exception as exc:  # noqa: BLE001 - python-docx raises many types on a damaged file
            raise FormatError(f"{filename}: not a readable Word document ({exc.__class__.__name__}: "
                              f"{str(exc)[:200]})") from None
        if not paragraphs:
            raise FormatError(f"{filename}: the document has no text")
        return TextDocument(tuple(paragraphs), styles=tuple(styles), name=filename, codes=tuple(tables))

    def write(self, doc: TextDocument) -> bytes:
        import docx
        from docx.enum.style import WD_STYLE_TYPE

        document = self._blank(doc.template) if doc.template else docx.Document()
        known = {s.name for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
        styles = list(doc.styles) + [None] * (len(doc.paragraphs) - len(doc.styles))
        tables = list(doc.codes) + [()] * (len(doc.paragraphs) - len(doc.codes))
        for text, style, codes in zip(doc.paragraphs, styles, tables, strict=False):
            if style and style not in known:
                document.styles.add_style(style, WD_STYLE_TYPE.PARAGRAPH).base_style = document.styles["Normal"]
                known.add(style)
            if has_codes(text):
                paragraph = document.add_paragraph(style=style or None)
                _fill(paragraph._p, text, codes, full=doc.template is not None)
            else:
                document.add_paragraph(_CONTROL.sub("", text), style=style or None)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    @staticmethod
    def _blank(template: bytes):
        """The template document with an empty body (its last section properties kept)."""
        import docx

        check_zip(template, "template", "Word (.docx)", required=("[Content_Types].xml", "word/document.xml"))
        document = docx.Document(io.BytesIO(template))
        body = document.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        return document


# ---------------------------------------------------------------- runs as inline codes


def _local(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _xml(el) -> str:
    from lxml import etree

    return etree.tostring(el, encoding="unicode", with_tail=False)


def _spec(el, with_content: bool) -> CodeElement:
    from xml.sax.saxutils import escape

    from lxml import etree

    content = ""
    if with_content:
        content = escape(el.text or "") + "".join(
            etree.tostring(c, encoding="unicode", with_tail=True) for c in el)
    return CodeElement(etree.QName(el).text, tuple(el.attrib.items()), content)


def _coded(p) -> tuple[str, tuple[InlineCode, ...]]:
    """A paragraph element's text with its runs as inline codes, and the codes."""
    codes: list[InlineCode] = []
    out: list[str] = []

    def new(kind: str, element: CodeElement, wraps: bool) -> int:
        n = len(codes) + 1
        if n > MAX_CODE:
            raise FormatError("a paragraph has too many runs to keep as inline codes")
        codes.append(InlineCode(n, kind, (element,), (element,), wraps))
        return n

    def text(s: str) -> None:
        for ch in s:
            if CODE_STANDALONE <= ord(ch) < CODE_END:  # a private-use character of the text itself
                out.append(code_char("standalone", new("standalone", CodeElement("", (), ch), False)))
            else:
                out.append(ch)

    def walk(container) -> None:
        current: list = [None, 0]  # the open run format (w:rPr XML) and its code

        def close() -> None:
            if current[0] is not None:
                out.append(code_char("close", current[1]))
            current[0] = None

        for child in container:
            name = _local(child)
            if name in _DROPPED or not name:
                continue
            if name == "r" and all(_local(c) in _RUN_TEXT for c in child):
                rpr = next((c for c in child if _local(c) == "rPr"), None)
                key = _xml(rpr) if rpr is not None and len(rpr) else None
                if key != current[0]:
                    close()
                    if key is not None:
                        n = new("paired", CodeElement(f"{{{W}}}r", (), key), True)
                        out.append(code_char("open", n))
                        current[:] = [key, n]
                for c in child:
                    value = _RUN_TEXT[_local(c)]
                    text((c.text or "") if value is None else value)
            elif name in _WRAPPING:
                close()
                n = new("paired", _spec(child, False), True)
                out.append(code_char("open", n))
                walk(child)
                out.append(code_char("close", n))
            else:
                close()
                out.append(code_char("standalone", new("standalone", _spec(child, True), False)))
        close()

    walk(p)
    return _clean("".join(out)), tuple(codes)


def _fill(p, text: str, codes, full: bool) -> None:
    """Write ``text`` into paragraph element ``p`` as runs, its placeholders as the codes' elements."""
    from lxml import etree

    from app.formats.inline import build_element
    from app.formats.xmlsafe import parse_xml

    by_n = {c.n: c for c in codes}
    containers: list[tuple[int | None, object]] = [(None, p)]
    formats: list[int] = []

    def run(s: str) -> None:
        s = _CONTROL.sub("", s)
        if not s:
            return
        r = etree.SubElement(containers[-1][1], f"{{{W}}}r")
        if formats:
            r.append(parse_xml(by_n[formats[-1]].elements[0].content.encode(), "run properties"))
        for i, piece in enumerate(s.split("\t")):
            if i:
                etree.SubElement(r, f"{{{W}}}tab")
            if piece:
                t = etree.SubElement(r, f"{{{W}}}t")
                t.text = piece
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    for part in text_parts(text):
        if part[0] == "text":
            run(part[1])
            continue
        _, role, n = part
        code = by_n.get(n)
        if code is None or not code.elements:
            continue
        element = code.elements[0]
        if not element.tag:
            run(element.content)
        elif element.tag == f"{{{W}}}r" and code.wraps:
            if role == "open":
                formats.append(n)
            elif n in formats:
                formats.remove(n)
        elif code.wraps:
            if not full:
                continue
            if role == "open":
                containers.append((n, build_element(containers[-1][1], element, False)))
            elif any(m == n for m, _ in containers):
                while containers[-1][0] != n:
                    containers.pop()
                containers.pop()
        elif full:
            build_element(containers[-1][1], element, True)
