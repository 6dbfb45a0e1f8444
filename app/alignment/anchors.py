"""Lexical anchors: signs on each side that should agree inside a link.

* quotation structure: whether a segment carries direct speech (“…” in Chinese,
  quotation marks that are not apostrophes in English), and whether it ends a quotation;
* numbers: Arabic numerals on both sides, Chinese numerals converted;
* names: the pinyin of Chinese characters matched against capitalised English words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_ZH_QUOTES = set("“”「」『』")
_EN_QUOTE = re.compile(r"[\"“”]|(?:^|(?<=[\s(—–-]))['‘](?=\S)|(?<=[.!?,;:—–-])['’](?=\s|$)")


def zh_speech(text: str) -> bool:
    """True when a Chinese segment holds a quotation mark."""
    return any(ch in _ZH_QUOTES for ch in text)


def en_speech(text: str) -> bool:
    """True when an English segment holds a quotation mark (apostrophes inside words do not count)."""
    return bool(_EN_QUOTE.search(text))


_ZH_OPEN, _ZH_CLOSE = set("“「『"), set("”」』")
_EN_OPEN = re.compile(r"[“]|(?:^|(?<=[\s(—–-]))[\"'‘](?=\S)")
_EN_CLOSE = re.compile(r"[”]|(?<=\S)[\"](?=[\s,.;:!?—–-]|$)|(?<=[.!?,;:—–-])['’](?=\s|$)")


def speech_shares(texts: Sequence[str], lang: str) -> np.ndarray:
    """Share of each segment's characters inside quotation marks, quotes carried across segments."""
    out = np.zeros(len(texts))
    inside = False
    for k, text in enumerate(texts):
        marks: list[tuple[int, bool]] = []
        if lang == "zh":
            marks = [(i, ch in _ZH_OPEN) for i, ch in enumerate(text) if ch in _ZH_OPEN or ch in _ZH_CLOSE]
        else:
            marks = sorted([(m.start(), True) for m in _EN_OPEN.finditer(text)]
                           + [(m.start(), False) for m in _EN_CLOSE.finditer(text)])
        quoted, pos = 0, 0
        for at, opens in marks:
            if inside:
                quoted += at - pos
            inside, pos = opens, at
        if inside:
            quoted += len(text) - pos
        out[k] = quoted / max(1, len(text))
    return out


_ZH_CLOSE_END = re.compile(r"[”」』]\s*$")
_EN_CLOSE_END = re.compile(r"(?:[”\"]|(?<=[.!?,;:—–…-])['’])\s*$")


def closes_quote(texts: Sequence[str], lang: str) -> np.ndarray:
    """Whether each segment ends by closing a quotation (a turn of dialogue ends there), as booleans.

    Chinese: a closing ” 」 』 at the end. English: a closing double quote, or a single quote right
    after sentence punctuation (so a final apostrophe, as in "the boys'", does not count).
    """
    pattern = _ZH_CLOSE_END if lang == "zh" else _EN_CLOSE_END
    return np.array([bool(pattern.search(t)) for t in texts], dtype=bool)


def marks(texts: Sequence[str], lang: str = "", quotes: bool = False) -> np.ndarray:
    """Counts (n, 2) of question and exclamation marks per segment (full-width and ASCII).

    With ``quotes`` a third column counts opening quotation marks (``lang`` "zh" or "en").
    """
    rows = []
    for t in texts:
        row = [t.count("?") + t.count("？"), t.count("!") + t.count("！")]
        if quotes:
            row.append(sum(t.count(c) for c in _ZH_OPEN) if lang == "zh" else len(_EN_OPEN.findall(t)))
        rows.append(row)
    return np.array(rows, dtype=np.float64).reshape(len(texts), 3 if quotes else 2)


def span_fraction(flags: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Weighted share (n, k) of flagged segments in each span i..i+s."""
    n = len(flags)
    num = np.zeros(n + 1)
    den = np.zeros(n + 1)
    np.cumsum(flags * weights, out=num[1:])
    np.cumsum(weights, out=den[1:])
    out = np.zeros((n, k))
    idx = np.arange(n)
    for s in range(k):
        stop = np.minimum(idx + s + 1, n)
        out[:, s] = (num[stop] - num[idx]) / np.maximum(den[stop] - den[idx], 1e-9)
    return out


_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_ZH_NUM = re.compile(r"[零〇一二两三四五六七八九十百千万]{2,}|[十百千万]")
_ZH_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNIT = {"十": 10, "百": 100, "千": 1000}
_EN_NUM = {w: v for v, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_EN_NUM.update({"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                "ninety": 90, "hundred": 100, "thousand": 1000})
_WORD = re.compile(r"[A-Za-z]+")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
# a run of capitalised words, each possibly hyphenated: "Zhou Rui", "Bao-yu", "Chen Qingyang"
_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:-[a-z]+)?(?:\s+[A-Z][a-z]+(?:-[a-z]+)?)*")


def en_names(text: str) -> set[str]:
    """Candidate names of an English segment, lower-cased without spaces or hyphens.

    Each capitalised word, each hyphenated name joined ("Bao-yu" → "baoyu") and each run of
    capitalised words joined ("Zhou Rui" → "zhourui").
    """
    out: set[str] = set()
    for m in _NAME_RUN.finditer(text):
        parts = m.group().split()
        out.update(p.lower().replace("-", "") for p in parts)
        out.update(p.split("-")[0].lower() for p in parts)
        if len(parts) > 1:
            out.add("".join(parts).lower().replace("-", ""))
    return out


def zh_number(text: str) -> int | None:
    """Value of a Chinese numeral string (十八 → 18, 三百五十 → 350, 一九四九 → 1949)."""
    if all(ch in _ZH_VALUE for ch in text):
        return int("".join(str(_ZH_VALUE[ch]) for ch in text))
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _ZH_VALUE:
            digit = _ZH_VALUE[ch]
        elif ch in _ZH_UNIT:
            section += (digit or 1) * _ZH_UNIT[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        else:
            return None
    return total + section + digit


def numbers_zh(text: str) -> set[str]:
    """Numbers in a Chinese segment: Arabic digits and numerals of two or more characters."""
    out = {d.replace(",", "") for d in _DIGITS.findall(text)}
    for m in _ZH_NUM.finditer(text):
        value = zh_number(m.group())
        if value is not None and value >= 10:
            out.add(str(value))
    return out


def numbers_en(text: str) -> set[str]:
    """Numbers in an English segment: Arabic digits and number words of ten or more."""
    out = {d.replace(",", "") for d in _DIGITS.findall(text)}
    for w in _WORD.findall(text.lower()):
        if _EN_NUM.get(w, 0) >= 10:
            out.add(str(_EN_NUM[w]))
    return out


def name_vocabulary(en_texts: Sequence[str]) -> set[str]:
    """Lower-cased words that are always capitalised in the English text (likely names)."""
    caps: set[str] = set()
    lower: set[str] = set()
    for text in en_texts:
        caps.update(en_names(text))
        lower.update(w for w in _WORD.findall(text) if w.islower())
    return {w for w in caps - lower if len(w) >= 2}


# Surnames that are seldom ordinary words: matched on their own (one syllable is otherwise too weak).
SURNAMES = frozenset("王李刘陈杨赵周吴徐孙胡朱郭罗梁宋郑谢韩唐冯董萧曹袁邓许沈曾彭吕苏卢蒋蔡贾魏薛阎潘杜戴钟汪姜姚"
                     "谭廖邹熊陆郝孔崔邱秦顾侯邵孟段雷钱汤尹黎龚")


def zh_name_anchors(texts: Sequence[str], vocabulary: set[str], longest: int = 3) -> list[set[str]]:
    """For each Chinese segment, the vocabulary words spelt by the pinyin of 2..3 consecutive characters."""
    if not vocabulary:
        return [set() for _ in texts]
    from pypinyin import lazy_pinyin

    out = []
    for text in texts:
        syl = [s.lower() for s in lazy_pinyin(text)]
        first = []  # the character each syllable starts at (non-Chinese runs come back whole)
        at = 0
        for item in syl:
            first.append(text[at:at + 1])
            at += 1 if "\u4e00" <= text[at:at + 1] <= "\u9fff" else max(1, len(item))
        found = set()
        for a in range(len(syl)):
            word = syl[a]
            if first[a] in SURNAMES and word in vocabulary:
                found.add(word)
            for b in range(a + 1, min(len(syl), a + longest)):  # two syllables or more: single ones are noise
                word += syl[b]
                if word in vocabulary:
                    found.add(word)
        out.append(found)
    return out


def document_anchors(zh: Sequence[str], en: Sequence[str]) -> tuple[list[frozenset], list[frozenset]]:
    """Anchor sets per segment (numbers as "#n", names as "@pinyin"), keeping only anchors seen on both sides."""
    vocab = name_vocabulary(en)
    zsets = [{"#" + x for x in numbers_zh(t)} | {"@" + x for x in names}
             for t, names in zip(zh, zh_name_anchors(zh, vocab), strict=True)]
    esets = [{"#" + x for x in numbers_en(t)} | {"@" + w for w in en_names(t) if w in vocab} for t in en]
    both = set().union(*zsets) & set().union(*esets) if zsets and esets else set()
    return [frozenset(s & both) for s in zsets], [frozenset(s & both) for s in esets]


class AnchorIndex:
    """Shared and unmatched anchors of candidate beads, vectorised over English start positions."""

    def __init__(self, zsets: Sequence[frozenset], esets: Sequence[frozenset], kz: int, ke: int):
        self.zspans = span_sets(zsets, kz)
        espans = span_sets(esets, ke)
        self.ecount = np.array([[len(s) for s in row] for row in espans], dtype=np.float64).reshape(len(esets), ke)
        self.postings: dict[str, np.ndarray] = {}
        for j, s in enumerate(esets):
            for a in s:
                self.postings.setdefault(a, []).append(j)
        self.postings = {a: np.array(v) for a, v in self.postings.items()}

    def shared_and_missing(self, i: int, di: int, dj: int, js: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        zset = self.zspans[i][di - 1]
        shared = np.zeros(len(js))
        for a in zset:
            pos = self.postings.get(a)
            if pos is not None:
                shared += np.searchsorted(pos, js) < np.searchsorted(pos, js + dj)
        missing = len(zset) + self.ecount[js, dj - 1] - 2 * shared
        return shared, missing


def span_sets(sets: Sequence[frozenset], k: int) -> list[list[frozenset]]:
    """Union of the anchor sets of spans i..i+s, s < k."""
    n = len(sets)
    out = []
    for i in range(n):
        row, acc = [], frozenset()
        for s in range(k):
            if i + s < n:
                acc = acc | sets[i + s]
            row.append(acc)
        out.append(row)
    return out
