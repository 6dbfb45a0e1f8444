"""The MT signal for the aligner: exact sacreBLEU chrF over spans, and its effect on the path."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sacrebleu import sentence_chrf

from app.alignment.embedding import Params, align_vectors
from app.alignment.mt_signal import MTSignal, span_ngrams

EN = ["The meeting was held in Beijing.", "It lasted two days.", "Delegates discussed the plan.",
      "A resolution was adopted.", "The press was informed.", "Everyone went home.", "The end came quickly."]


def test_span_chrf_equals_sacrebleu():
    mt = ["The meeting took place in Beijing", "it was two days long", "delegates talked about the plan",
          "they adopted a resolution", "reporters were told", "all went home"]
    sig = MTSignal(mt, EN, max_zh=3, max_en=4)
    rnd = random.Random(3)
    for _ in range(60):
        di, dj = rnd.randint(1, 3), rnd.randint(1, 4)
        i, j = rnd.randint(0, len(mt) - di), rnd.randint(0, len(EN) - dj)
        want = sentence_chrf(" ".join(mt[i:i + di]), [" ".join(EN[j:j + dj])]).score
        assert sig.chrf(i, di, j, dj) == pytest.approx(want, abs=1e-9)


def test_boundary_ngrams_are_counted():
    assert span_ngrams(["ab", "c"])["abc"] == 1
    assert sum(span_ngrams(["a b", "c"]).values()) == sum(span_ngrams(["abc"]).values())


def test_the_signal_pulls_the_path_to_the_translation():
    n = len(EN)
    rng = np.random.default_rng(0)
    d = 8
    zv = rng.standard_normal((n, 2, d))
    ev = rng.standard_normal((n, 2, d))
    zv /= np.linalg.norm(zv, axis=-1, keepdims=True)
    ev /= np.linalg.norm(ev, axis=-1, keepdims=True)
    zlen = elen = np.array([len(e) for e in EN], dtype=np.float64)
    params = Params(max_zh=2, max_en=2, anchor_weight=0.0)
    signal = MTSignal(EN, EN, max_zh=2, max_en=2, weight=3.0, centre=0.3)
    beads = align_vectors(zv, ev, zlen, elen, params, extra=signal)
    assert [(c.i, c.j, c.di, c.dj) for c in beads] == [(k, k, 1, 1) for k in range(n)]
