"""The glossary CSV of glossary/README.md as a format."""

from __future__ import annotations

from app.formats.base import GlossaryFormat
from app.terminology.glossary import dump_glossary_csv, load_glossary_csv
from app.textio import decode_bytes


class GlossaryCsv(GlossaryFormat):
    name = "glossary-csv"
    suffix = ".glossary.csv"
    extensions = (".csv",)
    mimetype = "text/csv; charset=utf-8"

    def read(self, data: bytes, filename: str = "glossary.csv"):
        return load_glossary_csv(decode_bytes(data, filename), name=filename)

    def write(self, entries) -> bytes:
        return dump_glossary_csv(entries).encode("utf-8")
