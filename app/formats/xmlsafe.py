"""Safe XML parsing for every XML format: no DTDs, no entities, no network, bounded size."""

from __future__ import annotations

import re

from lxml import etree

from app.errors import FormatError

MAX_XML_BYTES = 50 * 1024 * 1024
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def as_utf8(data: bytes) -> bytes:
    """UTF-16/32 XML (with or without BOM) re-encoded as UTF-8 so byte patterns can be searched in it."""
    for prefix, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                          (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"<\x00", "utf-16-le"),
                          (b"\x00<", "utf-16-be")):
        if data.startswith(prefix):
            return data.decode(codec, "replace").encode("utf-8")
    return data


def parse_xml(data: bytes, filename: str = "file", keep_comments: bool = False):
    """Parse ``data`` or raise FormatError; entity declarations (billion laughs, XXE) are refused outright.

    ``keep_comments`` keeps comments and processing instructions (a file rewritten in place keeps them)."""
    if len(data) > MAX_XML_BYTES:
        raise FormatError(f"{filename}: the XML file is too large ({len(data) / 1048576:.0f} MB)")
    if not data.strip():
        raise FormatError(f"{filename}: the file is empty")
    if _ENTITY.search(data) or _ENTITY.search(as_utf8(data)):
        raise FormatError(f"{filename}: XML entity declarations are not allowed (possible entity expansion or "
                          "external entity attack); nothing was imported")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=not keep_comments,
                             remove_pis=not keep_comments)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, col = (exc.position if getattr(exc, "position", None) else (None, None))
        raise FormatError(f"{filename}: malformed XML: {exc.msg}", line=line, col=col) from None
    if root is None:
        raise FormatError(f"{filename}: no XML root element")
    return root


def local(tag) -> str:
    """An element's tag without its namespace."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""
