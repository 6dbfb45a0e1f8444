"""Plain text: one paragraph per non-blank line on the way in, blank-line separated on the way out."""

from __future__ import annotations

from app.errors import InputError
from app.formats.base import Format
from app.model import TextDocument
from app.segmentation.paragraphs import numbered_paragraphs
from app.textio import decode_bytes


class PlainText(Format):
    name = "txt"
    extensions = (".txt", ".text")
    mimetype = "text/plain; charset=utf-8"

    def read(self, data: bytes, filename: str = "file") -> TextDocument:
        numbered = numbered_paragraphs(decode_bytes(data, filename))
        if not numbered:
            raise InputError(f"{filename}: the file has no text")
        return TextDocument(tuple(p for _, p in numbered), name=filename, lines=tuple(n for n, _ in numbered))

    def write(self, doc: TextDocument) -> bytes:
        return ("\n\n".join(doc.paragraphs) + "\n").encode("utf-8")
