"""Lexical anchors: numerals and romanised names that should appear on both sides of a link."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def zh_anchors(text: str) -> frozenset:
    return frozenset()


def en_anchors(text: str) -> frozenset:
    return frozenset()


def span_sets(sets: Sequence[frozenset], k: int) -> list[list[frozenset]]:
    """Union of the anchor sets of spans i..i+s, s < k."""
    n = len(sets)
    out = []
    for i in range(n):
        row, acc = [], frozenset()
        for s in range(k):
            if i + s < n:
                acc = acc | sets[i + s]
            row.append(acc)
        out.append(row)
    return out


def agreement(zset: frozenset, esets: Sequence[frozenset]) -> np.ndarray:
    """Shared anchors minus unmatched ones, per English span."""
    return np.zeros(len(esets))
