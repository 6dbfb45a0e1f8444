"""Link confidence: a logistic model of "this link is right", over a few features of each bead.

The strongest feature is the bead's max-marginal *gap*: how much worse the best alignment is
that puts a boundary somewhere else inside the bead's rows (:func:`app.alignment.embedding.path_gaps`).
Then the cosine, the cosine minus its local mean, the neighbours' margin and gap, the bead size and
shape, how well a sentence just outside the bead matches the bead's other side, the length mismatch,
the weakest member's shortfall, how close the best rival shape from the same start comes (one sentence
more or less on a side) and, for a 1-0 or 0-1 link, its sentence's best cosine with the other side nearby.
``WEIGHTS`` were fitted on MAC-Dev's six chapters by ``bench/bench_align.py --fit-confidence``;
the benchmark reports the AUC of weights refitted on five chapters and scored on the sixth.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

FEATURES = ("bias", "null", "cosine", "margin", "neighbour margin", "log gap", "gap capped at 1", "extra sentences",
            "outside match", "outside match - cosine", "length mismatch", "weakest member", "neighbour log gap",
            "null: best nearby cosine", "m:n on both sides", "rival shape")
WEIGHTS = (2.41, -0.63, 0.93, 0.57, 0.73, 0.27, 2.05, 0.07, -0.48, -1.41, -0.53, -0.09, 0.09, -0.10, -1.07, -1.12)
# The weak mark (the service's threshold, 0.5) falls where the modelled probability of a right link is WEAK_AT:
# about one link in fourteen is wrong on MAC-Dev, so a plain probability would put almost none below 0.5.
WEAK_AT = 0.85


def features(c) -> list[float]:
    """The feature vector of one candidate bead (see ``FEATURES``)."""
    null = c.di == 0 or c.dj == 0
    log_gap = math.log(max(0.0, c.gap) + 0.01)
    near_gap = math.log(max(0.0, c.neighbour_gap) + 0.01)
    if null:
        return [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, min(c.gap, 1.0), 0.0, 0.0, 0.0, 0.0, 0.0, near_gap, c.best, 0.0, 0.0]
    return [1.0, 0.0, c.sim, c.margin_sim, c.neighbour_sim, log_gap, min(c.gap, 1.0), float(c.di + c.dj - 2),
            c.leak, c.leak - c.sim, math.sqrt(min(c.mismatch, 25.0)), c.member, near_gap, 0.0,
            float(c.di > 1 and c.dj > 1), c.rival]


def probability(x: Sequence[float], weights: Sequence[float] = WEIGHTS) -> float:
    """Logistic of the weighted features."""
    z = sum(a * b for a, b in zip(x, weights, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def rescale(p: float, weak_at: float = WEAK_AT) -> float:
    """Move a probability's odds so that ``weak_at`` maps to 0.5 (monotone: the ranking is unchanged)."""
    p = min(max(p, 1e-12), 1 - 1e-12)
    z = math.log(p / (1 - p)) - math.log(weak_at / (1 - weak_at))
    return 1.0 / (1.0 + math.exp(-z))


def confidence(c, weights: Sequence[float] = WEIGHTS) -> float:
    """A link's confidence in [0, 1]: the modelled probability that it is right, rescaled so that 0.5 is
    ``WEAK_AT``."""
    return rescale(probability(features(c), weights))


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 30) -> np.ndarray:
    """Logistic regression weights by Newton's method with an L2 penalty (``y`` is 1 for a right link)."""
    w = np.zeros(x.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + l2 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def auc(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """Probability that a positive scores higher than a negative (ties count half); nan if a class is empty."""
    s = np.asarray(scores, dtype=np.float64)
    pos = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if not n_pos or not n_neg:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    k = 0
    while k < len(s):
        e = k
        while e + 1 < len(s) and sorted_s[e + 1] == sorted_s[k]:
            e += 1
        ranks[order[k:e + 1]] = (k + e) / 2 + 1
        k = e + 1
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
