"""Sentence splitting for Chinese and English: ``sentencex`` plus a few repairs.

sentencex does most of the work; the repairs below make sure that

* a Chinese quotation “…” stays whole, together with what follows it up to
  the closing mark and its trailing punctuation (``他说：“我走了。你留下。”``);
* English abbreviations (U.S., No. 5, Mr., e.g.) and ellipses followed by a
  lower-case word do not end a sentence.
"""

from __future__ import annotations

import re

import sentencex

from app.errors import InputError

LANGS = ("zh", "en")

# Abbreviations after which an English sentence never ends.
EN_NEVER_FINAL = frozenset(
    "mr mrs ms dr prof st jr sr gen col capt lt sgt rev hon messrs mme mlle "
    "e.g i.e cf vs etc.al viz approx dept est fig figs vol vols ch sec art para pp op".split()
)
# Abbreviations that do not end a sentence when a number follows (No. 5, p. 12, Art. 3).
EN_BEFORE_NUMBER = frozenset("no nos p pp art vol ch sec fig para".split())

_ZH_OPEN = "“‘「『《（(【〈"
_ZH_CLOSE = "”’」』》）)】〉"
_PAIRS = dict(zip(_ZH_OPEN, _ZH_CLOSE, strict=True))
# Characters that belong to the end of the previous sentence when a split leaves them in front.
_TRAILERS = set("”’」』》）)】〉。！？!?…；;，,、.\"'")
_LAST_WORD = re.compile(r"(\S+)\s*$")


def split_sentences(text: str, lang: str) -> list[str]:
    """Sentences of ``text`` (one paragraph or more) in ``lang`` ("zh" or "en"), stripped."""
    if lang not in LANGS:
        raise InputError(f"split_sentences: unsupported language {lang!r} (use one of {', '.join(LANGS)})")
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        raw = [s for s in sentencex.segment(lang, line) if s.strip()]
        raw = _attach_trailers(raw)
        raw = _merge_open_quotes(raw)
        if lang == "en":
            raw = _merge_abbreviations(raw)
        out.extend(s.strip() for s in raw if s.strip())
    return out


def _attach_trailers(parts: list[str]) -> list[str]:
    """A piece that starts with closing marks or punctuation gives them back to the previous one."""
    out: list[str] = []
    for part in parts:
        stripped = part.lstrip()
        k = 0
        while k < len(stripped) and stripped[k] in _TRAILERS:
            k += 1
        if out and k:
            out[-1] = out[-1].rstrip() + stripped[:k]
            part = stripped[k:]
            if part.strip():
                out.append(" " + part if part[0] != " " else part)
        elif part.strip():
            out.append(part)
    return out


def _open_depth(text: str) -> int:
    """How many quotation/bracket marks are left open at the end of ``text``."""
    stack: list[str] = []
    for ch in text:
        if ch in _PAIRS:
            stack.append(_PAIRS[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
    return len(stack)


def _merge_open_quotes(parts: list[str]) -> list[str]:
    """Join pieces while a Chinese quotation or bracket opened in them is still open."""
    out: list[str] = []
    pending = ""
    for part in parts:
        pending += part
        if _open_depth(pending) == 0:
            out.append(pending)
            pending = ""
    if pending:
        out.append(pending)  # unbalanced to the end of the paragraph: keep it as one piece
    return out


def _merge_abbreviations(parts: list[str]) -> list[str]:
    """Undo English splits after abbreviations and mid-sentence ellipses."""
    out: list[str] = []
    for part in parts:
        if out and _continues(out[-1], part):
            sep = "" if out[-1].endswith(" ") else " "
            out[-1] = out[-1] + sep + part.lstrip()
        else:
            out.append(part)
    return out


def _continues(prev: str, nxt: str) -> bool:
    """True when the split between ``prev`` and ``nxt`` is not a sentence end."""
    prev = prev.rstrip()
    nxt = nxt.lstrip()
    if not prev or not nxt:
        return False
    m = _LAST_WORD.search(prev)
    word = m.group(1).lower().lstrip("(\"'“‘") if m else ""
    if word.endswith("."):
        stem = word[:-1]
        if stem in EN_NEVER_FINAL:
            return True
        if stem in EN_BEFORE_NUMBER and nxt[0].isdigit():
            return True
        # U.S. / U.K. / a.m. followed by a lower-case word or a number
        if re.fullmatch(r"(?:[a-z]\.)+[a-z]", stem) and (nxt[0].islower() or nxt[0].isdigit()):
            return True
    if (prev.endswith("...") or prev.endswith("…")) and nxt[0].islower():
        return True
    return False


# Clause punctuation inside a sentence: commas, semicolons, colons (and the English dash).
_CLAUSE_END = {"zh": re.compile(r"(?<=[，；：,;:])"), "en": re.compile(r"(?<=[,;:—])\s*")}


def edge_clauses(text: str, lang: str) -> tuple[str, str]:
    """The first and the last clause of a sentence (both the whole text when it has one clause).

    A clause ends at a comma, semicolon or colon (or, in English, a dash); pieces without a letter
    or a digit (a closing quotation mark on its own) are not clauses.
    """
    if lang not in LANGS:
        raise InputError(f"edge_clauses: unsupported language {lang!r} (use one of {', '.join(LANGS)})")
    parts = [p.strip() for p in _CLAUSE_END[lang].split(text) if any(ch.isalnum() for ch in p)]
    if len(parts) < 2:
        return text, text
    return parts[0], parts[-1]
