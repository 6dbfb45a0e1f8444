"""The check interface, the plain data checks run over, and the finding they produce.

A check never imports a web, database or CLI framework and never does IO: it
takes a :class:`PairContext` (one alignment link) or a :class:`DocumentContext`
and yields :class:`app.model.Issue` objects whose spans are offsets into the
link's joined texts. The runner turns them into :class:`Finding` objects with
paragraph indices and paragraph-local spans.

A message that names another place of the document does not number it: it writes
``at(link)`` (the link's index in the document), and places in ``extra`` carry
``"link"``. The runner renders those with the one numbering the reader sees (review
rows, or paragraphs of two plain files), so every message numbers places the same way.
"""

from __future__ import annotations

import enum
import gc
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from app.model import Issue, Severity
from app.terminology.matching import CompiledGlossary, EnMatch, Tokens, ZhMatch

PARA_SEP = "\n"

_AT = "\x1f@"  # a place marker: unit separator, @, link indices joined by commas, unit separator
AT_RE = re.compile("\x1f@([0-9,]*)\x1f")


def at(*links: int | None) -> str:
    """A place in a message: the links (indices in the document's list of links), numbered by the runner."""
    return _AT + ",".join(str(k) for k in links if k is not None) + "\x1f"


def _by_entry(matches) -> dict[int, list]:
    """Glossary matches grouped by their entry index, in order."""
    out: dict[int, list] = {}
    for m in matches:
        out.setdefault(m.entry, []).append(m)
    return out


@dataclass
class PairContext:
    """One link: its Chinese and English paragraphs joined with newlines, and lazy term matches."""

    zh_indices: tuple[int, ...]
    en_indices: tuple[int, ...]
    zh: str
    en: str
    glossary: CompiledGlossary
    memo: dict | None = field(default=None, repr=False, compare=False)  # shared across runs, one glossary
    index: int | None = None  # the link's position in the document's list of links (for at() and places)

    def _memo(self, kind: str, text: str, compute):
        if self.memo is None:
            return compute()
        key = (kind, text)
        value = self.memo.get(key)
        if value is None:
            value = self.memo[key] = compute()
        return value

    @cached_property
    def en_tokens(self) -> Tokens:
        return self._memo("en_tokens", self.en, lambda: Tokens.of(self.en))

    @cached_property
    def zh_terms(self) -> list[ZhMatch]:
        return self._memo("zh_terms", self.zh, lambda: self.glossary.match_zh(self.zh))

    @cached_property
    def en_terms(self) -> list[EnMatch]:
        return self._memo("en_terms", self.en, lambda: self.glossary.match_en(self.en, self.en_tokens))

    @cached_property
    def en_terms_by_entry(self) -> dict[int, list[EnMatch]]:
        return self._memo("en_terms_by_entry", self.en, lambda: _by_entry(self.en_terms))

    @cached_property
    def zh_terms_by_entry(self) -> dict[int, list[ZhMatch]]:
        return self._memo("zh_terms_by_entry", self.zh, lambda: _by_entry(self.zh_terms))

    @cached_property
    def complete(self) -> bool:
        """Both sides have text."""
        return bool(self.zh.strip()) and bool(self.en.strip())


@dataclass
class DocumentContext:
    """The whole document as links, for checks that look across links (drift, consistency, length)."""

    pairs: Sequence[PairContext]
    glossary: CompiledGlossary


class Check:
    """One QA check. Subclasses set the attributes and override check_pair or check_document."""

    check_id: str = ""
    name: str = ""
    description: str = ""
    severity: Severity = Severity.MINOR
    needs_glossary = False  # skipped when the glossary is empty
    needs_both = True  # check_pair only runs on links with text on both sides
    sees_codes = False  # the texts keep their inline-code placeholders (app.model); others see plain text

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        """Issues on one link; spans are offsets into pair.zh and pair.en."""
        return ()

    def check_document(self, doc: DocumentContext) -> Iterable[tuple[PairContext, Issue]]:
        """Issues over the whole document; by default check_pair on every link."""
        for pair in doc.pairs:
            if self.needs_both and not pair.complete:
                continue
            for issue in self.check_pair(pair):
                yield pair, issue

    def issue(self, message: str, zh_span=None, en_span=None, suggestion=None, severity=None,
              **extra) -> Issue:
        return Issue(self.check_id, Severity(severity or self.severity), message, zh_span, en_span,
                     suggestion, extra)


@dataclass(frozen=True)
class Finding:
    """An issue placed in the document: the link, paragraph indices and paragraph-local spans."""

    issue: Issue  # spans are local to paragraphs zh_index / en_index
    link: tuple[tuple[int, ...], tuple[int, ...]]
    zh_index: int | None
    en_index: int | None
    zh_text: str = ""  # the matched Chinese span
    en_text: str = ""  # the matched English span
    key: str = field(default="", compare=False)
    row: int | None = field(default=None, compare=False)  # the link's 1-based review row, when it has one

    @property
    def check(self) -> str:
        return self.issue.check

    @property
    def severity(self) -> Severity:
        return self.issue.severity

    @property
    def message(self) -> str:
        return self.issue.message

    @property
    def suggestion(self) -> str | None:
        return self.issue.suggestion

    @property
    def zh_span(self) -> tuple[int, int] | None:
        return self.issue.zh_span

    @property
    def en_span(self) -> tuple[int, int] | None:
        return self.issue.en_span

    @property
    def extra(self) -> dict:
        return self.issue.extra

    def as_dict(self) -> dict:
        """The JSON form: check, severity, row (1-based), paragraph indices (0-based), matched texts, message,
        suggestion, spans."""
        d = {
            "check": self.check,
            "severity": str(self.severity),
            "row": self.row,
            "zh_index": self.zh_index,
            "en_index": self.en_index,
            "zh_text": self.zh_text,
            "en_text": self.en_text,
            "message": self.message,
            "suggestion": self.suggestion,
            "zh_span": list(self.zh_span) if self.zh_span else None,
            "en_span": list(self.en_span) if self.en_span else None,
            "link": [list(self.link[0]), list(self.link[1])],
            "key": self.key,
        }
        if self.extra:
            d["extra"] = self.extra
        return d

    def as_record(self) -> list:
        """Every field (``RECORD_FIELDS``, in order) as JSON data that :meth:`from_record` turns back into an
        equal finding, key and row included; tuples stay tuples, unlike :meth:`as_dict` (the public JSON form)."""
        return [_tagged(v) for v in self._values()]

    def _values(self) -> list:
        i = self.issue
        return [i.check, i.severity.value, i.message, i.zh_span, i.en_span, i.suggestion, i.extra, self.link,
                self.zh_index, self.en_index, self.zh_text, self.en_text, self.key, self.row]

    @classmethod
    def from_record(cls, record: list) -> Finding:
        """The finding :meth:`as_record` gave ``record`` for."""
        return cls._from_values([_untagged(v) for v in record])

    @classmethod
    def _from_values(cls, v: list) -> Finding:
        issue = Issue(v[0], Severity(v[1]), v[2], v[3], v[4], v[5], v[6])
        return cls(issue, v[7], v[8], v[9], v[10], v[11], key=v[12], row=v[13])


RECORD_FIELDS = ("check", "severity", "message", "zh_span", "en_span", "suggestion", "extra", "link", "zh_index",
                 "en_index", "zh_text", "en_text", "key", "row")
# the fields a dump keeps once in its table of values (they repeat: the same message, term or link), by position
_SHARED = frozenset((0, 1, 2, 3, 4, 5, 6, 7, 10, 11))
_EXTRA = RECORD_FIELDS.index("extra")


# JSON keeps lists, string-keyed dicts and scalars; tuples and other dicts are tagged with a key no check uses.
_TUPLE, _PAIRS = "\x00tuple", "\x00pairs"


_SCALARS = frozenset((str, int, float, bool, type(None)))


def _tagged(value):
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple or kind is list:
        items = value if all(type(v) in _SCALARS for v in value) else [_tagged(v) for v in value]
        return {_TUPLE: list(items)} if kind is tuple else list(items)
    if kind is dict:
        if all(type(k) is str for k in value) and not (len(value) == 1 and next(iter(value)) in (_TUPLE, _PAIRS)):
            return {k: _tagged(v) for k, v in value.items()}
        return {_PAIRS: [[_tagged(k), _tagged(v)] for k, v in value.items()]}
    if isinstance(value, enum.Enum) and type(value.value) in _SCALARS:  # a Severity: stored as its value
        return value.value
    raise TypeError(f"a finding carries a {kind.__name__}, which its record cannot keep")


def _untag(obj: dict):
    """json.loads' object hook: a tagged tuple or dict back (inner values first)."""
    if len(obj) == 1:
        if _TUPLE in obj:
            return tuple(obj[_TUPLE])
        if _PAIRS in obj:
            return {k: v for k, v in obj[_PAIRS]}
    return obj


def _untagged(value):
    """A tagged value (as JSON data) back."""
    return json.loads(json.dumps(value), object_hook=_untag)


@contextmanager
def collector_paused():
    """The cyclic garbage collector paused (and then resumed if it ran): a check run, a dump or a load allocates
    tens of thousands of objects that form few cycles, and each collection they would set off scans the whole
    heap (a quarter of a re-check's time on a 2,000-link document)."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def dump_findings(findings: Iterable[Finding]) -> bytes:
    """Findings as UTF-8 JSON: their records, in order, with each repeated value written once in a table
    (``{"values": [...], "findings": [[...], ...]}``, a shared field holding its value's index)."""
    with collector_paused():
        return _dump(findings)


def _dump(findings: Iterable[Finding]) -> bytes:
    index: dict = {}
    values: list = []
    rows = []
    for f in findings:
        record = f._values()
        for k in _SHARED:
            v = record[k]
            # texts, spans and links are hashable; an extra (a dict) goes by its repr, which tells 1 from True
            ident = (type(v), repr(v) if k == _EXTRA else v)
            at = index.get(ident)
            if at is None:
                at = index[ident] = len(values)
                values.append(_tagged(v))
            record[k] = at
        rows.append(record)
    return json.dumps({"values": values, "findings": rows}, ensure_ascii=False, separators=(",", ":")).encode()


def load_findings(data: bytes) -> list[Finding]:
    """The findings ``dump_findings`` wrote; ValueError, KeyError, IndexError or TypeError when ``data`` is not
    such a dump."""
    with collector_paused():
        return _load(data)


def _load(data: bytes) -> list[Finding]:
    dump = json.loads(data.decode("utf-8"), object_hook=_untag)
    if not isinstance(dump, dict) or not isinstance(dump.get("findings"), list):
        raise ValueError("not a dump of findings")
    values = dump["values"]  # each distinct value decoded once (and shared by the findings that have it)
    out = []
    for record in dump["findings"]:
        if len(record) != len(RECORD_FIELDS):
            raise ValueError(f"a finding of {len(record)} fields; a record has {len(RECORD_FIELDS)}")
        out.append(Finding._from_values([values[v] if k in _SHARED else v for k, v in enumerate(record)]))
    return out


def finding_key(check: str, zh_text: str, en_text: str, zh_context: str = "", en_context: str = "") -> str:
    """Dismissal key: the check id and a hash of the matched texts and their paragraphs."""
    h = hashlib.sha1("\x1f".join((zh_text, en_text, zh_context, en_context)).encode("utf-8")).hexdigest()
    return f"{check}:{h[:16]}"


SEVERITY_RANK = {s: s.rank for s in Severity}  # from the order declared on Severity
