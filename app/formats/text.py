"""Plain text: one paragraph per non-blank line on the way in, blank-line separated on the way out."""

from __future__ import annotations

from app.errors import InputError
from app.formats.base import Format
from app.model import TextDocument, plain_text
from app.segmentation.paragraphs import numbered_paragraphs
from app.textio import decode_bytes


class PlainText(Format):
    name = "txt"
    suffix = ".en.corrected.txt"
    extensions = (".txt", ".text")
    mimetype = "text/plain; charset=utf-8"

    def read(self, data: bytes, filename: str = "file") -> TextDocument:
        numbered = numbered_paragraphs(decode_bytes(data, filename))
        if not numbered:
            raise InputError(f"{filename}: the file has no text")
        return TextDocument(tuple(p for _, p in numbered), name=filename, lines=tuple(n for n, _ in numbered))

    def write(self, doc: TextDocument) -> bytes:
        codes = list(doc.codes) + [()] * (len(doc.paragraphs) - len(doc.codes))
        return ("\n\n".join(plain_text(p, c) for p, c in zip(doc.paragraphs, codes, strict=False)) + "\n").encode(
            "utf-8")
