"""The one registry of formats, by name and by extension."""

from __future__ import annotations

from pathlib import PurePath

from app.errors import InputError
from app.formats.base import Format
from app.formats.docx import Docx
from app.formats.glossary_csv import GlossaryCsv
from app.formats.html import Html
from app.formats.tabular import Csv, Tsv, Xlsx
from app.formats.tbx import Tbx3, Tbx2008
from app.formats.text import PlainText
from app.formats.tmx import Tmx
from app.formats.xliff import Xliff12, Xliff20

FORMATS: dict[str, type[Format]] = {
    cls.name: cls
    for cls in (PlainText, Docx, Html, GlossaryCsv, Tbx2008, Tbx3, Tmx, Xliff12, Xliff20, Csv, Tsv, Xlsx)
}


def by_name(name: str) -> Format:
    try:
        return FORMATS[name]()
    except KeyError:
        raise InputError(f"unknown format {name!r}; known: {', '.join(sorted(FORMATS))}") from None


def for_filename(filename: str, kind: str = "document") -> Format:
    """The first registered format of ``kind`` that claims the file's extension."""
    ext = PurePath(filename).suffix.lower()
    candidates = [cls for cls in FORMATS.values() if cls.kind == kind]
    for cls in candidates:
        if ext in cls.extensions:
            return cls()
    known = sorted({e for c in candidates for e in c.extensions})
    raise InputError(f"{filename}: unsupported file type {ext or '(none)'}; known: {', '.join(known)}")
