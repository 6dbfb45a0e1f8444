"""Safe XML parsing for every XML format: no DTDs, no entities, no network, bounded size."""

from __future__ import annotations

import re

from lxml import etree

from app.errors import FormatError

MAX_XML_BYTES = 50 * 1024 * 1024
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
# A DOCTYPE that carries an internal subset ("[ ... ]") or an external identifier (SYSTEM / PUBLIC).
_DOCTYPE_EXTRA = re.compile(r"<!DOCTYPE[^>\[]*(\[|\bSYSTEM\b|\bPUBLIC\b)", re.IGNORECASE)
_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
# The published DTDs of the formats we read, named by CAT tools' files (OmegaT writes tmx11.dtd): their
# names are allowed as external identifiers because nothing is ever loaded (load_dtd=False, no_network).
KNOWN_DTDS = frozenset({"tmx11.dtd", "tmx13.dtd", "tmx14.dtd", "tmx14b.dtd", "xliff.dtd"})
_CODECS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


def as_utf8(data: bytes) -> bytes:
    """UTF-16/32 XML (with or without BOM) re-encoded as UTF-8 so byte patterns can be searched in it."""
    for prefix, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                          (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"<\x00", "utf-16-le"),
                          (b"\x00<", "utf-16-be")):
        if data.startswith(prefix):
            return data.decode(codec, "replace").encode("utf-8")
    return data


def parse_xml(data: bytes, filename: str = "file"):
    """Parse ``data`` or raise FormatError; entity declarations (billion laughs, XXE) are refused outright."""
    if len(data) > MAX_XML_BYTES:
        raise FormatError(f"{filename}: the XML file is too large ({len(data) / 1048576:.0f} MB)")
    if not data.strip():
        raise FormatError(f"{filename}: the file is empty")
    if _ENTITY.search(data) or _ENTITY.search(as_utf8(data)):
        raise FormatError(f"{filename}: XML entity declarations are not allowed (possible entity expansion or "
                          "external entity attack); nothing was imported")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, col = (exc.position if getattr(exc, "position", None) else (None, None))
        raise FormatError(f"{filename}: malformed XML: {exc.msg}", line=line, col=col) from None
    if root is None:
        raise FormatError(f"{filename}: no XML root element")
    _refuse_doctype(root, data, filename)
    return root


def _refuse_doctype(root, data: bytes, filename: str) -> None:
    """After parsing, in whatever encoding the parser read: no DTD subset and no external DTD."""
    docinfo = root.getroottree().docinfo
    if not docinfo.doctype:
        return
    external = (docinfo.system_url or "").rsplit("/", 1)[-1].lower()
    if (docinfo.public_id or (external and external not in KNOWN_DTDS)
            or _declares_subset(data, docinfo.encoding, allow_system=bool(external))):
        raise FormatError(f"{filename}: a DOCTYPE with a DTD (internal subset or external identifier) is not "
                          "allowed; nothing was imported")


def _declares_subset(data: bytes, encoding: str | None, allow_system: bool) -> bool:
    pattern = _DOCTYPE_SUBSET if allow_system else _DOCTYPE_EXTRA
    head = data[: 64 * 1024]
    for codec in dict.fromkeys(((encoding or "utf-8").lower(),) + _CODECS):
        try:
            text = head.decode(codec, "ignore")
        except LookupError:
            continue
        if pattern.search(text):
            return True
    return False


def local(tag) -> str:
    """An element's tag without its namespace."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""
