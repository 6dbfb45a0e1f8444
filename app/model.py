"""Plain data shared by every layer: no framework imports here."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Side(enum.StrEnum):
    ZH = "zh"
    EN = "en"


class Severity(enum.StrEnum):
    """How bad a finding is; declared most severe first, which is the one order of severities."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for info up to 3 for critical: compare severities by rank."""
        return len(Severity) - 1 - list(Severity).index(self)

    @classmethod
    def ordered(cls) -> tuple[str, ...]:
        """The severity names, most severe first (for choices, summaries and sorting)."""
        return tuple(s.value for s in cls)

    @classmethod
    def worst(cls, values) -> Severity:
        """The most severe of ``values`` (severities or their names); INFO when there are none."""
        present = {str(v) for v in values}
        return next((s for s in cls if s.value in present), cls.INFO)


@dataclass(frozen=True)
class Bead:
    """One alignment link: indices of source and target segments (either may be empty)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0

    @property
    def kind(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"

    def as_links(self) -> str:
        """The `[zh ids]:[en ids]` form of MAC-Dev's gold files."""
        return "[" + ",".join(map(str, self.src)) + "]:[" + ",".join(map(str, self.tgt)) + "]"


@dataclass(frozen=True)
class TermEntry:
    """One glossary entry as the engine sees it."""

    zh: tuple[str, ...]
    en: str
    variants: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    case: str = "insensitive"  # exact / insensitive / capitalised
    note: str = ""
    authority: str = ""
    status: str = "approved"  # approved / proposed / deprecated
    domains: tuple[str, ...] = ()
    kind: str = "term"  # term / name


@dataclass(frozen=True)
class Issue:
    """A finding of a QA check on one link."""

    check: str
    severity: Severity
    message: str
    zh_span: tuple[int, int] | None = None
    en_span: tuple[int, int] | None = None
    suggestion: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


# MQM Core error categories a fix may carry (issue: review workflow extends the UI for them).
ERROR_CATEGORIES = (
    "terminology",
    "terminology/inconsistent-with-termbase",
    "terminology/inconsistent-use-of-terms",
    "accuracy",
    "linguistic-conventions",
    "style",
    "locale-conventions",
    "audience-appropriateness",
    "design-and-markup",
)
FIX_SEVERITIES = ("neutral", "minor", "major", "critical")


@dataclass(frozen=True)
class TextDocument:
    """A monolingual document as a list of paragraphs, with optional per-paragraph styles.

    ``template``: the file the document was imported from (.docx only); the writer of that format keeps its
    style definitions, page setup, headers and footers and replaces the body.
    """

    paragraphs: tuple[str, ...]
    styles: tuple[str | None, ...] = ()
    name: str = ""
    template: bytes | None = field(default=None, compare=False, repr=False)
    lines: tuple[int, ...] = field(default=(), compare=False)  # the line each paragraph starts on (plain text)

    def where(self, index: int) -> str:
        """Where paragraph ``index`` (0-based) is in the file, for messages: "line 12" or "paragraph 3"."""
        return f"line {self.lines[index]}" if index < len(self.lines) else f"paragraph {index + 1}"


# Statuses a link may carry; bilingual files map their own states onto these (see app/formats/xliff.py).
STATUSES = ("untranslated", "translated", "reviewed", "approved", "rejected")


@dataclass(frozen=True)
class BitextPair:
    """One link of a bilingual file: n Chinese and m English paragraphs (either side may be empty).

    ``unit_id`` is the id the file gave the unit (an XLIFF trans-unit, a TMX tu), kept so an export can
    update that unit in place; ``note`` holds the unit's notes joined by blank lines.
    """

    zh: tuple[str, ...]
    en: tuple[str, ...]
    status: str = "translated"
    note: str = ""
    author: str = ""
    reviewer: str = ""
    created: datetime | None = None
    changed: datetime | None = None
    unit_id: str = ""
    findings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bitext:
    """A bilingual document: aligned pairs in order.

    ``template`` is the file the document was imported from (XLIFF only): writers of the same format
    update its units in place so foreign elements and attributes survive the round trip.
    """

    pairs: tuple[BitextPair, ...]
    name: str = ""
    source_lang: str = "zh-CN"
    target_lang: str = "en"
    template: bytes | None = field(default=None, compare=False, repr=False)
    format: str = field(default="", compare=False)  # the registered name of the format that read it
