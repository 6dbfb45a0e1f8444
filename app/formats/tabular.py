"""Side-by-side tables (.csv, .tsv, .xlsx): one row per link.

Columns: ``zh``, ``en``, then optional ``status``, ``note`` and ``findings`` (written on export; ``findings``
is ignored on the way in). A first row naming the columns is a header and may order them freely; without
one, the first two columns are Chinese and English and a third is the status. A link's paragraphs are
joined by a blank line in one cell. CSV is written as UTF-8 with a BOM, and cells starting with
``= + - @`` get a leading apostrophe (dropped again on reading); XLSX cells are always written as strings.
A .csv whose first line has semicolons but no comma (Excel in many locales) is read with ';'.
"""

from __future__ import annotations

import csv
import io

from app.errors import FormatError, InputError
from app.formats.base import BitextFormat, join_paragraphs, split_unit
from app.formats.units import default_status
from app.formats.zipsafe import check_zip
from app.model import STATUSES, Bitext, BitextPair, plain_text
from app.sheets import csv_bytes, formula_unsafe
from app.textio import decode_bytes

COLUMNS = ("zh", "en", "status", "note", "findings")
ALIASES = {
    "zh": "zh", "zh-cn": "zh", "chinese": "zh", "source": "zh", "中文": "zh", "原文": "zh",
    "en": "en", "english": "en", "target": "en", "英文": "en", "译文": "en",
    "status": "status", "state": "status", "状态": "status",
    "note": "note", "notes": "note", "comment": "note", "comments": "note", "备注": "note",
    "findings": "findings", "open findings": "findings",
}
MAX_ROWS = 200_000


def _pairs_from_rows(rows, filename: str) -> Bitext:
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        raise FormatError(f"{filename}: the table is empty")
    first = ["" if c is None else str(c) for c in first]
    names = [ALIASES.get(c.strip().lower()) for c in first]
    if "zh" in names and "en" in names:
        index = {name: names.index(name) for name in COLUMNS if name in names}
        body, start = rows, 2
    else:
        index = {"zh": 0, "en": 1, "status": 2}
        body, start = _chain(first, rows), 1
    pairs = []
    for line, row in enumerate(body, start=start):
        if line - start > MAX_ROWS:
            raise FormatError(f"{filename}: too many rows (limit {MAX_ROWS})")
        cells = ["" if c is None else str(c) for c in row]
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < 2 and "status" not in names:
            raise FormatError(f"{filename}: row {line} has {len(cells)} column; two are needed (zh, en)",
                              line=line)

        def cell(name: str, cells=cells) -> str:
            i = index.get(name)
            return formula_unsafe(cells[i]) if i is not None and i < len(cells) else ""

        zh, en = split_unit(cell("zh")), split_unit(cell("en"))
        if not zh and not en:
            continue
        status = cell("status").strip().lower() or default_status(en)
        if status not in STATUSES:
            raise FormatError(f"{filename}: row {line}: unknown status {status!r}; known: {', '.join(STATUSES)}",
                              line=line)
        pairs.append(BitextPair(zh=zh, en=en, status=status, note=cell("note").strip(), unit_id=str(line)))
    if not pairs:
        raise FormatError(f"{filename}: the table has no rows with text")
    return Bitext(tuple(pairs), name=filename)


def _chain(first, rest):
    yield first
    yield from rest


def _rows(bitext: Bitext):
    yield list(COLUMNS)
    for pair in bitext.pairs:
        yield [plain_text(join_paragraphs(pair.zh), pair.codes), plain_text(join_paragraphs(pair.en), pair.codes),
               pair.status, pair.note,
               "\n".join(pair.findings)]


class Csv(BitextFormat):
    name = "csv"
    suffix = ".zh-en.csv"
    extensions = (".csv",)
    mimetype = "text/csv; charset=utf-8"
    delimiter = ","

    def read(self, data: bytes, filename: str = "file") -> Bitext:
        try:
            text = decode_bytes(data, filename)
        except InputError as exc:
            raise FormatError(exc.message) from None
        try:
            bitext = _pairs_from_rows(csv.reader(io.StringIO(text, newline=""), delimiter=self._delimiter(text)),
                                      filename)
        except csv.Error as exc:
            raise FormatError(f"{filename}: malformed {self.name.upper()}: {exc}") from None
        return Bitext(bitext.pairs, name=filename, format=self.name)

    def _delimiter(self, text: str) -> str:
        """Excel in many locales writes CSV with semicolons: use ';' when the first line has no comma."""
        first = text.lstrip("\ufeff").split("\n", 1)[0]
        if self.delimiter == "," and "," not in first and ";" in first:
            return ";"
        return self.delimiter

    def write(self, bitext: Bitext) -> bytes:
        header, *rows = _rows(bitext)
        return csv_bytes(header, rows, self.delimiter)


class Tsv(Csv):
    name = "tsv"
    suffix = ".zh-en.tsv"
    extensions = (".tsv", ".tab")
    mimetype = "text/tab-separated-values; charset=utf-8"
    delimiter = "\t"


class Xlsx(BitextFormat):
    name = "xlsx"
    suffix = ".zh-en.xlsx"
    extensions = (".xlsx",)
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def read(self, data: bytes, filename: str = "file") -> Bitext:
        check_zip(data, filename, "Excel (.xlsx)", required=("[Content_Types].xml",))
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                bitext = _pairs_from_rows(sheet.iter_rows(values_only=True), filename)
            finally:
                workbook.close()
        except FormatError:
            raise
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on a damaged file
            raise FormatError(f"{filename}: not a readable Excel workbook ({exc.__class__.__name__}: "
                              f"{str(exc)[:200]})") from None
        return Bitext(bitext.pairs, name=filename, format=self.name)

    def write(self, bitext: Bitext) -> bytes:
        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Alignment, Font

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "duizhao"
        for r, row in enumerate(_rows(bitext), start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"  # never a formula
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if r == 1:
                    cell.font = Font(bold=True)
        for letter, width in zip("ABCDE", (60, 60, 14, 30, 40), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
