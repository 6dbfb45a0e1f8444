"""Checks on zip containers (.docx, .xlsx) before any library opens them.

A zip bomb is refused by its directory alone: too many members, too large a total once
uncompressed, or a member that expands too much. The sizes the directory declares are binding:
Python's zipfile stops reading a member at its declared size and then fails its CRC check.
XML members are also refused when they declare a DTD or entities, and any other member when it
declares entities, so the libraries that parse them (python-docx; openpyxl, which parses with lxml's
default parser and with xml.etree) never see one.
"""

from __future__ import annotations

import io
import re
import zipfile

from app.errors import FormatError
from app.formats.xmlsafe import as_utf8

MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 2_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_XML_NAMES = (".xml", ".rels", ".vml")


def check_zip(data: bytes, filename: str, kind: str, required: tuple[str, ...] = ()) -> None:
    """Refuse ``data`` unless it is a modest, well-formed zip holding ``required`` members."""
    if not data:
        raise FormatError(f"{filename}: the file is empty")
    if len(data) > MAX_ZIP_BYTES:
        raise FormatError(f"{filename}: the file is too large ({len(data) / 1048576:.0f} MB)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise FormatError(f"{filename}: refused: the {kind} archive has {len(infos)} members "
                                  f"(limit {MAX_MEMBERS}; possible zip bomb)")
            total = sum(info.file_size for info in infos)
            if total > MAX_UNCOMPRESSED:
                raise FormatError(f"{filename}: refused: the {kind} file would expand to "
                                  f"{total / 1048576:.0f} MB (limit {MAX_UNCOMPRESSED // 1048576} MB; "
                                  "possible zip bomb)")
            for info in infos:
                if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise FormatError(f"{filename}: refused: {info.filename} expands "
                                      f"{info.file_size // max(info.compress_size, 1)} times "
                                      f"(limit {MAX_RATIO}; possible zip bomb)")
            names = {info.filename for info in infos}
            missing = [name for name in required if name not in names]
            if missing:
                raise FormatError(f"{filename}: not a {kind} file ({missing[0]} is missing)")
            for info in infos:
                # Every member: a relationship may point a library at a part whatever its name.
                body = as_utf8(archive.read(info))
                pattern = _DTD if info.filename.lower().endswith(_XML_NAMES) else _ENTITY
                if pattern.search(body):
                    raise FormatError(f"{filename}: XML entity or DTD declarations are not allowed "
                                      f"({info.filename}); nothing was imported")
    except FormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - zipfile raises zlib.error, struct.error, EOFError... on damage
        raise FormatError(f"{filename}: not a valid {kind} file ({exc.__class__.__name__}: {exc})") from None
