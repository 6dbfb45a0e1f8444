"""Helpers shared by the bilingual XML formats (TMX, XLIFF): text edges, dates, languages, statuses."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from app.errors import FormatError
from app.model import STATUSES

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def keep_edges(old: str | None, new: str) -> str:
    """``new`` with the leading and trailing whitespace ``old`` had (readers strip a unit's paragraphs, so an
    edited target would otherwise lose the spaces around it)."""
    if not old:
        return new
    lead = old[: len(old) - len(old.lstrip())]
    trail = old[len(old.rstrip()):]
    return lead + new.strip() + trail if new.strip() else new


def xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot carry."""
    return _XML_ILLEGAL.sub("", text or "")


def tmx_date(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y%m%dT%H%M%SZ")


def parse_date(value: str | None) -> datetime | None:
    """A TMX (YYYYMMDDThhmmssZ) or ISO 8601 date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    for pattern in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=UTC)
        except ValueError:
            pass
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def is_zh(lang: str | None) -> bool:
    return (lang or "").strip().lower().replace("_", "-").split("-")[0] in ("zh", "cmn", "chi", "zho")


def is_en(lang: str | None) -> bool:
    return (lang or "").strip().lower().replace("_", "-").split("-")[0] in ("en", "eng")


def check_status(value: str, filename: str) -> str:
    if value not in STATUSES:
        raise FormatError(f"{filename}: unknown status {value!r}; known: {', '.join(STATUSES)}")
    return value


def default_status(en: tuple[str, ...]) -> str:
    return "translated" if en else "untranslated"
