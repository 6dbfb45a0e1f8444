"""Term matching with character spans: Chinese by longest match, English variant-aware.

Build a :class:`CompiledGlossary` once per glossary; it holds one Aho-Corasick
automaton for the Chinese forms (simplified and traditional) and one over
normalised English token strings (case, hyphen/space/apostrophe folding,
plurals and inflections, leading articles dropped, whole tokens only).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from app.model import TermEntry

ROLE_APPROVED = "approved"
ROLE_VARIANT = "variant"
ROLE_FORBIDDEN = "forbidden"

TOKEN_RE = re.compile(r"[0-9A-Za-z\u00C0-\u024F]+(?:['’][0-9A-Za-z\u00C0-\u024F]+)*(?:(?<=s)['’](?![0-9A-Za-z]))?")
ARTICLES = frozenset({"the", "a", "an"})
NUMERALS = "一二两三四五六七八九十"
NUMBERED_RE = re.compile(rf"^[{NUMERALS}]个?[^{NUMERALS}个\W\d]{{1,4}}$")
_OPENCC_CONFIGS = ("s2t", "s2tw", "s2hk", "t2s")


@lru_cache(maxsize=1)
def _converters():
    import opencc

    return [opencc.OpenCC(cfg) for cfg in _OPENCC_CONFIGS]


def zh_forms(form: str) -> set[str]:
    """A Chinese term and its traditional (and simplified) spellings."""
    forms = {form}
    for conv in _converters():
        forms.add(conv.convert(form))
    return forms


def is_numbered_formulation(zh: str) -> bool:
    """两个维护, 三不腐, 五化: one numeral (+个) and a short noun."""
    return bool(NUMBERED_RE.match(zh))


_STEM_CACHE: dict[str, str] = {}


def normalise_token(token: str) -> str:
    """Case-fold, drop possessive and apostrophes, strip plural and inflection endings."""
    cached = _STEM_CACHE.get(token)
    if cached is not None:
        return cached
    w = token.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    if not w.isalpha():
        _STEM_CACHE[token] = w
        return w
    n = len(w)
    if n > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif n > 4 and w.endswith(("ches", "shes", "xes", "zes")):
        w = w[:-2]
    elif n > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]
    if len(_STEM_CACHE) < 500_000:
        _STEM_CACHE[token] = w
    return w


def strip_article(phrase: str) -> str:
    """'the two sessions' -> 'two sessions' (an article alone is kept)."""
    parts = phrase.strip().split(None, 1)
    if len(parts) == 2 and parts[0].lower() in ARTICLES:
        return parts[1]
    return phrase.strip()


@dataclass(frozen=True)
class Tokens:
    """English text cut into word tokens, with the normalised ' a b c ' string for matching."""

    text: str
    spans: tuple[tuple[int, int], ...]
    norm: str
    starts: tuple[int, ...]  # offset of each token in ``norm``

    @classmethod
    def of(cls, text: str) -> Tokens:
        spans = []
        parts = []
        starts = []
        pos = 1
        cache = _STEM_CACHE
        for m in TOKEN_RE.finditer(text):
            word = m.group()
            tok = cache.get(word) or normalise_token(word)
            if not tok:
                continue
            spans.append(m.span())
            parts.append(tok)
            starts.append(pos)
            pos += len(tok) + 1
        return cls(text, tuple(spans), " " + " ".join(parts) + " ", tuple(starts))

    def token_index(self, norm_offset: int) -> int:
        return bisect_right(self.starts, norm_offset) - 1


@lru_cache(maxsize=65536)
def normalise_phrase(phrase: str) -> tuple[str, int]:
    """Key of an English phrase for the automaton and its token count (memoised: the drift check asks for
    the same renderings on every link)."""
    toks = Tokens.of(strip_article(phrase))
    return toks.norm, len(toks.spans)


_NON_BMP_RE = re.compile("[\U00010000-\U0010FFFF]")


def _units(text: str) -> str:
    """Each character as two 8-bit units (UTF-16 big-endian read as Latin-1).

    pyahocorasick searches a node's children linearly; with thousands of distinct CJK
    characters at the root that is slow, with at most 256 it is fast. Characters outside
    the BMP become U+FFFD first, so character offsets stay unit offsets / 2.
    """
    if _NON_BMP_RE.search(text):
        text = _NON_BMP_RE.sub("\ufffd", text)
    return text.encode("utf-16-be").decode("latin-1")


@dataclass(frozen=True)
class ZhMatch:
    entry: int  # index into CompiledGlossary.entries
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class EnMatch:
    entry: int
    role: str  # approved / variant / forbidden
    rendering: str  # the glossary string that matched
    start: int
    end: int
    text: str  # the surface in the English
    problem: str | None = None  # None when the surface obeys the entry's case rule

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


def _separators(text: str) -> list[str]:
    """Characters between tokens, each run folded to ' ' or '-'."""
    spans = [m.span() for m in TOKEN_RE.finditer(text)]
    out = []
    for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        gap = text[e1:s2]
        out.append("-" if "-" in gap or "‐" in gap else (" " if gap.strip() == "" else gap.strip()))
    return out


def form_problem(surface: str, rendering: str, case: str) -> str | None:
    """Why ``surface`` breaks the case rule of ``rendering``, or None when it is acceptable."""
    core = strip_article(rendering)
    if case == "insensitive":
        return None
    s_toks = TOKEN_RE.findall(surface)
    r_toks = TOKEN_RE.findall(core)
    if case == "exact":
        if " ".join(surface.split()) == core:
            return None
        if surface.lower() == core.lower():
            return "capitalisation"
        if _separators(surface) != _separators(core):
            return "hyphenation or spacing"
        if [t.lower() for t in s_toks] == [t.lower() for t in r_toks]:
            return "capitalisation"
        return "word form"
    # capitalised: each word's first letter as written, hyphens and spaces as written
    if len(s_toks) == len(r_toks) and any(a[0] != b[0] for a, b in zip(s_toks, r_toks, strict=True)):
        return "capitalisation"
    if _separators(surface) != _separators(core):
        return "hyphenation or spacing"
    return None


class CompiledGlossary:
    """Matchers over a list of TermEntry, built once and reused for every text."""

    def __init__(self, entries: Sequence[TermEntry]):
        self.entries: tuple[TermEntry, ...] = tuple(entries)
        self.active = [e.status != "deprecated" for e in self.entries]
        self._zh = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        self._en = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        zh_keys: dict[str, tuple[int, int]] = {}
        en_keys: dict[str, list] = {}
        for i, e in enumerate(self.entries):
            if not self.active[i]:
                continue
            for form in e.zh:
                for variant in zh_forms(form):
                    zh_keys.setdefault(variant, (i, len(variant)))
            roles = [(ROLE_APPROVED, e.en)] + [(ROLE_VARIANT, v) for v in e.variants]
            roles += [(ROLE_FORBIDDEN, f) for f in e.forbidden]
            for role, phrase in roles:
                key, n = normalise_phrase(phrase)
                if n == 0:
                    continue
                en_keys.setdefault(key, []).append((i, role, phrase, n))
        for key, value in zh_keys.items():
            self._zh.add_word(_units(key), value)
        for key, value in en_keys.items():
            self._en.add_word(key, (value[0][3], tuple(value)))
        self._zh_ready = bool(zh_keys)
        self._en_ready = bool(en_keys)
        if self._zh_ready:
            self._zh.make_automaton()
        if self._en_ready:
            self._en.make_automaton()

    def __len__(self) -> int:
        return len(self.entries)

    def match_zh(self, text: str) -> list[ZhMatch]:
        """Leftmost-longest, non-overlapping matches of the Chinese forms (两个确立 over 确立)."""
        if not self._zh_ready or not text:
            return []
        hits = []
        for end, (entry, n) in self._zh.iter(_units(text)):
            start_unit = end - 2 * n + 1
            if start_unit % 2 == 0:  # a key may also match across two characters' halves
                hits.append((start_unit // 2, n, entry))
        hits.sort(key=lambda h: (h[0], -h[1]))
        out, last = [], 0
        for start, n, entry in hits:
            if start >= last:
                out.append(ZhMatch(entry, start, start + n, text[start:start + n]))
                last = start + n
        return out

    def match_en(self, text: str, tokens: Tokens | None = None) -> list[EnMatch]:
        """Every occurrence of an approved, variant or forbidden rendering, with its surface span."""
        if not self._en_ready or not text:
            return []
        toks = tokens or Tokens.of(text)
        found: list[EnMatch] = []
        for end, (n, values) in self._en.iter(toks.norm):
            last = toks.token_index(end - 1)
            first = last - n + 1
            if first < 0:
                continue
            start, stop = toks.spans[first][0], toks.spans[last][1]
            surface = text[start:stop]
            per_entry: dict[int, list] = {}
            for entry, role, phrase, _n in values:
                per_entry.setdefault(entry, []).append((role, phrase))
            for entry, roles in per_entry.items():
                found.append(self._classify(entry, roles, start, stop, surface))
        return _drop_shadowed(found)

    def _classify(self, entry: int, roles, start: int, stop: int, surface: str) -> EnMatch:
        case = self.entries[entry].case
        good = [(r, p) for r, p in roles if r != ROLE_FORBIDDEN]
        bad = [(r, p) for r, p in roles if r == ROLE_FORBIDDEN]
        best = None
        for role, phrase in good:
            problem = form_problem(surface, phrase, case)
            if problem is None:
                return EnMatch(entry, role, phrase, start, stop, surface)
            best = best or EnMatch(entry, role, phrase, start, stop, surface, problem)
        if bad:
            return EnMatch(entry, ROLE_FORBIDDEN, bad[0][1], start, stop, surface)
        return best


def _drop_shadowed(matches: list[EnMatch]) -> list[EnMatch]:
    """An accepted rendering inside a forbidden one of the same entry does not count."""
    forbidden = [m for m in matches if m.role == ROLE_FORBIDDEN]
    if not forbidden:
        return sorted(matches, key=lambda m: (m.start, -m.end))
    out = []
    for m in matches:
        if m.role != ROLE_FORBIDDEN and any(
            f.entry == m.entry and f.start <= m.start and m.end <= f.end and (f.start, f.end) != m.span
            for f in forbidden
        ):
            continue
        out.append(m)
    return sorted(out, key=lambda m: (m.start, -m.end))


_CACHE: dict[int, tuple[tuple[TermEntry, ...], CompiledGlossary]] = {}


def compile_glossary(entries: Iterable[TermEntry] | CompiledGlossary) -> CompiledGlossary:
    """Build (or reuse) the matchers for a glossary."""
    if isinstance(entries, CompiledGlossary):
        return entries
    entries = tuple(entries)
    key = hash(entries)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == entries:
        return hit[1]
    compiled = CompiledGlossary(entries)
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[key] = (entries, compiled)
    return compiled
