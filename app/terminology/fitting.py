"""Fit a replacement into the words around it: what search and replace and fix-everywhere insert.

Replacing the text a search matched with what a reviewer typed (or a glossary suggests) can break the sentence
at either edge: "during the National Two Sessions" with "the two sessions" reads "during the the two sessions".
:func:`fit` looks at the word before and the word after the hit and returns the span to replace (the hit,
sometimes widened over one neighbouring word) and the text to put there:

- one article, not two: an article (or determiner) before the hit and one leading the replacement become one,
  the replacement's: "during the National Two Sessions" → "during the two sessions", "a Maple Bridge
  experience" → "the Fengqiao Experience"; after a determiner or a possessive ("its", "China's") the
  replacement's own article is dropped ("its two sessions");
- no repeated word at either edge: "NPC sessions" with "NPC and CPPCC sessions" for "NPC" does not read
  "… sessions sessions" (a repetition the text already had is left alone);
- "a" and "an" follow the sound of the word after them where the replacement changes that word;
- at the start of a sentence the first letter stays a capital; inside a sentence a replacement's leading
  "The" is lower-cased.

Each hit also carries :class:`Note` s: what was fitted, and warnings where the replacement changes grammar
the words around it may depend on (the article, a/an, singular and plural with "is/are" or "this/these", the
capital at a sentence start). Plain text in and out; inline-code placeholders (U+E000–U+F7FF, see
app/model.py) count as neither letters nor spaces, and any placeholder inside a widened span is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.model import CODE_CHARS as CODES
from app.segmentation.sentences import EN_NEVER_FINAL
from app.terminology.matching import ARTICLES

WORD = r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z\u00C0-\u024F]+)*(?:(?<=s)['’](?![A-Za-z]))?"
_GAP = rf"[{CODES}]*\s[\s{CODES}]*"  # at least one space between two words; placeholders pass through
_BEFORE_RE = re.compile(rf"(?<![A-Za-z\u00C0-\u024F'’])({WORD})({_GAP})$")
_AFTER_RE = re.compile(rf"^({_GAP})({WORD})(?![A-Za-z\u00C0-\u024F])")
_FIRST_RE = re.compile(rf"^\s*({WORD})")
_LAST_RE = re.compile(rf"({WORD})\s*$")
_LEADING_ARTICLE_RE = re.compile(r"^(the|an|a)\s+(?=\S)", re.IGNORECASE)
_CODE_RE = re.compile(f"[{CODES}]")
_LETTER_RE = re.compile(r"[A-Za-z\u00C0-\u024F'’]")
_SENTENCE_END = ".!?。！？…"  # a capital is expected after these (and at the start of a paragraph), not after ; or :
_FULL_WIDTH_END = "。！？…"  # these need no space after them
_ABBREVIATION_RE = re.compile(r"(?:^|[\s(“‘\"'])((?:[A-Za-z]\.)+[A-Za-z]|[A-Za-z]+(?:\.[A-Za-z]+)*)\.$")
_OPENERS = "\"'“‘(（[「『《"  # may sit between a sentence end and its first word

DETERMINERS = frozenset({"this", "that", "these", "those", "its", "their", "our", "his", "her", "my", "your",
                         "whose", "every", "each", "either", "neither", "no", "another", "such"})
NOT_POSSESSIVE = frozenset({"it's", "that's", "there's", "here's", "what's", "who's", "he's", "she's", "let's",
                            "where's", "how's"})
SINGULAR_CUES = frozenset({"is", "was", "has", "does", "this", "that", "a", "an", "each", "every", "another",
                           "one", "its"})
PLURAL_CUES = frozenset({"are", "were", "have", "do", "these", "those", "many", "several", "both", "two", "three",
                         "four", "five", "few", "their"})
PREPOSITIONS = frozenset({"of", "in", "to", "for", "on", "at", "by", "with", "from", "during", "after", "before",
                          "since", "until", "into", "about", "under", "over", "through", "between", "among"})
VERB_CUES = frozenset({"is", "are", "was", "were", "has", "have", "does", "do"})
_SINGULAR_S = frozenset({"news", "series", "species", "politics", "economics", "mathematics", "physics", "ethics",
                         "lens", "bus", "gas", "this", "its", "his", "us", "yes", "congress", "progress", "process",
                         "address", "success", "access", "business", "analysis", "basis", "crisis", "thesis",
                         "status", "campus", "census", "consensus", "bonus", "virus", "focus", "corpus"})
_PLURAL_IRREGULAR = frozenset({"people", "children", "men", "women", "masses", "data", "criteria", "phenomena",
                               "feet", "teeth", "mice", "geese", "police", "cattle"})
# vowel letters read with a consonant sound (a university, a European, a one-off) and consonant letters read
# with a vowel sound (an hour, an honest)
_CONSONANT_SOUND = re.compile(r"^(?:uni(?!nt|mp|nf|nh|nd|ns|nm)|use|usu|uti|ure|uro|eu|ewe|one\b|once|ubiq|uk\b|us\b)",
                              re.IGNORECASE)
_VOWEL_SOUND = re.compile(r"^(?:hour|honest|honou?r|heir)", re.IGNORECASE)
_VOWEL_LETTER_ACRONYM = set("AEFHILMNORSX")  # an FBI, an NPC, an SPP: letters read with a vowel sound


@dataclass(frozen=True)
class Note:
    """One remark on a hit: ``kind`` is "fitted" (done for the reviewer) or a warning ("article", "a/an",
    "number", "capital")."""

    kind: str
    text: str

    @property
    def warning(self) -> bool:
        return self.kind != "fitted"


@dataclass(frozen=True)
class Fit:
    """Replace ``text[start:end]`` with ``replacement``; ``notes`` say what was fitted and what to check."""

    start: int
    end: int
    replacement: str
    notes: tuple[Note, ...] = ()

    @property
    def warnings(self) -> tuple[Note, ...]:
        return tuple(n for n in self.notes if n.warning)


def article_for(word: str) -> str:
    """ "a" or "an" before ``word``, by its first sound (a heuristic: hour, university, NPC, one…)."""
    if not word:
        return "a"
    if len(word) > 1 and word.isupper() and word.isalpha():  # an acronym read letter by letter
        return "an" if word[0] in _VOWEL_LETTER_ACRONYM else "a"
    if _VOWEL_SOUND.match(word):
        return "an"
    if _CONSONANT_SOUND.match(word):
        return "a"
    return "an" if word[0].lower() in "aeiou" else "a"


def is_plural(word: str) -> bool:
    """Whether an English noun reads as plural (heuristic: -s, not -ss/-us/-is, a few irregulars)."""
    w = word.lower().rstrip("'’")
    if w in _PLURAL_IRREGULAR:
        return True
    if w in _SINGULAR_S or len(w) < 3 or word.isupper() and not word.endswith("s"):
        return False
    if word[:-1].isupper() and word.endswith("s"):  # NGOs
        return True
    return w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s"))


def sentence_start(text: str, at: int) -> bool:
    """Whether ``at`` begins a sentence: nothing but spaces, placeholders and opening quotes before it since the
    paragraph's start, a sentence end (not the point of an abbreviation: U.S., e.g., Mr.) or a colon that opens
    a quotation."""
    i, quoted = at - 1, False
    while i >= 0 and (text[i].isspace() or text[i] in _OPENERS or _CODE_RE.match(text[i])):
        quoted = quoted or text[i] in _OPENERS
        i -= 1
    if i < 0 or quoted and text[i] in ":：":  # 'He said: “The…'
        return True
    spaced = i < at - 1
    while i >= 0 and text[i] in "\"'”’)）]」』》":  # 'said so." Then'
        i -= 1
    if i < 0 or text[i] not in _SENTENCE_END or not (spaced or text[i] in _FULL_WIDTH_END):
        return False
    if text[i] == ".":
        m = _ABBREVIATION_RE.search(text[max(0, i - 30):i + 1])
        if m and (m.group(1).lower() in EN_NEVER_FINAL or "." in m.group(1)):
            return False
    return True


def _article(word: str | None) -> str | None:
    return word.lower() if word and word.lower() in ARTICLES else None


def _phrase_article(phrase: str) -> str | None:
    """The article of a phrase: its first word, or its second after a preposition ("of the two sessions")."""
    words = _CODE_RE.sub("", phrase).split()[:2]
    if words and _article(words[0]):
        return words[0].lower()
    if len(words) == 2 and words[0].lower() in PREPOSITIONS and _article(words[1]):
        return words[1].lower()
    return None


def _leading_article(phrase: str) -> str | None:
    m = _LEADING_ARTICLE_RE.match(phrase)
    return m.group(1).lower() if m else None


def _drop_leading_article(phrase: str) -> str:
    return _LEADING_ARTICLE_RE.sub("", phrase, count=1)


def _is_determiner(word: str) -> bool:
    w = word.lower().replace("’", "'")
    if w in DETERMINERS:
        return True
    return (w.endswith("'s") or w.endswith("s'")) and w not in NOT_POSSESSIVE and len(w) > 3


def _codes(s: str) -> str:
    return "".join(_CODE_RE.findall(s))


def _case_like(word: str, model: str) -> str:
    """``word`` with the capital of ``model``'s first letter (for an article put in another's place)."""
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def _first_word(s: str) -> str | None:
    m = _FIRST_RE.match(s)
    return m.group(1) if m else None


def _last_word(s: str) -> str | None:
    m = _LAST_RE.search(s)
    return m.group(1) if m else None


@dataclass(frozen=True)
class _Neighbour:
    """The word next to a hit across spaces (and placeholders): the word, the span that removing it takes
    from the text (word and gap), and the placeholders in that gap."""

    word: str
    start: int
    end: int
    codes: str


def _neighbour_before(text: str, lo: int, at: int) -> _Neighbour | None:
    w = max(lo, at - 120)
    m = _BEFORE_RE.search(text[w:at]) if at > lo else None
    if not m or _LETTER_RE.match(text[w + m.start(1) - 1:w + m.start(1)]):  # a word cut by the bound: none
        return None
    return _Neighbour(m.group(1), w + m.start(1), at, _codes(m.group(2)))


def _neighbour_after(text: str, at: int, hi: int) -> _Neighbour | None:
    m = _AFTER_RE.match(text[at:min(hi, at + 120)]) if at < hi else None
    if not m or _LETTER_RE.match(text[at + m.end(2):at + m.end(2) + 1]):
        return None
    return _Neighbour(m.group(2), at, at + m.end(2), _codes(m.group(1)))


def _same_article(a: str | None, b: str | None) -> bool:
    """"a" and "an" are one article here (their choice is the a/an note's business)."""
    return {"an": "a"}.get(a, a) == {"an": "a"}.get(b, b)


def fit(text: str, start: int, end: int, replacement: str, lo: int = 0, hi: int | None = None) -> Fit:
    """The replacement of ``text[start:end]`` fitted to the words around it. The span may widen over one word
    before (down to ``lo``) and one word after (up to ``hi``, default the text's end), never over another hit."""
    hi = len(text) if hi is None else hi
    matched, rep = text[start:end], replacement
    notes: list[Note] = []
    new_start, new_end, head, tail = start, end, "", ""  # head/tail: placeholders of a widened span, kept
    before, after = _neighbour_before(text, lo, start), _neighbour_after(text, end, hi)

    rep_article, hit_article = _leading_article(rep), _leading_article(matched)
    old_article = _phrase_article(matched) or (before and _article(before.word)) or None
    first_rep, first_hit = _first_word(rep), _first_word(matched)
    if before and rep_article and not hit_article and _article(before.word):
        # "during the" + "the two sessions": one article, the replacement's, with the capital of the one there
        new_start, head = before.start, before.codes
        rep = _case_like(rep_article, before.word) + rep[len(rep_article):]
        notes.append(Note("fitted", f"one article: “{before.word} {matched}” → “{rep}”"))
    elif before and rep_article and not hit_article and _is_determiner(before.word):
        rep = _drop_leading_article(rep)  # "its" + "the two sessions" → "its two sessions"
        notes.append(Note("fitted", f"no “{rep_article}” after “{before.word}”"))
    elif before and first_rep and first_rep.lower() == before.word.lower() and (
            not first_hit or first_hit.lower() != first_rep.lower()):
        new_start, head = before.start, before.codes  # "of" + "of the X": one "of"
        rep = _case_like(first_rep, before.word) + rep.lstrip()[len(first_rep):]
        notes.append(Note("fitted", f"one “{before.word}”, not two"))

    last_rep, last_hit = _last_word(rep), _last_word(matched)
    if after and last_rep:
        repeated = last_rep.lower() == after.word.lower() and (last_hit or "").lower() != last_rep.lower()
        if repeated or (_article(last_rep) and _article(after.word)):
            new_end, tail = after.end, after.codes  # "… sessions" + "sessions": one "sessions"
            notes.append(Note("fitted", f"one “{last_rep}”, not two" if repeated else
                              f"one article: “{last_rep} {after.word}” → “{last_rep}”"))
            after = _neighbour_after(text, new_end, hi)

    # a/an: the article left before the replacement, one ending it, one leading it
    first_rep = _first_word(rep)
    kept = before if before and new_start == start and _article(before.word) in ("a", "an") else None
    if kept and first_rep and not _leading_article(rep):
        want = _case_like(article_for(first_rep), kept.word)
        if want.lower() != kept.word.lower():
            new_start, head = kept.start, kept.codes
            rep = f"{want} {rep.lstrip()}"
            notes.append(Note("a/an", f"“{kept.word}” → “{want}” before “{first_rep}”"))
    last_rep = _last_word(rep)
    if after and last_rep and _article(last_rep) in ("a", "an"):
        want = _case_like(article_for(after.word), last_rep)
        if want.lower() != last_rep.lower():
            cut = rep.rstrip()
            rep = cut[:-len(last_rep)] + want + rep[len(cut):]
            notes.append(Note("a/an", f"“{last_rep}” → “{want}” before “{after.word}”"))
    words = rep.split()
    if len(words) > 1 and _article(words[0]) in ("a", "an") and article_for(words[1]) != words[0].lower():
        notes.append(Note("a/an", f"“{words[0]} {words[1]}”: “{article_for(words[1])}” expected"))

    # capitals: a sentence keeps its capital; inside a sentence a leading "The" reads "the"
    orig_first = text[new_start:end].lstrip(f"{CODES} ")[:1]
    if sentence_start(text, new_start):
        if rep[:1].islower() and (orig_first.isupper() or not orig_first):
            rep = rep[:1].upper() + rep[1:]
            notes.append(Note("fitted", f"capital kept at the sentence start: “{rep.split()[0]}”"))
        elif rep[:1].isupper() and orig_first.islower():
            notes.append(Note("capital", f"sentence start “{text[new_start:end].split()[0]}” → "
                                         f"“{rep.split()[0]}”"))
    elif _leading_article(rep) and rep[:1].isupper() and not (_leading_article(text[new_start:end])
                                                               and orig_first.isupper()):
        rep = rep[:1].lower() + rep[1:]
        notes.append(Note("fitted", f"“{rep.split()[0]}” inside a sentence"))

    # warnings: grammar the words around the hit may depend on
    new_article = _phrase_article(rep) or (before and new_start == start and _article(before.word)) or None
    if not _same_article(old_article, new_article):
        notes.append(Note("article", f"article “{old_article or '–'}” → “{new_article or '–'}”"))
    (old_head, old_plural), (new_head, new_plural) = _head(text[new_start:new_end]), _head(rep)
    if old_head and new_head and old_plural != new_plural:
        notes.append(Note("number", _number_note(old_head, new_head, new_plural, text, new_start, new_end, lo, hi)))
    return Fit(new_start, new_end, head + rep + tail, tuple(notes))


def _head(phrase: str) -> tuple[str | None, bool]:
    """The head noun of a phrase (its last word before a preposition: "sessions" in "two sessions of the NPC") and
    whether the phrase reads as plural (a plural head, or a short phrase of words joined by "and": "NPC and
    CPPCC"; in a longer one "and" more often joins verbs or clauses)."""
    words = _CODE_RE.sub("", phrase).split()
    cut = next((i for i, w in enumerate(words) if i and w.lower() in PREPOSITIONS), len(words))
    words = words[:cut]
    head = _last_word(" ".join(words))
    joined = len(words) <= 4 and "and" in (w.lower() for w in words[1:-1])
    return head, bool(head) and (is_plural(head) or joined)


def _number_note(old_head: str, new_head: str, plural: bool, text: str, start: int, end: int, lo: int,
                 hi: int) -> str:
    """A singular↔plural change, with the agreeing word before or after when there is one."""
    change = "singular → plural" if plural else "plural → singular"
    cues = []
    before, after = _neighbour_before(text, lo, start), _neighbour_after(text, end, hi)
    if before and before.word.lower() in SINGULAR_CUES | PLURAL_CUES:
        cues.append(f"“{before.word}” before")
    if after and after.word.lower() in VERB_CUES:
        cues.append(f"“{after.word}” after")
    return f"{change} “{old_head}” → “{new_head}”" + (f": check {' and '.join(cues)}" if cues else "")
