"""Checks on the characters of the English: leftovers, punctuation, repeats, spacing, length, empties."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from app.checks.base import Check, DocumentContext, PairContext, at
from app.model import Issue, Severity

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
FULLWIDTH_RE = re.compile(r"[。【】、《》「」『』〈〉\u3000\uff01-\uff5e]+")
PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”", "‘": "’"}
CLOSERS = {v: k for k, v in PAIRS.items()}
BRACKET_RE = re.compile(r"[()\[\]{}“”‘’]")


class UntranslatedCheck(Check):
    check_id = "untranslated"
    name = "Untranslated Chinese"
    description = "Chinese characters left in the English."
    severity = Severity.MAJOR

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        for m in CJK_RE.finditer(pair.en):
            yield self.issue(f"Chinese text '{m.group()}' left in the English", en_span=m.span())


class PunctuationCheck(Check):
    check_id = "punctuation"
    name = "Punctuation"
    description = ("Full-width marks or Chinese brackets (《》【】「」) in the English, and unbalanced "
                   "quotes or brackets.")
    severity = Severity.MINOR

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        en = pair.en
        for m in FULLWIDTH_RE.finditer(en):
            mark = m.group()
            hint = " (use quotes or italics for a title)" if mark[0] in "《》" else ""
            yield self.issue(f"full-width mark '{mark}' in the English{hint}", en_span=m.span(),
                             suggestion=_halfwidth(mark))
        for para_start, para in _paragraphs(en):
            yield from self._balance(para, para_start)

    def _balance(self, text: str, offset: int) -> Iterable[Issue]:
        stack: list[tuple[str, int]] = []
        for m in BRACKET_RE.finditer(text):
            i, ch = m.start(), m.group()
            if ch in PAIRS:
                stack.append((ch, i))
            elif ch in CLOSERS:
                if stack and stack[-1][0] == CLOSERS[ch]:
                    stack.pop()
                elif ch == "’":
                    continue  # an apostrophe
                else:
                    yield self.issue(f"closing '{ch}' without its opening mark",
                                     en_span=(offset + i, offset + i + 1))
        for ch, i in stack:
            if ch == "‘":
                continue
            yield self.issue(f"'{ch}' is never closed", en_span=(offset + i, offset + i + 1),
                             suggestion=PAIRS[ch])
        quotes = [i for i, ch in enumerate(text) if ch == '"']
        if len(quotes) % 2:
            i = quotes[-1]
            yield self.issue('unbalanced straight double quotes (odd number of ")',
                             en_span=(offset + i, offset + i + 1))


def _halfwidth(mark: str) -> str:
    table = {"，": ",", "。": ".", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")", "【": "[",
             "】": "]", "、": ",", "《": "", "》": "", "「": "\"", "」": "\"", "『": "'", "』": "'", "～": "~"}
    out = []
    for ch in mark:
        if ch in table:
            out.append(table[ch])
        elif "\uff01" <= ch <= "\uff5e":
            out.append(chr(ord(ch) - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def _paragraphs(text: str) -> Iterable[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


REPEAT_RE = re.compile(r"\b([A-Za-z]{2,})\b(?:(?:\s*[,;]\s*|\s+)(?:(?:and|or)\s+)?\1\b)+", re.I)
REPEAT_OK = frozenset({"again", "more", "over", "on", "round", "through", "less", "by", "had", "that", "very",
                       "bye", "knock", "no", "so", "far", "out", "up", "down", "ha", "hey"})


class RepeatedWordCheck(Check):
    check_id = "repeated-word"
    name = "Repeated word"
    description = "A word repeated next to itself or in a list ('feel, feel, and feel', 'the the')."
    severity = Severity.MAJOR

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        for m in REPEAT_RE.finditer(pair.en):
            word = m.group(1)
            low = word.lower()
            if low in REPEAT_OK or (low.endswith("er") and len(low) > 4):
                continue
            yield self.issue(f"'{word}' is repeated: '{m.group()}'", en_span=m.span(), word=low)


DOUBLE_SPACE_RE = re.compile(r"(?<=\S)[ \t\u3000]{2,}(?=\S)")


class DoubleSpaceCheck(Check):
    check_id = "double-space"
    name = "Double space"
    description = "Two or more spaces between words of the English."
    severity = Severity.MINOR
    needs_both = False

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        for m in DOUBLE_SPACE_RE.finditer(pair.en):
            yield self.issue("several spaces in a row", en_span=m.span(), suggestion=" ")


def _len(text: str) -> int:
    return len("".join(text.split()))


class LengthCheck(Check):
    check_id = "length"
    name = "Length outlier"
    description = ("The English of a link is much shorter or longer than the document's own "
                   "English-to-Chinese length ratio predicts: a likely omission or addition.")
    severity = Severity.MINOR
    factor = 2.2  # allowed deviation from the document's ratio, either way
    min_zh = 20  # shorter links are too noisy to judge

    def check_document(self, doc: DocumentContext) -> Iterable[tuple[PairContext, Issue]]:
        sized = [(p, p._memo("len", p.zh, lambda p=p: _len(p.zh)), p._memo("len", p.en, lambda p=p: _len(p.en)))
                 for p in doc.pairs if p.complete]
        total_zh = sum(z for _, z, _ in sized)
        total_en = sum(e for _, _, e in sized)
        if not total_zh or not total_en:
            return
        ratio = total_en / total_zh
        for pair, z, e in sized:
            if z < self.min_zh:
                continue
            r = e / z
            if abs(math.log(r / ratio)) > math.log(self.factor):
                kind = "short" if r < ratio else "long"
                severity = Severity.MAJOR if kind == "short" else Severity.MINOR
                yield pair, self.issue(
                    f"English is {kind}: {e} characters for {z} Chinese (ratio {r:.2f}, document {ratio:.2f})",
                    zh_span=(0, len(pair.zh)), en_span=(0, len(pair.en)), severity=severity,
                    ratio=round(r, 3), document_ratio=round(ratio, 3),
                )


class EmptyCheck(Check):
    check_id = "empty"
    name = "Empty side"
    description = "A link whose Chinese or English is missing or blank (an omission or an addition)."
    severity = Severity.CRITICAL
    needs_both = False

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        zh, en = pair.zh.strip(), pair.en.strip()
        if zh and not en:
            yield self.issue("the Chinese has no English: omitted", zh_span=(0, len(pair.zh)))
        elif en and not zh:
            yield self.issue("the English has no Chinese source: an addition", en_span=(0, len(pair.en)),
                             severity=Severity.MAJOR)


def _norm_segment(text: str) -> str:
    return " ".join(text.split())


class ConsistencySourceCheck(Check):
    check_id = "consistency.source"
    name = "Same source, different translation"
    description = "The same Chinese paragraph is translated differently in two places."
    severity = Severity.MINOR

    def check_document(self, doc: DocumentContext) -> Iterable[tuple[PairContext, Issue]]:
        yield from _consistency(self, doc, "zh", "en")


class ConsistencyTargetCheck(Check):
    check_id = "consistency.target"
    name = "Same translation, different source"
    description = "The same English paragraph translates two different Chinese paragraphs."
    severity = Severity.MINOR

    def check_document(self, doc: DocumentContext) -> Iterable[tuple[PairContext, Issue]]:
        yield from _consistency(self, doc, "en", "zh")


def _consistency(check: Check, doc: DocumentContext, same: str, other: str):
    def norm(pair: PairContext, side: str) -> str:
        text = getattr(pair, side)
        return pair._memo("norm", text, lambda: _norm_segment(text))

    groups: dict[str, list[PairContext]] = {}
    for pair in doc.pairs:
        if pair.complete:
            groups.setdefault(norm(pair, same), []).append(pair)
    for _text, pairs in groups.items():
        first = pairs[0]
        for pair in pairs[1:]:
            if norm(pair, other) == norm(first, other):
                continue
            side = "English" if same == "zh" else "Chinese"
            yield pair, check.issue(
                f"same {'Chinese' if same == 'zh' else 'English'} as {at(first.index)} but a different {side}",
                zh_span=(0, len(pair.zh)), en_span=(0, len(pair.en)),
                suggestion=getattr(first, other) if same == "zh" else None,
                other=[list(first.zh_indices), list(first.en_indices)],
            )
