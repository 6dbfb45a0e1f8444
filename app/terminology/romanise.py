"""Romanisations of Chinese syllables and a tolerant matcher for names written in English.

A pinyin syllable (toneless, as pypinyin's ``lazy_pinyin`` gives it) has a Wade–Giles spelling
(``zhi`` → ``chih``, ``xu`` → ``hsü``, ``jian`` → ``chien``) and a postal-style one (the
Wade–Giles spelling without apostrophes and diacritics, which is what :func:`fold` reduces both
to). :func:`name_keys` lists every folded spelling of a name — pinyin or legacy, family name first
or last — so an English phrase matches a name whatever its spacing, hyphens, case or tone marks.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Wade–Giles initials for pinyin initials (aspirated ones carry an apostrophe, dropped by fold()).
_WG_INITIALS = (
    ("zh", "ch"), ("ch", "ch'"), ("sh", "sh"), ("b", "p"), ("p", "p'"), ("d", "t"), ("t", "t'"),
    ("g", "k"), ("k", "k'"), ("z", "ts"), ("c", "ts'"), ("j", "ch"), ("q", "ch'"), ("x", "hs"),
    ("r", "j"), ("s", "s"), ("h", "h"), ("f", "f"), ("m", "m"), ("n", "n"), ("l", "l"),
    ("y", "y"), ("w", "w"),
)
_WG_WHOLE = {
    "zi": "tzu", "ci": "tz'u", "si": "ssu", "zhi": "chih", "chi": "ch'ih", "shi": "shih", "ri": "jih",
    "e": "o", "er": "erh", "ye": "yeh", "you": "yu", "yan": "yen", "yong": "yung", "yu": "yü",
    "yue": "yüeh", "yuan": "yüan", "yun": "yün", "ge": "ko", "ke": "k'o", "he": "ho",
    "gui": "kuei", "kui": "k'uei", "guo": "kuo", "kuo": "k'uo", "huo": "huo", "shuo": "shuo",
    "lüe": "lüeh", "nüe": "nüeh",
}
_WG_FINALS = (  # longest first; applied after the initial
    ("iong", "iung"), ("ong", "ung"), ("ian", "ien"), ("ie", "ieh"), ("uo", "o"),
    ("ue", "üeh"), ("üe", "üeh"),
)
# Other spellings seen for common syllables in older or regional usage (Hong Kong, Taiwan, postal).
_OTHER = {
    "zhou": ("chow",), "zhang": ("cheung",), "chen": ("chan",), "huang": ("hwang", "wong"), "wang": ("wong",),
    "li": ("lee",), "liu": ("lau",), "lin": ("lam",), "wu": ("woo", "ng"), "xu": ("hui", "hsu"),
    "xie": ("tse",), "xiao": ("siu",), "jiang": ("kiang",), "cai": ("choi",), "qiu": ("yau",), "guo": ("kwok",),
    "feng": ("fung",), "yang": ("yeung",), "ye": ("yip",), "jin": ("kam",), "cao": ("tso",), "zeng": ("tsang",),
    "zou": ("chau",), "pan": ("poon",), "zhong": ("chung",), "he": ("ho",), "yu": ("yue",),
}


_ASCII_DROP = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isalpha()))


def fold(text: str) -> str:
    """Lower case, no tone marks or umlauts, no spaces, hyphens or apostrophes: 'Hsü Chih-mo' → 'hsuchihmo'."""
    if text.isascii():
        return text.lower().translate(_ASCII_DROP)
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if "a" <= c <= "z")


@lru_cache(maxsize=4096)
def wade_giles(syllable: str) -> str:
    """The Wade–Giles spelling of a toneless pinyin syllable ('zhi' → 'chih', 'xu' → 'hsü')."""
    s = syllable.lower().replace("v", "ü")
    if s in _WG_WHOLE:
        return _WG_WHOLE[s]
    initial, rest = "", s
    for py, wg in _WG_INITIALS:
        if s.startswith(py) and len(s) > len(py):
            initial, rest = wg, s[len(py):]
            break
    if initial in ("ch", "ch'", "hs") and s[0] in "jqx" and rest.startswith("u"):
        rest = "ü" + rest[1:]  # ju, qu, xu: the u is ü
    for py, wg in _WG_FINALS:
        if rest.endswith(py):
            if py == "uo" and initial in ("k", "k'", "h", "sh"):
                break
            rest = rest[: -len(py)] + wg
            break
    else:
        if rest == "e" and initial not in ("k", "k'", "h"):
            rest = "ê"
    return initial + rest


@lru_cache(maxsize=8192)
def syllable_forms(syllable: str) -> frozenset[str]:
    """Folded spellings of one pinyin syllable: pinyin, Wade–Giles/postal and other legacy forms."""
    s = syllable.lower().replace("v", "ü")
    forms = {fold(s), fold(wade_giles(s))}
    if "ü" in s:
        forms.add(s.replace("ü", "v"))
        forms.add(s.replace("ü", "yu"))
    forms.update(_OTHER.get(fold(s), ()))
    return frozenset(f for f in forms if f)


def _combine(parts: list[frozenset[str]], limit: int = 256) -> set[str]:
    out = {""}
    for forms in parts:
        out = {a + b for a in out for b in forms}
        if len(out) > limit:
            break
    return out


@lru_cache(maxsize=50_000)
def name_keys(family: tuple[str, ...], given: tuple[str, ...]) -> dict[str, tuple[str, bool]]:
    """Folded spelling → (which part, pinyin?) for a name given as pinyin syllables.

    The part is 'full' (family first), 'reversed' (given name first), 'given' or 'family'. ``pinyin``
    is False for a spelling that only a legacy romanisation produces.
    """
    fam_forms = [syllable_forms(s) for s in family]
    giv_forms = [syllable_forms(s) for s in given]
    fam_py = "".join(fold(s) for s in family)
    giv_py = "".join(fold(s) for s in given)
    keys: dict[str, tuple[str, bool]] = {}
    for part, pieces, pinyin in (
        ("full", fam_forms + giv_forms, fam_py + giv_py),
        ("reversed", giv_forms + fam_forms, giv_py + fam_py),
        ("given", giv_forms, giv_py),
        ("family", fam_forms, fam_py),
    ):
        for key in _combine(pieces):
            if key not in keys:
                keys[key] = (part, key == pinyin)
    return keys


__all__ = ["fold", "wade_giles", "syllable_forms", "name_keys"]
