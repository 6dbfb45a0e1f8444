"""HTML documents: the text of block elements in order; scripts, styles and the head dropped.

lxml's HTML parser runs without network access; it never expands declared entities (HTML has only
its predefined ones), and a document declaring entities is refused outright, as in every XML format.
"""

from __future__ import annotations

import html as htmllib
import re

from lxml import etree
from lxml import html as lxml_html

from app.errors import FormatError, InputError
from app.formats.base import Format
from app.model import TextDocument, plain_text
from app.textio import MAX_BYTES, decode_bytes

BLOCKS = frozenset("""address article aside blockquote body caption center dd details dialog div dl dt fieldset
figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main nav ol p pre section summary table
tbody td tfoot th thead tr ul""".split())
DROPPED = frozenset("head script style noscript template iframe object embed svg math button select textarea".split())
_SPACE = re.compile(r"\s+")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _declared(data: bytes) -> str | None:
    """The page decoded with the charset its <meta> declares, when that works (BOMs still win)."""
    if len(data) > MAX_BYTES or data[:3] == b"\xef\xbb\xbf" or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    name = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}.get(name, name)
    try:
        text = data.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None
    return text if text.strip() else None


def _clean(text: str) -> str:
    return _CJK_GAP.sub("", _SPACE.sub(" ", text)).strip()


class Html(Format):
    name = "html"
    suffix = ".en.corrected.html"
    extensions = (".html", ".htm", ".xhtml")
    mimetype = "text/html; charset=utf-8"

    def read(self, data: bytes, filename: str = "file") -> TextDocument:
        text = _declared(data)
        if text is None:
            try:
                text = decode_bytes(data, filename)
            except InputError as exc:
                raise FormatError(exc.message) from None
        if _ENTITY.search(text):
            raise FormatError(f"{filename}: entity declarations are not allowed (possible entity expansion or "
                              "external entity attack); nothing was imported")
        text = _CONTROL.sub("", _DECLARATION.sub("", text, count=1))
        parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False,
                                      default_doctype=False)
        try:
            root = lxml_html.document_fromstring(text, parser=parser)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
            raise FormatError(f"{filename}: not a readable HTML document ({exc})") from None
        paragraphs: list[str] = []
        buffer: list[str] = []

        def flush() -> None:
            para = _clean("".join(buffer))
            buffer.clear()
            if para:
                paragraphs.append(para)

        def walk(el) -> None:
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if tag in DROPPED or not tag:
                return
            if tag == "br":
                flush()
                return
            block = tag in BLOCKS
            if block:
                flush()
            if el.text:
                buffer.append(el.text)
            for child in el:
                walk(child)
                if child.tail:
                    buffer.append(child.tail)
            if block:
                flush()

        walk(root)
        flush()
        if not paragraphs:
            raise FormatError(f"{filename}: the HTML document has no text")
        return TextDocument(tuple(paragraphs), name=filename)

    def write(self, doc: TextDocument) -> bytes:
        codes = list(doc.codes) + [()] * (len(doc.paragraphs) - len(doc.codes))
        body = "\n".join(f"<p>{htmllib.escape(plain_text(p, c))}</p>"
                          for p, c in zip(doc.paragraphs, codes, strict=False))
        title = htmllib.escape(doc.name or "document")
        return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>\n<body>\n'
                f"{body}\n</body></html>\n").encode()
