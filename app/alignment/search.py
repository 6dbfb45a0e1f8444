"""Dynamic-programming search over alignment beads, independent of the cost.

A cost function ``cost(i, j, di, dj)`` prices the bead that joins source
segments ``i .. i+di-1`` with target segments ``j .. j+dj-1``; the search finds
the monotone sequence of beads with the lowest total cost. Aligners differ only
in the cost they pass in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.errors import InputError
from app.model import Bead

Cost = Callable[[int, int, int, int], float]

DEFAULT_BEADS: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (1, 2), (2, 1))


def dp_align(
    n_src: int,
    n_tgt: int,
    cost: Cost,
    beads: Sequence[tuple[int, int]] = DEFAULT_BEADS,
    band: int | None = None,
) -> list[Bead]:
    """Best monotone alignment of ``n_src`` × ``n_tgt`` segments under ``cost``.

    ``band`` limits the search to cells within that distance of the diagonal
    (scaled to the two lengths); None searches the full table.
    """
    if n_src < 0 or n_tgt < 0:
        raise InputError("dp_align: segment counts must not be negative")
    for di, dj in beads:
        if di < 0 or dj < 0 or di + dj == 0:
            raise InputError(f"dp_align: bad bead shape {di}-{dj}")
    inf = float("inf")
    best = [[inf] * (n_tgt + 1) for _ in range(n_src + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (n_tgt + 1) for _ in range(n_src + 1)]
    best[0][0] = 0.0
    slope = n_tgt / n_src if n_src else 0.0
    for i in range(n_src + 1):
        if band is None:
            lo, hi = 0, n_tgt
        else:
            centre = i * slope
            lo, hi = max(0, int(centre - band)), min(n_tgt, int(centre + band) + 1)
            if i == n_src:
                hi = n_tgt
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            cell, arg = inf, None
            for di, dj in beads:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                prev = best[pi][pj]
                if prev == inf:
                    continue
                c = prev + cost(pi, pj, di, dj)
                if c < cell:
                    cell, arg = c, (di, dj)
            best[i][j], back[i][j] = cell, arg
    if best[n_src][n_tgt] == inf:
        raise InputError("dp_align: no alignment within the band; widen it")
    path: list[Bead] = []
    i, j = n_src, n_tgt
    while i or j:
        di, dj = back[i][j]
        pi, pj = i - di, j - dj
        step = cost(pi, pj, di, dj)
        path.append(Bead(tuple(range(pi, i)), tuple(range(pj, j)), step))
        i, j = pi, pj
    path.reverse()
    return path
