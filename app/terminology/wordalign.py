"""A lexical translation model learned from one document: IBM Model 1 by EM, seeded with CC-CEDICT.

Each link is a bag of Chinese words (jieba) plus NULL and a bag of English content tokens
(normalised: case, plural and inflection folded, stop words left out). ``t(e|f)`` starts uniform over
the English tokens a word co-occurs with, boosted where ``e`` is in the word's CC-CEDICT glosses (or
its characters' glosses, or an acronym of a gloss: NPC, CPPCC); EM (as in fast_align, with its
diagonal prior at a fixed tension) then explains every English token by the Chinese words of its link. The dictionary
counts stay in as pseudo-counts, so a short document cannot argue away a listed translation.
Everything is numpy over the co-occurring pairs; a long document trains on an even sample of links
and the model is applied to every link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.terminology.matching import TOKEN_RE, normalise_token

EN_STOP = frozenset("""a an the of and or to in on for with by at from as is are was were be been being that this
these those it its we our they their he his she her him them i me my you your which who whom whose what when where
while into over under about against between through during before after above below up down out off than then so
such not no nor also both each every all any some more most other only own same too very can will just should would
could may might must shall do does did has have had having there here how why well one us""".split())
ZH_SKIP_RE = re.compile(r"^[\W\d_a-zA-Z]+$")
NULL = 0
SEED = 4.0  # initial weight of a dictionary translation against 1 for any co-occurring token
PRIOR = 0.5  # pseudo-count the dictionary keeps through EM
CHAR_SEED = 0.3  # weight of a gloss of one of the word's characters, relative to the word's own
FLOOR = 1e-6
TENSION = 4.0  # fast_align's diagonal tension: words far from the diagonal of the link are less likely
P_NULL = 0.08


@lru_cache(maxsize=4096)
def _diagonal(m: int, n: int) -> np.ndarray:
    i = (np.arange(1, m + 1) / m)[:, None]
    j = ((np.arange(n) + 0.5) / n)[None, :]
    d = np.exp(-TENSION * np.abs(i - j))
    d = (1 - P_NULL) * d / d.sum(axis=0, keepdims=True)
    return np.vstack([np.full((1, n), P_NULL), d])


def diagonal(m: int, n: int) -> np.ndarray:
    """(m+1) × n prior of English token j aligning to NULL (row 0) or Chinese word i, as in fast_align."""
    if m == 0:
        return np.ones((1, n))
    return _diagonal(m, n)


def _cedict() -> dict[str, str]:
    from app.terminology.tables import cedict

    return cedict()


def definitions(word: str) -> list[str]:
    """The CC-CEDICT definitions of a word (classifier notes left out)."""
    raw = _cedict().get(word)
    if not raw:
        return []
    return [d for d in raw.strip().strip("/").split("/") if d and not d.startswith("CL:")]


def _acronyms(definition: str) -> set[str]:
    """'National People's Congress' -> 'npc' for every run of two or more capitalised words."""
    out = set()
    for run in re.findall(r"(?:[A-Z][\w']*(?:\s+(?:of|the|for)\s+|\s+|$)){2,}", definition):
        caps = "".join(w[0] for w in re.findall(r"[A-Z][\w']*", run))
        if len(caps) >= 2:
            out.add(caps.lower())
    return out


@lru_cache(maxsize=100_000)
def gloss_tokens(word: str) -> frozenset[str]:
    """Normalised English tokens of the word's CC-CEDICT glosses; of its listed parts when it has none."""
    defs = definitions(word)
    if not defs and len(word) > 2:
        for k in range(len(word) - 1, 1, -1):  # the longest listed head and what follows: 化妆 + 师
            if definitions(word[:k]):
                return gloss_tokens(word[:k]) | gloss_tokens(word[k:])
    if not defs and len(word) == 2:
        return frozenset().union(*(gloss_tokens(c) for c in word))
    out: set[str] = set()
    for d in defs:
        d = re.sub(r"\[[^\]]*\]|\S*\|\S*", " ", d)  # no pinyin or variants
        out.update(_acronyms(d))
        for m in TOKEN_RE.finditer(d):
            t = normalise_token(m.group())
            if t and t not in EN_STOP and len(t) > 1:
                out.add(t)
    return frozenset(out)


@lru_cache(maxsize=100_000)
def short_glosses(word: str) -> tuple[frozenset[str], ...]:
    """The content tokens of each short (one- to three-word) definition: 直线 → {straight, line}."""
    out = []
    for d in definitions(word):
        d = re.sub(r"\[[^\]]*\]|\S*\|\S*|\([^)]*\)", " ", d)
        toks = {normalise_token(m.group()) for m in TOKEN_RE.finditer(d)} - EN_STOP - {""}
        if 2 <= len(toks) <= 3:
            out.append(frozenset(toks))
    return tuple(out)


@lru_cache(maxsize=100_000)
def char_gloss_tokens(word: str) -> frozenset[str]:
    """Tokens of the glosses of the word's characters (两会: 'two', 'meet'…): a weaker seed."""
    if len(word) < 2:
        return frozenset()
    return frozenset().union(*(gloss_tokens(c) for c in word))


@dataclass
class LinkTokens:
    """One link as the model sees it: Chinese words (with offsets) and English content tokens (with spans)."""

    zh: list[str]
    zh_spans: list[tuple[int, int]]
    en: list[str]
    en_spans: list[tuple[int, int]]
    en_index: list[int]  # position of each content token among all the link's tokens


def en_tokens(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    toks, spans = [], []
    for m in TOKEN_RE.finditer(text):
        t = normalise_token(m.group())
        if t:
            toks.append(t)
            spans.append(m.span())
    return toks, spans


class LexicalModel:
    """t(e|f) over the co-occurring pairs of a document, and alignment posteriors per link."""

    def __init__(self, links: Sequence[LinkTokens], iterations: int = 8, max_pairs: int = 1_000_000,
                 seed: bool = True):
        """``seed=False``: the links are English→Chinese (the reverse model), seeded the same way."""
        self.zh_vocab: dict[str, int] = {"": NULL}
        self.en_vocab: dict[str, int] = {}
        for lk in links:
            for w in lk.zh:
                self.zh_vocab.setdefault(w, len(self.zh_vocab))
            for e in lk.en:
                self.en_vocab.setdefault(e, len(self.en_vocab))
        self.n_en = max(len(self.en_vocab), 1)
        sample = self._sample(links, max_pairs)
        f_ids, e_ids, cols, diag = [], [], [], []
        col = 0
        self._offsets: dict[int, tuple[int, int, int]] = {}  # link position -> (first pair, rows, columns)
        start = 0
        for pos, lk in sample:
            f = np.array([NULL] + [self.zh_vocab[w] for w in lk.zh], dtype=np.int64)
            e = np.array([self.en_vocab[t] for t in lk.en], dtype=np.int64)
            if not len(e):
                continue
            f_ids.append(np.repeat(f, len(e)))
            e_ids.append(np.tile(e, len(f)))
            cols.append(np.tile(np.arange(col, col + len(e)), len(f)))
            diag.append(diagonal(len(f) - 1, len(e)).ravel())
            col += len(e)
            self._offsets[pos] = (start, len(f), len(e))
            start += len(f) * len(e)
        if not f_ids:
            self.keys = np.zeros(0, dtype=np.int64)
            self.t = np.zeros(0)
            self._inv = np.zeros(0, dtype=np.int64)
            return
        pf, pe, pc = np.concatenate(f_ids), np.concatenate(e_ids), np.concatenate(cols)
        pd = np.concatenate(diag)
        keys, inv = np.unique(pf * self.n_en + pe, return_inverse=True)
        uf = keys // self.n_en
        ue = keys % self.n_en
        seed = self._seed_mask(uf, ue, reverse=not seed)
        t = 1.0 + SEED * seed
        t /= np.bincount(uf, t)[uf]
        for _ in range(iterations):
            p = t[inv] * pd
            post = p / np.bincount(pc, p)[pc]
            counts = np.bincount(inv, post, minlength=len(keys)) + PRIOR * seed
            t = counts / np.bincount(uf, counts)[uf]
        self.keys, self.t, self._inv = keys, t, inv

    @staticmethod
    def _sample(links: Sequence[LinkTokens], max_pairs: int) -> list[tuple[int, LinkTokens]]:
        """Every k-th link, so that about max_pairs co-occurring pairs are trained on."""
        total = sum((len(lk.zh) + 1) * len(lk.en) for lk in links)
        k = max(1, -(-total // max_pairs))
        return list(enumerate(links))[::k]

    def _seed_mask(self, uf: np.ndarray, ue: np.ndarray, reverse: bool = False) -> np.ndarray:
        """1 where the pair is a CC-CEDICT translation, CHAR_SEED where a character's (source Chinese, or
        source English when reverse)."""
        weights: dict[int, float] = {}
        zh_vocab = self.en_vocab if reverse else self.zh_vocab
        en_vocab = self.zh_vocab if reverse else self.en_vocab
        present = set(uf.tolist()) if not reverse else set(ue.tolist())
        for zh, zi in zh_vocab.items():
            if not zh or (zi not in present and not reverse):
                continue
            for tokens, w in ((char_gloss_tokens(zh), CHAR_SEED), (gloss_tokens(zh), 1.0)):
                for t in tokens:
                    ei = en_vocab.get(t)
                    if ei is not None:
                        key = (ei * self.n_en + zi) if reverse else (zi * self.n_en + ei)
                        weights[key] = w
        if not weights:
            return np.zeros(len(uf))
        seed_keys = np.fromiter(weights.keys(), dtype=np.int64, count=len(weights))
        seed_w = np.fromiter(weights.values(), dtype=float, count=len(weights))
        order = np.argsort(seed_keys)
        seed_keys, seed_w = seed_keys[order], seed_w[order]
        keys = uf * self.n_en + ue
        k = np.minimum(np.searchsorted(seed_keys, keys), len(seed_keys) - 1)
        return np.where(seed_keys[k] == keys, seed_w[k], 0.0)

    def prob(self, f: str, e: str) -> float:
        """t(e|f); a small floor for a pair never seen together."""
        fi, ei = self.zh_vocab.get(f), self.en_vocab.get(e)
        if fi is None or ei is None or not len(self.keys):
            return FLOOR
        key = fi * self.n_en + ei
        k = int(np.searchsorted(self.keys, key))
        return float(self.t[k]) if k < len(self.keys) and self.keys[k] == key else FLOOR

    def posteriors(self, lk: LinkTokens, position: int | None = None) -> np.ndarray:
        """P(English token j is explained by Chinese word i), rows NULL + words, columns content tokens.

        ``position``: the link's index in the training list, if it was trained on (a faster lookup)."""
        at = self._offsets.get(position) if position is not None else None
        if at is not None:
            start, m, n = at
            t = self.t[self._inv[start:start + m * n]].reshape(m, n) * diagonal(m - 1, n)
            return t / t.sum(axis=0, keepdims=True)
        f = np.array([NULL] + [self.zh_vocab.get(w, -1) for w in lk.zh], dtype=np.int64)
        e = np.array([self.en_vocab.get(t, -1) for t in lk.en], dtype=np.int64)
        if not len(e):
            return np.zeros((len(f), 0))
        keys = (f[:, None] * self.n_en + e[None, :]).ravel()
        if len(self.keys):
            k = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
            t = np.where(self.keys[k] == keys, self.t[k], FLOOR)
        else:
            t = np.full(len(keys), FLOOR)
        t = t.reshape(len(f), len(e))
        t[(f < 0), :] = FLOOR
        t = t * diagonal(len(f) - 1, len(e))
        return t / t.sum(axis=0, keepdims=True)


__all__ = ["LexicalModel", "LinkTokens", "gloss_tokens", "char_gloss_tokens", "short_glosses", "en_tokens", "EN_STOP"]
