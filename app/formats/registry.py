"""The one registry of formats, by name and by extension."""

from __future__ import annotations

from pathlib import PurePath

from app.errors import InputError
from app.formats.base import Format
from app.formats.text import PlainText

FORMATS: dict[str, type[Format]] = {cls.name: cls for cls in (PlainText,)}


def by_name(name: str) -> Format:
    try:
        return FORMATS[name]()
    except KeyError:
        raise InputError(f"unknown format {name!r}; known: {', '.join(sorted(FORMATS))}") from None


def for_filename(filename: str) -> Format:
    ext = PurePath(filename).suffix.lower()
    for cls in FORMATS.values():
        if ext in cls.extensions:
            return cls()
    raise InputError(f"{filename}: unsupported file type {ext or '(none)'}; known: "
                     + ", ".join(e for c in FORMATS.values() for e in c.extensions))
