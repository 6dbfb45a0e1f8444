"""Spreadsheet cells: the one guard against formulas in every CSV, TSV and XLSX duizhao writes (stdlib only).

A cell that starts with ``=``, ``+``, ``-`` or ``@`` is run as a formula by Excel, LibreOffice and Google
Sheets (CSV injection); such cells get a leading apostrophe, which the readers strip again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@")


def formula_safe(value):
    """``value`` with an apostrophe in front when it would start a formula; non-strings unchanged."""
    return "'" + value if isinstance(value, str) and value[:1] in FORMULA_STARTS else value


def formula_unsafe(value: str) -> str:
    """The reverse of :func:`formula_safe`, for readers of the files duizhao wrote."""
    return value[1:] if value[:1] == "'" and value[1:2] in FORMULA_STARTS else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence], delimiter: str = ",",
             lineterminator: str = "\r\n") -> str:
    """A CSV table with every cell through :func:`formula_safe`."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(header)
    for row in rows:
        writer.writerow([formula_safe(cell) for cell in row])
    return out.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence], delimiter: str = ",") -> bytes:
    """:func:`csv_text` as UTF-8 with a BOM, so spreadsheet programs read the Chinese."""
    return ("\ufeff" + csv_text(header, rows, delimiter)).encode("utf-8")
