"""Plain data shared by every layer: no framework imports here."""

from __future__ import annotations

import enum
import re
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
    style definitions, page setup, headers and footers and replaces the body. ``codes``: per paragraph, the side
    table of the inline codes (runs, hyperlinks…) whose placeholders the paragraph's text carries (a .docx read
    with ``inline_codes=True``; see "inline codes" below).
    """

    paragraphs: tuple[str, ...]
    styles: tuple[str | None, ...] = ()
    name: str = ""
    template: bytes | None = field(default=None, compare=False, repr=False)
    codes: tuple[tuple[InlineCode, ...], ...] = field(default=(), compare=False, repr=False)
    lines: tuple[int, ...] = field(default=(), compare=False)  # the line each paragraph starts on (plain text)

    def where(self, index: int) -> str:
        """Where paragraph ``index`` (0-based) is in the file, for messages: "line 12" or "paragraph 3"."""
        return f"line {self.lines[index]}" if index < len(self.lines) else f"paragraph {index + 1}"


def review_row(position: int) -> int:
    """The number people see for the link at ``position`` (0-based): its 1-based row in the review grid, the
    number every message, page, report and export uses for it."""
    return position + 1


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
    codes: tuple[InlineCode, ...] = ()  # the inline codes whose placeholders appear in zh and en
    locked: bool = False  # the file marks the segment as not to be edited (Trados locked, translate="no")

    def code(self, n: int) -> InlineCode | None:
        return next((c for c in self.codes if c.n == n), None)


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


# ---------------------------------------------------------------- inline codes
#
# A segment's text carries its inline codes (XLIFF g/x/bx/ex/ph/bpt/ept/it/mrk, XLIFF 2 pc/sc/ec/ph/mrk/sm/em,
# TMX bpt/ept/ph/it/hi/ut…) as single private-use characters, one per code, so that storage, diffs, search
# and the editor treat a code as one atomic character. The character says what the code is:
#
#   U+E000 + n   a standalone code n (a placeholder: x, ph, it, an isolated sc or ec…)
#   U+E800 + n   the opening of paired code n (g, pc, mrk, hi open; bpt, bx, sc, sm)
#   U+F000 + n   the closing of paired code n (g, pc, mrk, hi close; ept, ex, ec, em)
#
# n (1…2047) is the code's number within its pair (BitextPair.codes, the side table): the same n in the
# Chinese and in the English is the same code. The side table keeps each code's original XML element(s):
# name with namespace, attributes, and for native-code elements their content, separately for each side.
# Writers put the codes back in place from it (app/formats/inline.py). A private-use character in the
# original text itself is kept as a "literal" code, so no text is ever mistaken for a code.

CODE_STANDALONE, CODE_OPEN, CODE_CLOSE, CODE_END = 0xE000, 0xE800, 0xF000, 0xF800
MAX_CODE = 0x7FF
CODE_CHARS = f"{chr(CODE_STANDALONE)}-{chr(CODE_END - 1)}"  # every placeholder, as the inside of a [character class]
_CODE_RE = re.compile(f"[{CODE_CHARS}]")


def code_char(role: str, n: int) -> str:
    """The placeholder of code ``n`` in a role: "standalone", "open" or "close"."""
    if not 0 < n <= MAX_CODE:
        raise ValueError(f"inline code number {n} out of range 1..{MAX_CODE}")
    return chr({"standalone": CODE_STANDALONE, "open": CODE_OPEN, "close": CODE_CLOSE}[role] + n)


def code_of(ch: str) -> tuple[str, int] | None:
    """(role, n) of a placeholder character, None for ordinary text."""
    o = ord(ch) if len(ch) == 1 else -1
    if CODE_STANDALONE < o < CODE_OPEN:
        return "standalone", o - CODE_STANDALONE
    if CODE_OPEN < o < CODE_CLOSE:
        return "open", o - CODE_OPEN
    if CODE_CLOSE < o < CODE_END:
        return "close", o - CODE_CLOSE
    return None


def is_code(ch: str) -> bool:
    return code_of(ch) is not None


def has_codes(text: str) -> bool:
    return bool(_CODE_RE.search(text or ""))


def plain_text(text: str, codes=()) -> str:
    """The text without its inline codes: what checks, matching, alignment and metrics look at. With the side
    table, a private-use character of the original text (a "literal" code) comes back as itself."""
    if codes:
        literal = {c.n: c.elements[0].content for c in codes if c.elements and not c.elements[0].tag}
        if literal:
            return _CODE_RE.sub(lambda m: literal.get((code_of(m.group()) or ("", 0))[1], ""), text or "")
    return _CODE_RE.sub("", text or "")


def plain_offsets(text: str) -> tuple[str, list[int]]:
    """The plain text and, for each of its offsets (and its end), the offset in the coded text."""
    if not has_codes(text):  # most paragraphs: the same text, every offset where it was
        return text, list(range(len(text) + 1))
    plain, where = [], []
    for i, ch in enumerate(text):
        if not _CODE_RE.match(ch):
            plain.append(ch)
            where.append(i)
    where.append(len(text))
    return "".join(plain), where


def codes_in(text: str) -> list[tuple[int, str, int]]:
    """Every placeholder of a text as (offset, role, n), in order."""
    return [(m.start(), *code_of(m.group())) for m in _CODE_RE.finditer(text or "") if code_of(m.group())]


def reinsert_codes(coded: str, new_plain: str) -> str:
    """``new_plain`` (an edit of plain_text(coded): search and replace, fix-everywhere, an editor that sends
    plain text) with every code of ``coded`` put back where it was: a code keeps its place relative to the
    unchanged text around it; inside replaced text it goes to the start of the replacement (an opening code) or
    to its end (any other code). No code is ever lost or duplicated."""
    import difflib

    old_plain, where = plain_offsets(coded)
    # codes anchored before plain offset k
    anchored: dict[int, list[str]] = {}
    k = 0
    for ch in coded:
        if _CODE_RE.match(ch):
            anchored.setdefault(k, []).append(ch)
        else:
            k += 1
    out: list[str] = []

    def emit(k: int, openings: bool = True) -> None:
        keep = []
        for ch in anchored.get(k, ()):
            if openings or code_of(ch)[0] != "open":
                out.append(ch)
            else:
                keep.append(ch)
        anchored[k] = keep

    matcher = difflib.SequenceMatcher(None, old_plain, new_plain, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for d in range(i2 - i1):
                emit(i1 + d)
                out.append(new_plain[j1 + d])
        elif tag == "insert":  # codes before the insertion stay with the text before it, openings with the text after
            emit(i1, openings=False)
            out.append(new_plain[j1:j2])
        else:
            inside = [ch for i in range(i1, i2) for ch in anchored.pop(i, ())]
            out.extend(ch for ch in inside if code_of(ch)[0] == "open")
            out.append(new_plain[j1:j2])
            out.extend(ch for ch in inside if code_of(ch)[0] != "open")
    emit(len(old_plain))
    return "".join(out)


def text_parts(text: str) -> list[tuple[str, str] | tuple[str, str, int]]:
    """The text as ("text", s) and ("code", role, n) parts in order: what an editor renders as text and tokens."""
    parts: list = []
    last = 0
    for m in _CODE_RE.finditer(text or ""):
        found = code_of(m.group())
        if found is None:
            continue
        if m.start() > last:
            parts.append(("text", text[last:m.start()]))
        parts.append(("code", *found))
        last = m.end()
    if last < len(text or ""):
        parts.append(("text", text[last:]))
    return parts


def missing_codes(source: str, target: str) -> list[str]:
    """The placeholders of ``source`` that ``target`` lacks, in the source's order."""
    have = list(target or "")
    out = []
    for _, role, n in codes_in(source):
        ch = code_char(role, n)
        if ch in have:
            have.remove(ch)
        else:
            out.append(ch)
    return out


def with_source_codes(source: str, target: str) -> str:
    """``target`` with the source's codes it lacks appended in the source's order (the editor's "copy the
    source's tokens"): the reviewer then moves them into place."""
    return (target or "") + "".join(missing_codes(source, target))


def replace_outside_codes(coded: str, pattern, repl) -> tuple[str, int]:
    """re.subn over the plain text (``pattern`` a compiled regex), codes put back: search and replace that
    never touches a code. Returns the new coded text and the number of replacements."""
    plain = plain_text(coded)
    new, count = pattern.subn(repl, plain)
    return (reinsert_codes(coded, new) if count else coded), count


def keep_known_codes(text: str, allowed) -> str:
    """``text`` without placeholders whose code number is not in ``allowed`` (the pair's codes): an edit
    cannot invent a code."""
    allowed = set(allowed)
    return _CODE_RE.sub(lambda m: m.group() if (c := code_of(m.group())) and c[1] in allowed else "", text or "")


@dataclass(frozen=True)
class CodeElement:
    """One XML element of an inline code as the file had it.

    ``tag`` is the Clark name (``{namespace}local``); ``attrs`` the attributes with Clark names, in order;
    ``content`` the element's content as XML text (the native code of a bpt/ph/it, "" for an empty
    element; a wrapping element's content is the segment text, not stored here); ``nsmap`` the prefixes the
    element declared. ``tag == ""`` is a literal private-use character (``content`` holds it).
    """

    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    content: str = ""
    nsmap: tuple[tuple[str, str], ...] = ()

    @property
    def local(self) -> str:
        return self.tag.rsplit("}", 1)[-1]

    def get(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.attrs if k == name), default)


@dataclass(frozen=True)
class InlineCode:
    """One inline code of a pair (its number ``n``) and its elements on each side.

    ``kind``: "paired" (an opening and a closing placeholder) or "standalone". A paired code either wraps the
    text in one element (``wraps``: g, pc, mrk, hi; the elements tuple holds that element) or is written as two
    elements (bpt/ept, bx/ex, sc/ec, sm/em; the tuple holds the opening and the closing element). ``zh`` and
    ``en`` are the elements as the Chinese and the English side had them; a side without the code is empty and
    a writer uses the other side's elements (a code the reviewer copied from the source).
    """

    n: int
    kind: str
    zh: tuple[CodeElement, ...] = ()
    en: tuple[CodeElement, ...] = ()
    wraps: bool = False

    @property
    def elements(self) -> tuple[CodeElement, ...]:
        return self.en or self.zh

    def side(self, side: str) -> tuple[CodeElement, ...]:
        """The elements to write on ``side`` ("zh" or "en"): that side's own, else the other side's."""
        own = self.zh if side == "zh" else self.en
        return own or (self.en if side == "zh" else self.zh)

    @property
    def name(self) -> str:
        """The element name shown on the token: "g", "bpt", "ph"…"""
        first = self.elements[0] if self.elements else None
        return "char" if first is not None and not first.tag else (first.local if first else "code")

    def describe(self, side: str = "en") -> str:
        """A one-line description for a token's tooltip: the element and its attributes, or its native code."""
        elements = self.side(side)
        if not elements:
            return self.name
        if not elements[0].tag:
            return f"U+{ord(elements[0].content[:1] or ' '):04X}"
        from html import unescape

        first = elements[0]
        attrs = " ".join(f"{k.rsplit('}', 1)[-1]}={v}" for k, v in first.attrs)
        native = unescape(first.content) if first.content and "<" not in first.content else ""
        return " ".join(p for p in (first.local, attrs, native) if p)

    def label(self, role: str) -> str:
        """The token text shown for a role: ``<3>`` opening, ``</3>`` closing, ``<3/>`` standalone."""
        return {"open": f"<{self.n}>", "close": f"</{self.n}>"}.get(role, f"<{self.n}/>")

    def as_dict(self) -> dict:
        def els(elements):
            return [{"tag": e.tag, "attrs": [list(a) for a in e.attrs], "content": e.content,
                     "nsmap": [list(p) for p in e.nsmap]} for e in elements]

        return {"n": self.n, "kind": self.kind, "wraps": self.wraps, "zh": els(self.zh), "en": els(self.en)}

    @classmethod
    def from_dict(cls, d: dict) -> InlineCode:
        def els(items):
            return tuple(CodeElement(e["tag"], tuple(tuple(a) for a in e.get("attrs", ())), e.get("content", ""),
                                     tuple(tuple(p) for p in e.get("nsmap", ()))) for e in items)

        return cls(int(d["n"]), d["kind"], els(d.get("zh", ())), els(d.get("en", ())), bool(d.get("wraps")))


def codes_to_json(codes) -> str:
    """The side table as JSON (for storage next to the segment texts)."""
    import json

    return json.dumps([c.as_dict() for c in codes], ensure_ascii=False, separators=(",", ":"))


def codes_from_json(data: str) -> tuple[InlineCode, ...]:
    import json

    return tuple(InlineCode.from_dict(d) for d in json.loads(data or "[]"))
