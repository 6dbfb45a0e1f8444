"""Length-based cost in the manner of Gale & Church (1993), calibrated on the document.

For Chinese–English the expected English length per Chinese character is
taken from the document itself (total English characters over total Chinese
characters), so the cost adapts to the text's own expansion ratio.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from app.alignment.search import DEFAULT_BEADS, dp_align
from app.model import Bead

# Prior probabilities of bead shapes (Gale & Church, table 5).
PRIORS = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (1, 2): 0.089 / 2, (2, 1): 0.089 / 2,
          (2, 2): 0.011}
VARIANCE = 6.8  # per source length unit, in target length units (Gale & Church)


def text_length(text: str) -> int:
    """Characters that carry content: whitespace does not count."""
    return sum(1 for ch in text if not ch.isspace())


def _norm_sf(z: float) -> float:
    """Two-sided tail probability of a standard normal beyond |z|."""
    return math.erfc(abs(z) / math.sqrt(2))


class LengthCost:
    """Gale–Church cost over segment lengths; ``ratio`` defaults to the document's own."""

    def __init__(self, src_lens: Sequence[int], tgt_lens: Sequence[int], ratio: float | None = None):
        self.src = [0, *_cumsum(src_lens)]
        self.tgt = [0, *_cumsum(tgt_lens)]
        total_src, total_tgt = self.src[-1], self.tgt[-1]
        self.ratio = ratio if ratio else (total_tgt / total_src if total_src and total_tgt else 1.0)
        self.variance = VARIANCE * self.ratio

    def __call__(self, i: int, j: int, di: int, dj: int) -> float:
        l1 = self.src[i + di] - self.src[i]
        l2 = self.tgt[j + dj] - self.tgt[j]
        prior = PRIORS.get((di, dj), 0.0001)
        if di == 0 or dj == 0:
            return -math.log(prior)
        mean = (l1 * self.ratio + l2) / 2
        z = (l2 - l1 * self.ratio) / math.sqrt(max(mean, 1.0) * VARIANCE)
        p = max(_norm_sf(z), 1e-300)
        return -math.log(p) - math.log(prior)


def _cumsum(values: Sequence[int]) -> list[int]:
    out, total = [], 0
    for v in values:
        total += v
        out.append(total)
    return out


def align_lengths(src_texts: Sequence[str], tgt_texts: Sequence[str]) -> list[Bead]:
    """Align two lists of paragraphs by length alone (the baseline aligner)."""
    cost = LengthCost([text_length(t) for t in src_texts], [text_length(t) for t in tgt_texts])
    n, m = len(src_texts), len(tgt_texts)
    band = None if n + m <= 400 else max(40, abs(n - m) + (n + m) // 20)  # linear time on long documents
    return dp_align(n, m, cost, DEFAULT_BEADS, band=band)
