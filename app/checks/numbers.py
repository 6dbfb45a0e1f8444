"""Numbers: every number of the Chinese (Arabic or Chinese numerals, 万/亿, dates, ordinals,
percentages) must appear with the same value in the English."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.checks.base import Check, PairContext
from app.model import Issue, Severity

ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
ZH_BIG = {"万": 10_000, "亿": 100_000_000}
ZH_NUM_CHARS = "".join(ZH_DIGITS) + "".join(ZH_UNITS) + "".join(ZH_BIG)
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")

# What may follow a Chinese-numeral number for it to count as a quantity, date or ordinal.
ZH_COUNTERS = "年月日号届次周岁倍%％个名件人项条家位起亿万元"
ARABIC_RE = re.compile(r"(\d+(?:[.,]\d+)*)\s*(万亿|万|亿)?\s*([%％])?(?:周年|[年月日号届次岁倍])?")
PERCENT_RE = re.compile(r"百分之([" + ZH_NUM_CHARS + r"\d.]+)")
ZH_NUM_RE = re.compile(r"(第)?([" + ZH_NUM_CHARS + r"]+)(周年|[" + ZH_COUNTERS + r"])?")


def zh_numeral_value(text: str) -> float | None:
    """十四 -> 14, 二〇二四 -> 2024, 三千五百万 -> 35000000, 1.4亿 handled by the caller."""
    if not text:
        return None
    if all(ch in ZH_DIGITS for ch in text) and len(text) > 1:
        return float("".join(str(ZH_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in ZH_DIGITS:
            if digit is not None:
                return None  # 十四五: two digits without a unit is not one number
            digit = ZH_DIGITS[ch]
        elif ch in ZH_UNITS:
            section += (1 if digit is None else digit) * ZH_UNITS[ch]
            digit = None
        elif ch in ZH_BIG:
            section += digit or 0
            total = (total + section) * ZH_BIG[ch] if ch == "亿" else total + section * ZH_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return float(total + section + (digit or 0))


def zh_numbers(text: str) -> list[tuple[int, int, float, str]]:
    """(start, end, value, kind) for the numbers of a Chinese text worth checking."""
    text_n = text.translate(FULLWIDTH_DIGITS)
    out = []
    taken = []
    for m in PERCENT_RE.finditer(text_n):
        v = _num(m.group(1))
        if v is not None:
            out.append((m.start(), m.end(), v, "percent"))
            taken.append(m.span())
    for m in ARABIC_RE.finditer(text_n):
        if any(s <= m.start() < e for s, e in taken):
            continue
        raw = m.group(1).replace(",", "")
        try:
            v = float(raw)
        except ValueError:
            continue
        mag = m.group(2)
        if mag == "万":
            v *= 10_000
        elif mag == "亿":
            v *= 100_000_000
        elif mag == "万亿":
            v *= 1_000_000_000_000
        out.append((m.start(), m.end(), v, "percent" if m.group(3) else "number"))
    for m in ZH_NUM_RE.finditer(text_n):
        if any(s <= m.start() < e for s, e in taken):
            continue
        numeral = m.group(2)
        if numeral[0] in ZH_BIG:
            continue
        if not m.group(3) and not m.group(1) and not (len(numeral) >= 2 and any(c in "十百千万亿" for c in numeral)):
            continue  # a bare numeral (一, 两) is a word, not a quantity
        v = zh_numeral_value(numeral)
        if v is None or v < 2 and not m.group(1):
            continue  # 一 is mostly 'a'
        if m.group(3) == "个" and v < 2:
            continue
        out.append((m.start(), m.end(), v, "ordinal" if m.group(1) else "number"))
    return sorted(out)


def _num(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return zh_numeral_value(text)


EN_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
EN_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                 "ninety": 90, "hundred": 100, "thousand": 1000, "twice": 2, "double": 2, "dozen": 12,
                 "both": 2, "once": 1, "single": 1, "triple": 3, "pair": 2, "couple": 2})
EN_ORDINALS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
MONTHS = {m: i + 1 for i, m in enumerate(
    "January February March April May June July August September October November December".split())}
MONTHS.update({m[:3]: v for m, v in list(MONTHS.items())})
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
EN_NUM_RE = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion)\b)?", re.I)
EN_WORD_RE = re.compile(r"[A-Za-z]+")


def en_numbers(text: str) -> set[float]:
    """Every value the English mentions: digits, scales, number and ordinal words, month names."""
    values: set[float] = set()
    for m in EN_NUM_RE.finditer(text):
        raw = m.group(1).rstrip(",")
        if "," in raw and not re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw):
            values.update(float(part) for part in raw.split(",") if part)
            continue
        v = float(raw.replace(",", ""))
        if m.group(2):
            v *= SCALES[m.group(2).lower()]
        values.add(round(v, 6))
    words = EN_WORD_RE.findall(text)
    prev = None
    for w in words:
        low = w.lower()
        scale = {"hundred": 100, "thousand": 1000, **SCALES}.get(low)
        if scale and prev is not None:
            prev = prev * scale  # three thousand, 1.4 billion is handled with the digits
            values.add(prev)
            continue
        if low in EN_WORDS:
            v = EN_WORDS[low]
            values.add(v)
            if prev is not None and prev >= 20 and prev % 10 == 0 and v < 10:
                v = prev + v
                values.add(v)
            prev = v
            continue
        prev = None
        if low in EN_ORDINALS:
            values.add(EN_ORDINALS[low])
        elif w in MONTHS:
            values.add(MONTHS[w])
    for m in re.finditer(r"(\d+)(?:st|nd|rd|th)\b", text):
        values.add(float(m.group(1)))
    return values


class NumbersCheck(Check):
    check_id = "numbers"
    name = "Numbers"
    description = ("Numbers, 万/亿 magnitudes (14亿 = 1.4 billion), dates (2024年3月12日 = March 12, 2024), "
                   "ordinals (十四届 = 14th) and percentages of the Chinese must appear in the English.")
    severity = Severity.MAJOR

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        nums = zh_numbers(pair.zh)
        if not nums:
            return
        en_values = en_numbers(pair.en)
        seen = set()
        for start, end, value, kind in nums:
            if value in seen:
                continue
            seen.add(value)
            if _present(value, en_values):
                continue
            shown = _fmt(value)
            yield self.issue(f"{pair.zh[start:end]} ({shown}{'%' if kind == 'percent' else ''}) "
                             f"is not in the English", zh_span=(start, end), value=value)


def _present(value: float, values: set[float]) -> bool:
    if value in values:
        return True
    return any(abs(v - value) <= 1e-9 * max(abs(value), 1) for v in values)


def _fmt(value: float) -> str:
    if value >= 1e9 and value % 1e8 == 0:
        return f"{value / 1e9:g} billion"
    if value >= 1e6 and value % 1e5 == 0:
        return f"{value / 1e6:g} million"
    return f"{value:,.10g}"
