"""Glossary checks: missing, forbidden and mis-written renderings, drift, numbered formulations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.checks.base import Check, DocumentContext, PairContext, at
from app.model import Issue, Severity
from app.terminology.matching import (
    NUMERALS,
    ROLE_FORBIDDEN,
    EnMatch,
    Tokens,
    ZhMatch,
    is_numbered_formulation,
    normalise_phrase,
)

COUNT_WORDS = {"一": "one", "二": "two", "两": "two", "三": "three", "四": "four", "五": "five", "六": "six",
               "七": "seven", "八": "eight", "九": "nine", "十": "ten"}


@dataclass
class EntryReport:
    """What one glossary entry looks like on one link."""

    entry: int
    zh: list[ZhMatch]
    accepted: list[EnMatch] = field(default_factory=list)
    misformed: list[EnMatch] = field(default_factory=list)
    forbidden: list[EnMatch] = field(default_factory=list)


def term_report(pair: PairContext) -> dict[int, EntryReport]:
    """Entries found in the Chinese of a link with their English matches (cached on the pair and, by the
    link's texts, in the pair's memo; callers only read it)."""
    cached = pair.__dict__.get("_term_report")
    if cached is None:
        cached = pair.__dict__["_term_report"] = pair._memo("term_report", (pair.zh, pair.en),
                                                            lambda: _term_report(pair))
    return cached


def _term_report(pair: PairContext) -> dict[int, EntryReport]:
    report: dict[int, EntryReport] = {}
    for entry, zh_matches in pair.zh_terms_by_entry.items():
        rep = EntryReport(entry, zh_matches)
        for m in pair.en_terms_by_entry.get(entry, ()):
            if m.role == ROLE_FORBIDDEN:
                rep.forbidden.append(m)
            elif m.problem:
                rep.misformed.append(m)
            else:
                rep.accepted.append(m)
        report[entry] = rep
    return report


def _entry_info(e) -> dict:
    """What the review page shows on hover: the glossary entry behind a finding."""
    return {"term": e.zh[0], "approved": e.en, "variants": list(e.variants), "note": e.note,
            "authority": e.authority}


def _is_term(glossary, entry: int) -> bool:
    return glossary.entries[entry].kind != "name"


class TermMissingCheck(Check):
    check_id = "term.missing"
    name = "Glossary term not rendered"
    description = "A glossary term occurs in the Chinese but none of its accepted renderings is in the English."
    severity = Severity.MAJOR
    needs_glossary = True

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        g = pair.glossary
        for entry, rep in term_report(pair).items():
            e = g.entries[entry]
            if e.kind == "name" or rep.accepted or rep.misformed or rep.forbidden:
                continue
            if any(is_numbered_formulation(z.text) for z in rep.zh):
                continue  # formulation.numbered reports these
            first = rep.zh[0]
            near = near_match(pair.en_tokens, [e.en, *e.variants])
            if near is not None:
                continue  # TermFormCheck reports renderings with extra words
            times = f" ({len(rep.zh)} times)" if len(rep.zh) > 1 else ""
            yield self.issue(f"{first.text}{times} should be rendered '{e.en}'; no accepted rendering found",
                             zh_span=(first.start, first.end), suggestion=e.en, **_entry_info(e))


class TermForbiddenCheck(Check):
    check_id = "term.forbidden"
    name = "Forbidden rendering"
    description = "The English uses a rendering the glossary forbids."
    severity = Severity.MAJOR
    needs_glossary = True

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        g = pair.glossary
        present = pair.zh_terms_by_entry
        by_span: dict[tuple[int, int], list[EnMatch]] = {}
        for m in pair.en_terms:
            if m.role == ROLE_FORBIDDEN and _is_term(g, m.entry):
                by_span.setdefault(m.span, []).append(m)
        for span, matches in sorted(by_span.items()):
            matches.sort(key=lambda m: (m.entry not in present, -_overlap(m.text, g.entries[m.entry].en)))
            m = matches[0]
            e = g.entries[m.entry]
            zh = present.get(m.entry)
            if zh:
                msg = f"'{m.text}' is a forbidden rendering of {zh[0].text}; use '{e.en}'"
                yield self.issue(msg, zh_span=(zh[0].start, zh[0].end), en_span=span, suggestion=e.en,
                                 **_entry_info(e))
            else:
                msg = (f"'{m.text}' is a forbidden rendering of {e.zh[0]} (not in the linked Chinese); "
                       f"use '{e.en}'")
                yield self.issue(msg, en_span=span, suggestion=e.en, severity=Severity.MINOR, **_entry_info(e))


class TermFormCheck(Check):
    check_id = "term.form"
    name = "Term written differently"
    description = ("A glossary rendering is present but breaks the entry's case rule: capitalisation, "
                   "hyphenation or spacing ('Five Year Plan' for 'Five-Year Plan').")
    severity = Severity.MINOR
    needs_glossary = True

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        g = pair.glossary
        seen = set()
        for entry, rep in term_report(pair).items():
            if not _is_term(g, entry) or rep.accepted:
                continue
            for m in rep.misformed:
                if m.span in seen:
                    continue
                seen.add(m.span)
                z = rep.zh[0]
                yield self.issue(f"'{m.text}' should be written '{_core(m.rendering)}' ({m.problem})",
                                 zh_span=(z.start, z.end), en_span=m.span,
                                 suggestion=_core(m.rendering), rule=g.entries[entry].case,
                                 **_entry_info(g.entries[entry]))
            e = g.entries[entry]
            if rep.misformed or rep.forbidden:
                continue
            near = near_match(pair.en_tokens, [e.en, *e.variants])
            if near is not None:
                start, end, rendering = near
                z = rep.zh[0]
                yield self.issue(f"'{pair.en[start:end]}' has extra words; the glossary has '{_core(rendering)}'",
                                 zh_span=(z.start, z.end), en_span=(start, end), suggestion=_core(rendering),
                                 rule="words", **_entry_info(e))


def _overlap(a: str, b: str) -> int:
    ta = set(normalise_phrase(a)[0].split())
    return len(ta & set(normalise_phrase(b)[0].split()))


def near_match(tokens: Tokens, renderings: list[str], max_extra: int = 2) -> tuple[int, int, str] | None:
    """(start, end, rendering) where a rendering's words occur in order with a few extra words between."""
    words = tokens.norm.split()
    for rendering in renderings:
        want = normalise_phrase(rendering)[0].split()
        if len(want) < 3:
            continue
        for i, w in enumerate(words):
            if w != want[0]:
                continue
            k, j = 1, i + 1
            limit = i + len(want) + max_extra
            while k < len(want) and j < min(limit, len(words)):
                if words[j] == want[k]:
                    k += 1
                j += 1
            if k == len(want):
                return tokens.spans[i][0], tokens.spans[j - 1][1], rendering
    return None


def _core(rendering: str) -> str:
    parts = rendering.split(None, 1)
    if len(parts) == 2 and parts[0].lower() in {"the", "a", "an"}:
        return parts[1]
    return rendering


class TermDriftCheck(Check):
    check_id = "term.drift"
    name = "Term drift"
    description = ("One Chinese term rendered several ways across the document; lists every rendering "
                   "with its count and places.")
    severity = Severity.MAJOR
    needs_glossary = True

    def check_document(self, doc: DocumentContext) -> Iterable[tuple[PairContext, Issue]]:
        g = doc.glossary
        # entry -> rendering key -> {"text", "role", "count", "places": [(link, zh index, en index, en span)]}
        usage: dict[int, dict[str, dict]] = {}
        first_pair: dict[int, tuple[PairContext, ZhMatch]] = {}
        for pair in doc.pairs:
            if not pair.complete:
                continue
            zi = pair.zh_indices[0] if pair.zh_indices else None
            ei = pair.en_indices[0] if pair.en_indices else None
            for entry, z, slots in pair._memo("drift", (pair.zh, pair.en), lambda pair=pair: _drift_uses(g, pair)):
                first_pair.setdefault(entry, (pair, z))
                renderings = usage.setdefault(entry, {})
                for key, text, role, span in slots:
                    slot = renderings.get(key)
                    if slot is None:
                        slot = renderings[key] = {"text": text, "role": role, "count": 0, "places": []}
                    slot["count"] += 1
                    slot["places"].append((pair.index, zi, ei, span))
        for entry, renderings in usage.items():
            if len(renderings) < 2:
                continue
            e = g.entries[entry]
            roles = {r["role"] for r in renderings.values()}
            known = [r for r in renderings.values() if r["role"] != "none"]
            if not roles - {"approved", "variant"}:
                if "one rendering per document" not in e.note:
                    continue
                severity = Severity.MINOR
            elif len(known) < 2:
                continue  # one rendering plus links where none was found: term.missing covers those
            else:
                severity = Severity.MAJOR
            ordered = sorted(({**r, "places": [{"link": k, "zh_index": zi, "en_index": ei, "en_span": None
                                                 if span is None else list(span)} for k, zi, ei, span in r["places"]]}
                              for r in renderings.values()), key=lambda r: -r["count"])
            summary = "; ".join(f"'{r['text']}' ×{r['count']} ({at(*(p['link'] for p in r['places']))})"
                                for r in ordered)
            pair, z = first_pair[entry]
            yield pair, self.issue(
                f"{e.zh[0]} is rendered {len(renderings)} ways: {summary}; approved: '{e.en}'",
                zh_span=(z.start, z.end), suggestion=e.en, severity=severity, renderings=ordered,
                term=e.zh[0], key_text=e.zh[0] + "|" + "|".join(sorted(renderings)),
            )


def _drift_uses(g, pair: PairContext) -> tuple:
    """What one link adds to the drift of each glossary term in its Chinese: (entry, first Chinese match,
    ((rendering key, text, role, English span or None), ...)); depends on the link's texts only."""
    out = []
    for entry, rep in term_report(pair).items():
        if not _is_term(g, entry):
            continue
        matches = rep.accepted + rep.misformed + rep.forbidden
        if not matches:
            out.append((entry, rep.zh[0], (("", "(no known rendering)", "none", None),)))
            continue
        out.append((entry, rep.zh[0], tuple(
            (normalise_phrase(m.text)[0] + ("" if m.problem is None else "|" + m.text),
             m.text, "misformed" if m.problem else m.role, tuple(m.span)) for m in matches)))
    return tuple(out)


NUMBERED_CANDIDATE_RE = re.compile(
    rf"(?<![{NUMERALS}每第这那哪])([二两三四五六七八九十])个([\u4e00-\u9fff]{{2}})"
    rf"|“([二两三四五六七八九十][^{NUMERALS}个”“，。、]{{1,3}})”"
)
EN_COUNT_RE = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+)\b", re.I)


class NumberedFormulationCheck(Check):
    check_id = "formulation.numbered"
    name = "Numbered formulation"
    description = ("Numbered official formulations (两个维护, 三个规定, numeral + 个 + noun) must use the "
                   "glossary rendering with the right count; unregistered ones are listed as candidates.")
    severity = Severity.MAJOR

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        g = pair.glossary
        covered = []
        for entry, rep in term_report(pair).items():
            numbered = [z for z in rep.zh if is_numbered_formulation(z.text)]
            if not numbered:
                continue
            covered.extend((z.start, z.end) for z in rep.zh)
            if rep.accepted or rep.forbidden or rep.misformed:
                continue  # fine, or reported by term.forbidden / term.form
            e = g.entries[entry]
            z = numbered[0]
            word = COUNT_WORDS.get(z.text[0], "")
            counts = {m.group(1).lower() for m in EN_COUNT_RE.finditer(pair.en)}
            hint = "" if not word or word in counts else f"; the count '{word}' does not appear either"
            yield self.issue(f"numbered formulation {z.text} should be rendered '{e.en}'{hint}",
                             zh_span=(z.start, z.end), suggestion=e.en)
        for m in NUMBERED_CANDIDATE_RE.finditer(pair.zh):
            start, end = m.span(1) if m.group(1) else m.span(3)
            if m.group(1):
                end = m.end(2)
            if any(s <= start < e for s, e in covered):
                continue
            text = pair.zh[start:end]
            word = COUNT_WORDS.get(text[0], "")
            counts = {c.group(1).lower() for c in EN_COUNT_RE.finditer(pair.en)}
            found = "" if word in counts else f"; the count '{word}' does not appear in the English"
            yield self.issue(f"numbered formulation {text} is not in the glossary (candidate){found}",
                             zh_span=(start, end), severity=Severity.INFO, candidate=text)
