"""Word .docx documents: paragraphs in order (body paragraphs and table cells) with their style names.

The file is checked as a zip (size limits, no DTDs) before python-docx opens it. Writing keeps the
paragraph styles the document carries: styles Word's default template lacks are added by name.
"""

from __future__ import annotations

import io
import re

from app.errors import FormatError
from app.formats.base import Format
from app.formats.zipsafe import check_zip
from app.model import TextDocument

_BREAK = re.compile(r"[\r\n\v\f\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Line breaks inside a paragraph become spaces; other spacing is kept as written (as in plain text)."""
    return _BREAK.sub(" ", _CONTROL.sub("", text)).strip()


class Docx(Format):
    name = "docx"
    extensions = (".docx",)
    mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def read(self, data: bytes, filename: str = "file") -> TextDocument:
        check_zip(data, filename, "Word (.docx)", required=("[Content_Types].xml", "word/document.xml"))
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        try:
            document = docx.Document(io.BytesIO(data))
            paragraphs: list[str] = []
            styles: list[str | None] = []

            def add(par: Paragraph) -> None:
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
        return TextDocument(tuple(paragraphs), styles=tuple(styles), name=filename)

    def write(self, doc: TextDocument) -> bytes:
        import docx
        from docx.enum.style import WD_STYLE_TYPE

        document = self._blank(doc.template) if doc.template else docx.Document()
        known = {s.name for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
        styles = list(doc.styles) + [None] * (len(doc.paragraphs) - len(doc.styles))
        for text, style in zip(doc.paragraphs, styles, strict=False):
            if style and style not in known:
                document.styles.add_style(style, WD_STYLE_TYPE.PARAGRAPH).base_style = document.styles["Normal"]
                known.add(style)
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
