"""Glossary files: the CSV format documented in glossary/README.md, read and written."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from app.errors import FormatError, InputError
from app.model import TermEntry
from app.sheets import csv_text, formula_unsafe

COLUMNS = ("zh", "en", "variants", "forbidden", "case", "kind", "status", "domains", "authority", "note")
REQUIRED = ("zh", "en")
CASES = ("exact", "insensitive", "capitalised")
KINDS = ("term", "name")
STATUSES = ("approved", "proposed", "deprecated")
DEFAULTS = {"case": "insensitive", "kind": "term", "status": "approved"}
LIST_COLUMNS = ("zh", "variants", "forbidden", "domains")


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _read_text(path_or_text) -> tuple[str, str]:
    """Return (text, name): a Path, an existing file name, or the CSV text itself."""
    if isinstance(path_or_text, Path) or (
        isinstance(path_or_text, str) and "\n" not in path_or_text and path_or_text.endswith(".csv")
    ):
        path = Path(path_or_text)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read glossary {path}: {exc.strerror}") from exc
        try:
            return data.decode("utf-8-sig"), str(path)
        except UnicodeDecodeError as exc:
            raise InputError(f"glossary {path} is not UTF-8 (byte {exc.start})") from exc
    if isinstance(path_or_text, bytes):
        try:
            return path_or_text.decode("utf-8-sig"), "glossary"
        except UnicodeDecodeError as exc:
            raise InputError(f"glossary is not UTF-8 (byte {exc.start})") from exc
    return str(path_or_text).lstrip("\ufeff"), "glossary"


def load_glossary_csv(path_or_text, name: str | None = None) -> list[TermEntry]:
    """Parse a glossary CSV (a path, or the text itself) into entries; InputError names the bad line."""
    text, default_name = _read_text(path_or_text)
    name = name or default_name
    if not text.strip():
        raise InputError(f"{name}: empty glossary file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise FormatError(f"{name}: {exc}", line=1) from exc
    header = [h.strip().lower() for h in header]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise FormatError(f"{name}: unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)}",
                          line=1)
    for col in REQUIRED:
        if col not in header:
            raise FormatError(f"{name}: missing required column '{col}'", line=1)
    if len(set(header)) != len(header):
        raise FormatError(f"{name}: a column is repeated in the header", line=1)
    entries: list[TermEntry] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise FormatError(f"{name}: expected {len(header)} cells, found {len(row)}", line=line)
            entries.append(_entry(dict(zip(header, row, strict=True)), name, line))
    except csv.Error as exc:
        raise FormatError(f"{name}: {exc}", line=reader.line_num) from exc
    return entries


def _entry(cells: dict[str, str], name: str, line: int) -> TermEntry:
    values = {col: formula_unsafe(cells.get(col, "").strip()) for col in COLUMNS}
    zh = _split(values["zh"])
    if not zh:
        raise FormatError(f"{name}: the 'zh' cell is empty", line=line)
    if not values["en"]:
        raise FormatError(f"{name}: the 'en' cell is empty", line=line)
    for form in zh:
        if not any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in form):
            raise FormatError(f"{name}: zh form '{form}' has no Chinese character", line=line)
    for col, allowed in (("case", CASES), ("kind", KINDS), ("status", STATUSES)):
        values[col] = values[col].lower() or DEFAULTS[col]
        if values[col] not in allowed:
            raise FormatError(f"{name}: {col} '{values[col]}' is not one of {', '.join(allowed)}", line=line)
    return TermEntry(
        zh=zh,
        en=values["en"],
        variants=_split(values["variants"]),
        forbidden=_split(values["forbidden"]),
        case=values["case"],
        note=values["note"],
        authority=values["authority"],
        status=values["status"],
        domains=_split(values["domains"]),
        kind=values["kind"],
    )


def dump_glossary_csv(entries: Iterable[TermEntry]) -> str:
    """Write entries as glossary CSV text (the documented columns, header first; formulas guarded)."""
    return csv_text(COLUMNS, ([
        "|".join(e.zh), e.en, "|".join(e.variants), "|".join(e.forbidden), e.case, e.kind,
        e.status, "|".join(e.domains), e.authority, e.note,
    ] for e in entries), lineterminator="\n")
