"""Person names of a document: found in the Chinese by surname, matched to the English by transliteration.

Each link's Chinese is scanned for a surname followed by one or two characters (compound surnames
too); a candidate is a name of the link when one of its romanisations — pinyin or Wade–Giles/postal,
family name first or last, with any spacing, hyphens, case or tone marks (:mod:`app.terminology.romanise`)
— is a run of capitalised words of the link's English. Candidates that are place or body names
(齐家屯, 关东, 高检网) are left out: their last character is a place suffix, the next character a body
suffix, or the dictionary tags the word as something other than a person. Once a full name is known,
its given name alone (文洁 for 叶文洁) is looked up in the other links too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from app.checks.base import DocumentContext, PairContext
from app.checks.names import (
    COMPOUND_SURNAMES,
    _family_reading,
    _simplified,
    _surname_re,
    _syllables,
    not_a_person,
    split_name,
)
from app.terminology.romanise import fold, name_keys

CAPWORD_RE = re.compile(r"[A-ZÀ-Þ][A-Za-zÀ-ɏ]*(?:['’‘\-](?![sS]\b)[A-Za-zÀ-ɏ]+)*")  # no possessive 's


@dataclass
class NameForm:
    """One English occurrence of a name."""

    pair: PairContext
    zh_span: tuple[int, int]
    en_span: tuple[int, int]
    surface: str
    part: str  # full / reversed / given / family
    pinyin: bool  # False: a spelling only a legacy romanisation gives
    given_syllables: int = 2

    @property
    def style(self) -> tuple[str, str | None, str | None, bool | None]:
        """(scheme, order, given-name spacing, run together): what two forms must share to be one rendering."""
        scheme = "pinyin" if self.pinyin else "legacy"
        order = {"full": "family first", "reversed": "given first"}.get(self.part)
        words = self.surface.split()
        given_words = words if order is None else (words[1:] if order == "family first" else words[:-1])
        joined = None if order is None else len(words) == 1
        if joined or self.given_syllables < 2:
            given = None
        elif len(given_words) > 1:
            given = "syllables apart"
        else:
            given = "hyphenated" if "-" in given_words[0] else "one word"
        return scheme, order, given, joined


@dataclass
class PersonName:
    zh: str
    family: tuple[str, ...]
    given: tuple[str, ...]
    forms: list[NameForm] = field(default_factory=list)

    @property
    def pinyin(self) -> str:
        return "".join(self.family).capitalize() + " " + "".join(self.given).capitalize()


@lru_cache(maxsize=64)
def _cap_tokens(en: str) -> tuple[tuple[str, tuple[int, int]], ...]:
    """The folded capitalised words of an English text with their spans."""
    return tuple((fold(m.group()), m.span()) for m in CAPWORD_RE.finditer(en))


@lru_cache(maxsize=64)
def _windows(en: str, max_words: int = 3) -> dict[str, list[tuple[int, int]]]:
    """Folded runs of 1–3 capitalised words (separated by single spaces) → their spans."""
    words = _cap_tokens(en)
    out: dict[str, list[tuple[int, int]]] = {}
    for i in range(len(words)):
        key = ""
        for k in range(i, min(i + max_words, len(words))):
            if k > i and en[words[k - 1][1][1]:words[k][1][0]] not in (" ", "-"):
                break
            key += words[k][0]
            out.setdefault(key, []).append((words[i][1][0], words[k][1][1]))
    return out


@lru_cache(maxsize=64)
def _cap_words(en: str) -> tuple[frozenset[str], frozenset[str]]:
    """Folded capitalised words of the English and their prefixes up to six letters."""
    words = frozenset(w for w, _ in _cap_tokens(en))
    return words, frozenset(w[:k] for w in words for k in range(2, min(len(w), 6) + 1))


def _may_be_named(head: str, words: tuple[frozenset[str], frozenset[str]]) -> bool:
    """A quick test before the full one: a spelling of the surname starts or is a capitalised word."""
    whole, prefixes = words
    for fam in {head, head[0]}:
        reading = _family_reading(_simplified(fam)) if fam in COMPOUND_SURNAMES or len(fam) == 1 else None
        if reading is None:
            continue
        forms = _family_forms(reading.lower())
        if forms & prefixes or forms & whole:
            return True
    return False


@lru_cache(maxsize=4096)
def _family_forms(reading: str) -> frozenset[str]:
    from app.terminology.romanise import syllable_forms

    return syllable_forms(fold(reading)) | frozenset({fold(reading)})


@lru_cache(maxsize=100_000)
def _syllable_parts(cand: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    parts = split_name(cand)
    if parts is None:
        return None
    family_chars, given_chars = parts
    fam = _family_reading(_simplified(family_chars))
    given = _syllables(_simplified(given_chars))
    if not given or not all(s.isalpha() for s in given):
        return None
    fam_syl = tuple(_syllables(_simplified(family_chars))) if len(family_chars) > 1 else (fam.lower(),)
    return fam_syl, tuple(given)


def _claim(taken: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    if any(span[0] < e and s < span[1] for s, e in taken):
        return False
    taken.append(span)
    return True


def _link_names(zh: str, en: str):
    """(name, syllables, zh span, en span, part, pinyin?) for the full names of one link."""
    words = _cap_words(en)
    if not words[0]:
        return
    win = None
    spans: list[tuple[int, int]] = []
    next_free = 0
    for m in _surname_re().finditer(zh):
        i = m.start()
        if i < next_free or not _may_be_named(zh[i:i + 2], words):
            continue
        for length in (3, 4, 2):
            cand = zh[i:i + length]
            if len(cand) < length or not all("\u4e00" <= c <= "\u9fff" for c in cand):
                continue
            if length == 4 and cand[:2] not in COMPOUND_SURNAMES and _simplified(cand[:2]) not in COMPOUND_SURNAMES:
                continue
            syl = _syllable_parts(cand)
            if syl is None:
                continue
            keys = name_keys(*syl)
            if win is None:
                win = _windows(en)
            hits = [(key, span) for key in keys.keys() & win.keys() if keys[key][0] in ("full", "reversed")
                    for span in win[key]]
            if not hits or not_a_person(zh, cand, i + length):
                continue
            for key, span in sorted(hits, key=lambda h: (h[1][0], -(h[1][1] - h[1][0]))):
                if _claim(spans, span):
                    part, pinyin = keys[key]
                    yield cand, syl, (i, i + length), span, part, pinyin
            next_free = i + length
            break


def document_names(doc: DocumentContext) -> dict[str, PersonName]:
    """Every person name of the document with its English forms (cached on the document)."""
    cached = doc.__dict__.get("_names")
    if cached is not None:
        return cached
    names: dict[str, PersonName] = {}
    taken: dict[int, list[tuple[int, int]]] = {}
    for n, pair in enumerate(doc.pairs):
        if not pair.complete:
            continue
        found = pair._memo("people", (pair.zh, pair.en), lambda p=pair: tuple(_link_names(p.zh, p.en)))
        spans = taken.setdefault(n, [])
        for cand, syl, zh_span, en_span, part, pinyin in found:
            person = names.get(cand) or names.setdefault(cand, PersonName(cand, *syl))
            spans.append(en_span)
            person.forms.append(NameForm(pair, zh_span, en_span, pair.en[en_span[0]:en_span[1]], part, pinyin,
                                         len(syl[1])))
    # a surname and one character that end a longer name are its given name (文洁 of 叶文洁)
    for short in [z for z in names if len(z) == 2]:
        owner = next((p for z, p in names.items() if len(z) > 2 and z.endswith(short)), None)
        if owner is None:
            continue
        keys = name_keys(owner.family, owner.given)
        for f in names.pop(short).forms:
            part, pinyin = keys.get(fold(f.surface), ("", False))
            if part == "given":
                owner.forms.append(NameForm(f.pair, f.zh_span, f.en_span, f.surface, part, pinyin, len(owner.given)))
    # given names alone (文洁 for 叶文洁), in every link
    givens = []
    for person in names.values():
        given_zh = person.zh[len(split_name(person.zh)[0]):]
        if len(given_zh) >= 2:  # a one-character given name alone is not a reliable mention
            givens.append((person, given_zh, name_keys(person.family, person.given)))
    if givens:
        import ahocorasick

        auto = ahocorasick.Automaton()
        for k, (_person, given_zh, _keys) in enumerate(givens):
            auto.add_word(given_zh, k)
        auto.make_automaton()
        for n, pair in enumerate(doc.pairs):
            if not pair.complete:
                continue
            hits = {k: end - len(givens[k][1]) + 1 for end, k in auto.iter(pair.zh)}
            if not hits:
                continue
            win = pair._memo("name windows", pair.en, lambda p=pair: _windows(p.en))
            for k, zi in hits.items():
                person, given_zh, keys = givens[k]
                for key in keys.keys() & win.keys():
                    part, pinyin = keys[key]
                    if part != "given":
                        continue
                    for span in win[key]:
                        if _claim(taken.setdefault(n, []), span):
                            person.forms.append(NameForm(pair, (zi, zi + len(given_zh)), span,
                                                         pair.en[span[0]:span[1]], part, pinyin,
                                                         len(person.given)))
    doc.__dict__["_names"] = names
    return names


STYLE_LABELS = ("romanisation", "order", "spacing of the given name", "run together")


def conflicting_styles(forms: list[NameForm]) -> list[str]:
    """What differs between the forms of one name (empty if they agree): a given name alone agrees
    with the full name written the same way ('Wenjie' with 'Ye Wenjie')."""
    styles = [f.style for f in forms]
    return [label for k, label in enumerate(STYLE_LABELS) if len({s[k] for s in styles if s[k] is not None}) > 1]
