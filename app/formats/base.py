"""One class per file format, registered once by name and extension."""

from __future__ import annotations

from typing import ClassVar

from app.model import TextDocument


class Format:
    """A file format: ``read`` bytes into model objects, ``write`` them back to bytes."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]
    kind: ClassVar[str] = "document"
    mimetype: ClassVar[str] = "application/octet-stream"
    # What an export in this format is called after the document's title: it says what the file holds
    # (".en.corrected.txt", ".zh-en.xliff12.xlf", ".tbxv3.tbx"); a file so named imports again.
    suffix: ClassVar[str] = ""

    def read(self, data: bytes, filename: str = "file") -> TextDocument:
        raise NotImplementedError(f"{self.name}: reading is not supported")

    def write(self, doc: TextDocument) -> bytes:
        raise NotImplementedError(f"{self.name}: writing is not supported")


class GlossaryFormat(Format):
    """A glossary file format: ``read`` gives TermEntry objects, ``write`` takes them."""

    kind: ClassVar[str] = "glossary"

    def read(self, data: bytes, filename: str = "glossary"):  # -> list[TermEntry]
        raise NotImplementedError(f"{self.name}: reading is not supported")

    def write(self, entries) -> bytes:
        raise NotImplementedError(f"{self.name}: writing is not supported")


class BitextFormat(Format):
    """A bilingual file format: ``read`` gives a Bitext (its alignment as given), ``write`` takes one."""

    kind: ClassVar[str] = "bitext"

    def read(self, data: bytes, filename: str = "file"):  # -> Bitext
        raise NotImplementedError(f"{self.name}: reading is not supported")

    def write(self, bitext) -> bytes:
        raise NotImplementedError(f"{self.name}: writing is not supported")


# n:m links are written as one unit whose paragraphs are separated by a blank line.
PARAGRAPH_SEPARATOR = "\n\n"


def join_paragraphs(paragraphs) -> str:
    return PARAGRAPH_SEPARATOR.join(paragraphs)


def split_unit(text: str) -> tuple[str, ...]:
    """A unit's text back into paragraphs: blank lines separate, surrounding whitespace is dropped."""
    import re

    return tuple(p.strip() for p in re.split(r"\n[ \t\r\f\v\u3000]*\n", (text or "").replace("\r\n", "\n"))
                 if p.strip())
