"""Banded dynamic programming over alignment beads, vectorised per row (arrays in, path out).

The search runs over boundary points ``(i, j)``: ``i`` Chinese and ``j`` English
segments consumed. Row ``i`` is limited to the columns ``lo[i] .. hi[i]``, so time
and memory grow with the band's area, not with ``n × m``. A bead ``(di, dj)``
joins source segments ``i .. i+di-1`` with target segments ``j .. j+dj-1``; the
caller's ``score(i, di, dj, js)`` prices the beads starting at ``(i, js)`` for a
vector of ``js`` (higher is better). 0-1 beads chain inside a row and are folded
in with a running maximum, so each row costs a few numpy calls per bead shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from app.errors import InputError

RowScore = Callable[[int, int, int, np.ndarray], np.ndarray]
Path = list[tuple[int, int, int, int]]  # (i, j, di, dj) per bead


def bead_shapes(max_src: int, max_tgt: int) -> tuple[tuple[int, int], ...]:
    """1-0, 0-1 and every m:n shape up to ``max_src`` × ``max_tgt``."""
    if max_src < 1 or max_tgt < 1:
        raise InputError("bead sizes must be at least 1")
    return ((1, 0), (0, 1), *((a, b) for a in range(1, max_src + 1) for b in range(1, max_tgt + 1)))


def full_band(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Every column in every row."""
    return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)


def band_around(points: Sequence[tuple[int, int]], n: int, m: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows' column ranges covering a monotone path of boundary points, widened by ``width``."""
    jmin = np.full(n + 1, -1, dtype=np.int64)
    jmax = np.full(n + 1, -1, dtype=np.int64)
    for i, j in points:
        i = min(max(i, 0), n)
        j = min(max(j, 0), m)
        if jmin[i] < 0 or j < jmin[i]:
            jmin[i] = j
        jmax[i] = max(jmax[i], j)
    # rows the path jumps over take the columns between their neighbours
    last = 0
    for i in range(n + 1):
        if jmin[i] < 0:
            jmin[i] = last
        else:
            last = jmax[i]
    nxt = m
    for i in range(n, -1, -1):
        if jmax[i] < 0 or jmax[i] < jmin[i]:
            jmax[i] = max(nxt, jmin[i]) if jmax[i] < 0 else jmin[i]
        nxt = jmin[i]
    lo = jmin.copy()
    hi = jmax.copy()
    for s in range(1, width + 1):
        lo[s:] = np.minimum(lo[s:], jmin[:-s])
        lo[:-s] = np.minimum(lo[:-s], jmin[s:])
        hi[s:] = np.maximum(hi[s:], jmax[:-s])
        hi[:-s] = np.maximum(hi[:-s], jmax[s:])
    lo = np.clip(lo - width, 0, m)
    hi = np.clip(hi + width, 0, m)
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    return lo, hi


def banded_dp(
    n: int,
    m: int,
    shapes: Sequence[tuple[int, int]],
    score: RowScore,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
) -> Path:
    """Highest-scoring monotone bead path from (0, 0) to (n, m) inside the band."""
    return banded_tables(n, m, shapes, score, lo, hi)[0]


def banded_tables(
    n: int,
    m: int,
    shapes: Sequence[tuple[int, int]],
    score: RowScore,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
) -> tuple[Path, list[np.ndarray]]:
    """The best path and the table of best scores from (0, 0) to every point of the band (row i: lo[i]..hi[i])."""
    if n < 0 or m < 0:
        raise InputError("segment counts must not be negative")
    if lo is None or hi is None:
        lo, hi = full_band(n, m)
    if lo[0] != 0 or hi[n] != m:
        raise InputError("the band must contain (0, 0) and (n, m)")
    neg = -np.inf
    best: list[np.ndarray] = []
    back: list[np.ndarray] = []
    ins = [k for k, (di, dj) in enumerate(shapes) if (di, dj) == (0, 1)]
    for di, dj in shapes:
        if di < 0 or dj < 0 or di + dj == 0 or (di == 0 and dj != 1):
            raise InputError(f"bad bead shape {di}-{dj}")
    for i in range(n + 1):
        js = np.arange(lo[i], hi[i] + 1, dtype=np.int64)
        cur = np.full(len(js), neg)
        arg = np.full(len(js), -1, dtype=np.int8)
        if i == 0:
            cur[0] = 0.0
        for k, (di, dj) in enumerate(shapes):
            r = i - di
            if di == 0 or r < 0:
                continue
            prev = best[r]
            idx = js - dj - lo[r]
            ok = (idx >= 0) & (idx < len(prev)) & (js - dj >= 0)
            if not ok.any():
                continue
            sel = np.flatnonzero(ok)
            base = prev[idx[sel]]
            live = base > neg
            if not live.any():
                continue
            sel, base = sel[live], base[live]
            cand = base + score(r, di, dj, js[sel] - dj)
            better = cand > cur[sel]
            cur[sel[better]] = cand[better]
            arg[sel[better]] = k
        if ins and len(js) > 1:
            step = np.asarray(score(i, 0, 1, js[:-1]), dtype=np.float64)
            acc = np.concatenate(([0.0], np.cumsum(step)))
            run = np.maximum.accumulate(cur - acc) + acc
            better = run > cur + 1e-12
            cur[better] = run[better]
            arg[better] = ins[0]
        best.append(cur)
        back.append(arg)
    if not np.isfinite(best[n][m - lo[n]]):
        raise InputError("no alignment inside the search band")
    path: Path = []
    i, j = n, m
    while i or j:
        k = back[i][j - lo[i]]
        if k < 0:
            raise InputError("broken back-pointer in the alignment search")
        di, dj = shapes[k]
        i, j = i - di, j - dj
        path.append((i, j, di, dj))
    path.reverse()
    return path, best


def max_marginals(
    n: int,
    m: int,
    shapes: Sequence[tuple[int, int]],
    score: RowScore,
    forward: list[np.ndarray],
    lo: np.ndarray,
    hi: np.ndarray,
) -> list[np.ndarray]:
    """Best score of a full path through each point of the band: forward table plus a backward pass.

    The backward pass is the forward search of the reversed problem over the same band.
    """
    rlo = (m - hi[::-1]).astype(np.int64)
    rhi = (m - lo[::-1]).astype(np.int64)

    def rscore(i: int, di: int, dj: int, js: np.ndarray) -> np.ndarray:
        return score(n - i - di, di, dj, m - js - dj)

    _, back = banded_tables(n, m, shapes, rscore, rlo, rhi)
    out = []
    for i in range(n + 1):
        b = back[n - i][::-1]  # reversed row n-i covers columns m-hi[i]..m-lo[i]
        out.append(forward[i] + b)
    return out
