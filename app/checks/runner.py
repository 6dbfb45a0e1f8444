"""Run every check over a document and place the findings; JSON, CSV and text output."""

from __future__ import annotations

import gc
import json
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from app.alignment.gale_church import align_lengths
from app.checks.base import AT_RE, PARA_SEP, SEVERITY_RANK, Check, DocumentContext, Finding, PairContext, finding_key
from app.checks.registry import CHECKS
from app.errors import InputError
from app.model import Bead, Issue, Severity, TermEntry, has_codes, plain_offsets
from app.segmentation import split_paragraphs
from app.sheets import csv_text
from app.terminology.matching import CompiledGlossary, compile_glossary

SIGNATURE_VERSION = "duizhao-check:1"


def warm_up() -> None:
    """Load the dictionaries the checks read, once per process (jieba and its tags, CC-CEDICT, pypinyin,
    OpenCC; about 2.5 s on a shared 2-core machine): a server calls this at start so that the first page
    of a document does not wait for them. They are millions of objects that live as long as the process: they are
    then moved out of the cyclic garbage collector's way (``gc.freeze``), so that its full collections, which the
    checks' and a page's allocations set off, no longer scan them (0.1–0.2 s each on a 2,000-link document)."""
    from app.checks.names import _syllables
    from app.terminology import consistency, matching, tables

    consistency._tokenizer()
    tables.word_tags()
    tables.cedict()
    matching._converters()
    _syllables("中文")
    gc.collect()  # what is garbage now is not frozen with the rest
    gc.freeze()


def _as_link(link) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if isinstance(link, Bead):
        return tuple(link.src), tuple(link.tgt)
    src, tgt = link
    return tuple(src), tuple(tgt)


def _check_indices(links, n_zh: int, n_en: int):
    for src, tgt in links:
        for i in src:
            if not 0 <= i < n_zh:
                raise InputError(f"link [{src}]:[{tgt}] names Chinese paragraph {i}; there are {n_zh}")
        for j in tgt:
            if not 0 <= j < n_en:
                raise InputError(f"link [{src}]:[{tgt}] names English paragraph {j}; there are {n_en}")


@dataclass(frozen=True)
class Numbering:
    """The one numbering a reader sees for places: the 1-based review row of each link (``rows``), or, for
    two plain files that have no rows, 1-based paragraph numbers ("English paragraph 3")."""

    links: Sequence[tuple[tuple[int, ...], tuple[int, ...]]]
    rows: Sequence[int] | None = None  # rows[k]: the review row of link k

    def row(self, link: int | None) -> int | None:
        """The review row of link ``link`` (None without rows)."""
        return None if self.rows is None or link is None else self.rows[link]

    def _item(self, link: int) -> tuple[str, int]:
        if self.rows is not None:
            return "row", self.rows[link]
        src, tgt = self.links[link]
        return ("English paragraph", tgt[0] + 1) if tgt else ("Chinese paragraph", src[0] + 1)

    def label(self, links: Iterable[int]) -> str:
        """"row 13", "rows 3, 5, 9" or "English paragraphs 3, 5"; "?" for no place."""
        groups: dict[str, list[int]] = {}
        for k in links:
            word, n = self._item(k)
            if n not in groups.setdefault(word, []):
                groups[word].append(n)
        return "; ".join(f"{word}{'s' if len(ns) > 1 else ''} {', '.join(map(str, ns))}"
                         for word, ns in groups.items()) or "?"

    def render(self, message: str) -> str:
        """The message with its ``at()`` places numbered."""
        if "\x1f" not in message:
            return message
        return AT_RE.sub(lambda m: self.label(int(k) for k in m.group(1).split(",") if k), message)

    def number_places(self, value):
        """``extra`` with every place (a dict with a "link") given its "row"."""
        if isinstance(value, dict):
            out = {k: self.number_places(v) if isinstance(v, (dict, list)) else v for k, v in value.items()}
            if isinstance(value.get("link"), int):
                out["row"] = self.row(value["link"])
            return out
        if isinstance(value, list):
            return [self.number_places(v) if isinstance(v, (dict, list)) else v for v in value]
        return value


# The checks that look at one link at a time (the rest compare links across the document): what a save can
# re-check at once, alone on its own link.
PER_LINK_CHECKS = tuple(cid for cid, cls in CHECKS.items() if cls.check_document is Check.check_document)


def check_document(
    zh_paras: Sequence[str],
    en_paras: Sequence[str],
    links: Iterable,
    glossary: Iterable[TermEntry] | CompiledGlossary = (),
    dismissed: frozenset[str] | set[str] = frozenset(),
    checks: Iterable[str] | None = None,
    pair_cache: dict | None = None,
    rows: Sequence[int] | None = None,
) -> list[Finding]:
    """Every finding of the selected checks (all by default) on an aligned document, minus dismissed keys.

    ``pair_cache`` (a dict the caller keeps for one glossary) memoises the checks that look at one link
    at a time, keyed by check and link text, so re-checking a document after a few edits is cheap.
    ``rows``: the review row of each link (1-based); messages and findings number places by it. Without
    rows (two plain files), places are 1-based paragraph numbers.
    """
    links = [_as_link(link) for link in links]
    _check_indices(links, len(zh_paras), len(en_paras))
    numbering = numbering_of(links, rows)
    compiled = compile_glossary(glossary)
    selected = list(CHECKS) if checks is None else list(checks)
    unknown = [c for c in selected if c not in CHECKS]
    if unknown:
        raise InputError(f"unknown check(s): {', '.join(unknown)}; known: {', '.join(CHECKS)}")
    coded = any(has_codes(p) for p in zh_paras) or any(has_codes(p) for p in en_paras)
    plain_zh, plain_en, zh_where, en_where = zh_paras, en_paras, None, None
    if coded:  # inline codes: checks see the plain text, spans are mapped back to the coded paragraphs
        (plain_zh, zh_where), (plain_en, en_where) = _plain(zh_paras), _plain(en_paras)
    docs = {}

    def doc_for(sees_codes: bool) -> DocumentContext:
        if sees_codes not in docs:
            zh, en = (zh_paras, en_paras) if sees_codes else (plain_zh, plain_en)
            pairs = [PairContext(src, tgt, PARA_SEP.join(zh[i] for i in src), PARA_SEP.join(en[j] for j in tgt),
                                 compiled, memo=pair_cache, index=k) for k, (src, tgt) in enumerate(links)]
            docs[sees_codes] = DocumentContext(pairs, compiled)
        return docs[sees_codes]

    findings: list[Finding] = []
    instances = [CHECKS[check_id]() for check_id in selected]
    instances = [c for c in instances if not (c.needs_glossary and not len(compiled))]
    per_link = [c for c in instances if c.check_id in PER_LINK_CHECKS]
    if pair_cache is not None and per_link:
        findings.extend(f for f in _per_link_findings(per_link, links, zh_paras, en_paras, coded, doc_for,
                                                      (plain_zh, plain_en, zh_where, en_where), pair_cache,
                                                      numbering)
                        if f.key not in dismissed)
        instances = [c for c in instances if c not in per_link]
    for check in instances:
        sees_codes = check.sees_codes or not coded
        for pair, issue in _run(check, doc_for(sees_codes), pair_cache):
            if sees_codes:
                finding = place(pair, issue, zh_paras, en_paras, numbering)
            else:
                finding = _remap(place(pair, issue, plain_zh, plain_en, numbering), zh_where, en_where)
            if finding.key not in dismissed:
                findings.append(finding)
    findings.sort(key=_order)
    return findings


def _per_link_findings(checks: list[Check], links, zh_paras, en_paras, coded: bool, doc_for, plain, pair_cache,
                       numbering: Numbering):
    """The placed findings of the checks that look at one link at a time, memoised per link: the key is the
    link's paragraph indices, texts and row, so after an edit only the touched links are checked and placed again."""
    plain_zh, plain_en, zh_where, en_where = plain
    ids = tuple(c.check_id for c in checks)
    docs = {sees: doc_for(sees) for sees in {c.sees_codes or not coded for c in checks}}
    out: list[Finding] = []
    for n, (src, tgt) in enumerate(links):
        key = ("placed", ids, coded, src, tgt, numbering.row(n), tuple(zh_paras[i] for i in src),
               tuple(en_paras[j] for j in tgt))
        placed = pair_cache.get(key)
        if placed is None:
            placed = []
            for check in checks:
                sees_codes = check.sees_codes or not coded
                pair = docs[sees_codes].pairs[n]
                for issue in _pair_issues(check, pair, pair_cache):
                    if sees_codes:
                        placed.append(place(pair, issue, zh_paras, en_paras, numbering))
                    else:
                        placed.append(_remap(place(pair, issue, plain_zh, plain_en, numbering), zh_where, en_where))
            placed = pair_cache[key] = tuple(placed)
        out.extend(placed)
    return out


def numbering_of(links: Sequence, rows: Sequence[int] | None = None) -> Numbering:
    """The numbering of a document's links: ``rows`` when given (one per link), else paragraph numbers."""
    links = [_as_link(link) for link in links]
    if rows is not None and len(rows) != len(links):
        raise InputError(f"{len(rows)} row numbers for {len(links)} links")
    return Numbering(links, tuple(rows) if rows is not None else None)


def _plain(paras: Sequence[str]):
    texts, maps = [], []
    for p in paras:
        text, where = plain_offsets(p)
        texts.append(text)
        maps.append(where)
    return texts, maps


def _remap(finding: Finding, zh_where, en_where) -> Finding:
    """A finding placed on plain paragraphs, its spans moved onto the coded paragraphs (texts stay plain)."""
    def move(span, where):
        if span is None:
            return None
        start, end = where[span[0]], where[span[1]]
        if end > start and span[1] > span[0]:  # end right after the last character, before any code
            end = where[span[1] - 1] + 1
        return start, end

    issue = finding.issue
    zspan = move(issue.zh_span, zh_where[finding.zh_index]) if finding.zh_index is not None else issue.zh_span
    espan = move(issue.en_span, en_where[finding.en_index]) if finding.en_index is not None else issue.en_span
    return replace(finding, issue=replace(issue, zh_span=zspan, en_span=espan))


def _run(check: Check, doc: DocumentContext, pair_cache: dict | None):
    """A check's issues; per-link checks go through the cache when one is given."""
    if pair_cache is None or type(check).check_document is not Check.check_document:
        yield from check.check_document(doc)
        return
    for pair in doc.pairs:
        for issue in _pair_issues(check, pair, pair_cache):
            yield pair, issue


def _pair_issues(check: Check, pair: PairContext, pair_cache: dict) -> tuple[Issue, ...]:
    if check.needs_both and not pair.complete:
        return ()
    key = (check.check_id, pair.zh, pair.en)
    issues = pair_cache.get(key)
    if issues is None:
        issues = pair_cache[key] = tuple(check.check_pair(pair))
    return issues


def _order(f: Finding):
    zi = f.zh_index if f.zh_index is not None else -1
    ei = f.en_index if f.en_index is not None else -1
    return (min(f.link[0] or f.link[1] or (0,)), zi, ei, (f.en_span or (0, 0))[0], (f.zh_span or (0, 0))[0],
            f.check)


def _locate(indices: tuple[int, ...], paras: Sequence[str], span):
    """Paragraph index and local span of a span over the joined paragraphs."""
    if not indices:
        return None, None
    starts, pos = [], 0
    for i in indices:
        starts.append(pos)
        pos += len(paras[i]) + len(PARA_SEP)
    if span is None:
        return indices[0], None
    k = max(bisect_right(starts, span[0]) - 1, 0)
    local_start = span[0] - starts[k]
    local_end = min(span[1] - starts[k], len(paras[indices[k]]))
    return indices[k], (local_start, max(local_end, local_start))


def place(pair: PairContext, issue: Issue, zh_paras: Sequence[str], en_paras: Sequence[str],
          numbering: Numbering) -> Finding:
    """Turn an issue with link-level spans into a finding with paragraph indices and local spans, its places
    numbered by ``numbering``."""
    zi, zspan = _locate(pair.zh_indices, zh_paras, issue.zh_span)
    ei, espan = _locate(pair.en_indices, en_paras, issue.en_span)
    zh_text = zh_paras[zi][zspan[0]:zspan[1]] if zspan else ""
    en_text = en_paras[ei][espan[0]:espan[1]] if espan else ""
    key_text = issue.extra.get("key_text")
    if key_text is not None:
        key = finding_key(issue.check, key_text, "")
    else:
        key = finding_key(issue.check, zh_text, en_text, pair.zh, pair.en)
    extra = numbering.number_places(issue.extra) if issue.extra else issue.extra
    return Finding(replace(issue, message=numbering.render(issue.message), zh_span=zspan, en_span=espan, extra=extra),
                   (pair.zh_indices, pair.en_indices), zi, ei, zh_text, en_text, key, numbering.row(pair.index))


def check_texts(zh_text: str, en_text: str, glossary_entries: Iterable[TermEntry] | CompiledGlossary = (),
                dismissed: frozenset[str] | set[str] = frozenset()) -> list[Finding]:
    """Split both texts into paragraphs, align them by length, and check the result."""
    zh_paras, en_paras = split_paragraphs(zh_text), split_paragraphs(en_text)
    if not zh_paras:
        raise InputError("the Chinese text is empty")
    if not en_paras:
        raise InputError("the English text is empty")
    links = align_lengths(zh_paras, en_paras)
    return check_document(zh_paras, en_paras, links, glossary_entries, dismissed)


def reaches(findings: Iterable[Finding], severity: str | Severity) -> bool:
    """True if any finding is at least as severe as ``severity``."""
    threshold = SEVERITY_RANK[Severity(severity)]
    return any(SEVERITY_RANK[f.severity] >= threshold for f in findings)


def findings_to_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=1)


CSV_COLUMNS = ("check", "severity", "zh_index", "en_index", "zh_text", "en_text", "message", "suggestion",
               "zh_span", "en_span", "key")


def findings_to_csv(findings: Iterable[Finding]) -> str:
    rows = ([("" if v is None else (":".join(map(str, v)) if isinstance(v, list) else v)) for v in
             (d[c] for c in CSV_COLUMNS)] for d in (f.as_dict() for f in findings))
    return csv_text(CSV_COLUMNS, rows, lineterminator="\n")


def _paragraph(index: int | None) -> str:
    return "-" if index is None else str(index + 1)


def findings_to_text(findings: Sequence[Finding]) -> str:
    """One line per finding, placed by its review row, or without one by 1-based paragraph numbers."""
    lines = []
    for f in findings:
        where = f"row {f.row}" if f.row is not None else f"zh¶{_paragraph(f.zh_index)} en¶{_paragraph(f.en_index)}"
        lines.append(f"{where} {f.severity.upper():8} {f.check}: {f.message}")
        if f.suggestion and f.check not in ("consistency.source",):
            lines.append(f"    suggestion: {f.suggestion}")
    counts: dict[str, int] = {}
    for f in findings:
        counts[str(f.severity)] = counts.get(str(f.severity), 0) + 1
    summary = ", ".join(f"{counts[s]} {s}" for s in Severity.ordered() if s in counts)
    lines.append(f"{len(findings)} finding(s)" + (f": {summary}" if summary else ""))
    if any(f.row is None for f in findings):
        lines.append("(zh¶/en¶: paragraph numbers of the Chinese and English texts, counted from 1)")
    return "\n".join(lines) + "\n"
