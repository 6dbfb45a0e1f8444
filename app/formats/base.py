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
