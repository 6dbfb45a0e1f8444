"""The banded search and the embedding aligner's DP on small synthetic cases."""

import numpy as np
import pytest

from app.alignment.api import align
from app.alignment.dp import band_around, banded_dp, bead_shapes
from app.alignment.embedding import Params, align_vectors
from app.errors import InputError

DIM = 64
RNG = np.random.default_rng(7)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CONCEPTS = {c: v / np.linalg.norm(v) for c, v in zip(LETTERS, RNG.normal(size=(26, DIM)), strict=True)}
# weights that isolate the search: plain cosine, no margin, no length term
PLAIN = Params(margin=0.0, threshold=0.0, size_exponent=0.0, merge_penalty=0.0, length_weight=0.0, skip=-0.1)


def span_vectors(sentences: list[str], k: int) -> np.ndarray:
    """Span vectors of 'sentences' made of concept letters: the normalised sum of their concepts."""
    n = len(sentences)
    out = np.zeros((n, k, DIM), dtype=np.float32)
    for i in range(n):
        acc = np.zeros(DIM)
        for s in range(k):
            if i + s >= n:
                break
            acc = acc + sum(CONCEPTS[c] for c in sentences[i + s])
            out[i, s] = acc / np.linalg.norm(acc)
    return out


def links(zh: list[str], en: list[str], params: Params = PLAIN) -> list[str]:
    zv, ev = span_vectors(zh, params.max_zh), span_vectors(en, params.max_en)
    zl = np.array([10.0 * len(s) for s in zh])
    el = np.array([10.0 * len(s) for s in en])
    cands = align_vectors(zv, ev, zl, el, params)
    return ["[" + ",".join(map(str, range(c.i, c.i + c.di))) + "]:[" + ",".join(map(str, range(c.j, c.j + c.dj)))
            + "]" for c in cands]


CASES = [
    ("one to one", ["A", "B", "C"], ["A", "B", "C"], ["[0]:[0]", "[1]:[1]", "[2]:[2]"]),
    ("omission", ["A", "B", "X", "C"], ["A", "B", "C"], ["[0]:[0]", "[1]:[1]", "[2]:[]", "[3]:[2]"]),
    ("addition", ["A", "B"], ["A", "Y", "B"], ["[0]:[0]", "[]:[1]", "[1]:[2]"]),
    ("1-2", ["A", "BC", "D"], ["A", "B", "C", "D"], ["[0]:[0]", "[1]:[1,2]", "[2]:[3]"]),
    ("2-1", ["A", "B", "C", "D"], ["A", "BC", "D"], ["[0]:[0]", "[1,2]:[1]", "[3]:[2]"]),
    ("2-2", ["A", "BC", "DE", "F"], ["A", "BD", "CE", "F"], ["[0]:[0]", "[1,2]:[1,2]", "[3]:[3]"]),
    ("1-6", ["A", "BCDEFG", "H"], ["A", "B", "C", "D", "E", "F", "G", "H"],
     ["[0]:[0]", "[1]:[1,2,3,4,5,6]", "[2]:[7]"]),
    ("4-1", ["A", "B", "C", "D", "E", "F"], ["A", "BCDE", "F"], ["[0]:[0]", "[1,2,3,4]:[1]", "[5]:[2]"]),
]


@pytest.mark.parametrize(("zh", "en", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_synthetic(zh, en, expected):
    assert links(zh, en) == expected


def test_empty_side_gives_null_links():
    assert [b.as_links() for b in align([], ["One.", "Two."])] == ["[]:[0]", "[]:[1]"]
    assert [b.as_links() for b in align(["一。"], [])] == ["[0]:[]"]


def test_both_sides_empty_is_an_input_error():
    with pytest.raises(InputError, match="both sides are empty"):
        align([], [])


@pytest.mark.parametrize("bad", ["一句话", [1, 2]])
def test_bad_segments(bad):
    with pytest.raises(InputError):
        align(bad, ["x"])


def test_banded_dp_diagonal_and_band():
    n = 60
    def score(i, di, dj, js):
        if di == 0 or dj == 0:
            return np.full(len(js), -1.0)
        return np.where((js == i) & (di == 1) & (dj == 1), 1.0, -0.5)
    full = banded_dp(n, n, bead_shapes(2, 2), score)
    assert [(i, j, di, dj) for i, j, di, dj in full] == [(i, i, 1, 1) for i in range(n)]
    lo, hi = band_around([(i, i) for i in range(n + 1)], n, n, 3)
    assert lo[0] == 0 and hi[n] == n and (hi - lo).max() <= 4 * 3
    assert banded_dp(n, n, bead_shapes(2, 2), score, lo, hi) == full


def test_bad_shapes():
    with pytest.raises(InputError):
        bead_shapes(0, 3)
    with pytest.raises(InputError):
        banded_dp(2, 2, [(0, 2)], lambda i, di, dj, js: np.zeros(len(js)))
