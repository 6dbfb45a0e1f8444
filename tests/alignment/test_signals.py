"""The aligner's signals beyond the encoder: quotation ends, the weakest member of a bead, the lexicon,
max-marginal gaps and the link confidence model. Small synthetic inputs, no model load."""

import math
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from app.alignment import confidence as conf
from app.alignment.anchors import closes_quote
from app.alignment.dp import banded_tables, bead_shapes, full_band, max_marginals
from app.alignment.embedding import (
    Candidate,
    Params,
    align_vectors,
    clause_pieces,
    edge_table,
    local_means,
    path_gaps,
)
from app.alignment.lexicon import Dictionary, DocumentLexicon, PairLexicon, Vocab, en_tokens, ibm1, prior, stem

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("text", "lang", "closes"), [
    ("“好啊！”", "zh", True),
    ("刘老老道：“他是太太的陪房。”", "zh", True),
    ("“难道那些传说……", "zh", False),
    ("他双手捂着脸哭了起来。", "zh", False),
    ("Go out and rob?'", "en", True),
    ('"Hahaha, another one bites the dust!"', "en", True),
    ("'It's easy for you,' said Gou-er, 'but what do you expect me to do?", "en", False),
    ("He took the boys'", "en", False),  # a plural possessive is not a closing quote
    ("He covered his eyes and began to cry.", "en", False),
])
def test_closes_quote(text, lang, closes):
    assert bool(closes_quote([text], lang)[0]) is closes


@pytest.mark.parametrize(("word", "out"), [
    ("cries", "cry"), ("cried", "cry"), ("crying", "cry"), ("Boxes", "box"), ("glass", "glass"),
    ("running", "run"), ("stopped", "stop"), ("Wang's", "wang"), ("is", "is"),
])
def test_stem(word, out):
    assert stem(word) == out


def test_en_tokens_drop_function_words():
    assert en_tokens("The cat sat on the mats, and it cried.") == ["cat", "sat", "mat", "cry"]


TOY = Dictionary({"猫": ["cat"], "小猫": ["kitten"], "哭": ["cry", "weep"], "睡觉": ["sleep"]})


def test_segment_prefers_the_longest_headword_and_drops_function_words():
    assert TOY.segment("小猫在哭。") == ["小猫", "哭"]
    assert TOY.segment("猫睡觉了，汪淼") == ["猫", "睡觉", "汪", "淼"]  # unknown characters stand alone


def test_prior_spreads_a_gloss_over_the_words_the_document_uses():
    zv, ev = Vocab(), Vocab()
    for w in ("cry", "kitten"):
        ev(w)
    t0 = prior([["哭", "小猫", "猫"]], TOY, zv, ev)
    assert t0[zv.ids["哭"]] == {ev.ids["cry"]: 1.0}  # "weep" is not in the document
    assert t0[zv.ids["猫"]] == {}


def test_ibm1_learns_a_recurring_name_and_ignores_a_word_met_once():
    # 汪 always comes with "wang"; 桌 only once, with "table"
    pairs = [([0, 1], [10, 11]), ([0, 2], [10, 12]), ([0, 3], [10, 13]), ([4], [14])]
    table = ibm1(pairs, {}, iterations=10, min_pairs=3)
    assert max(table[0], key=table[0].get) == 10
    assert table[0][10] > 0.5
    assert 4 not in table or not table[4]


def test_pair_lexicon_coverage_prefers_the_right_pairing():
    zh_ids = [[0], [1]]
    en_ids = [[10, 20], [11]]
    table = {0: {10: 1.0}, 1: {11: 1.0}}
    lex = PairLexicon(zh_ids, en_ids, table, base=np.zeros(2, dtype=np.int64), width=2, n_en_vocab=30)
    js = np.array([0, 1])
    right, wrong = lex.coverage(0, 1, js, 1)
    assert right > wrong == 0.0
    assert lex.matches(0, 2, np.array([0]), 2)[0] == pytest.approx(2.0)


def test_document_lexicon_builds_a_band():
    lex = DocumentLexicon(["猫哭。", "睡觉。"], ["The cat cried.", "Sleep."], 2, 2, dictionary=TOY)
    pair = lex([(0, 0), (1, 1), (2, 2)], np.array([0, 0, 0]), np.array([2, 2, 2]))
    assert pair.coverage(0, 1, np.array([0, 1]), 1)[0] > pair.coverage(0, 1, np.array([0, 1]), 1)[1]


# -- synthetic vectors: sentence k of a side is basis vector k; a span is the unit sum ----------

def spans(rows: np.ndarray, k: int) -> np.ndarray:
    n, d = rows.shape
    out = np.zeros((n, k, d), dtype=np.float32)
    for i in range(n):
        for s in range(k):
            if i + s < n:
                v = rows[i:i + s + 1].sum(0)
                out[i, s] = v / np.linalg.norm(v)
    return out


def toy_inputs(zrows, erows, kz=2, ke=3):
    zrows, erows = np.asarray(zrows, dtype=np.float32), np.asarray(erows, dtype=np.float32)
    return {"zv": spans(zrows, kz), "ev": spans(erows, ke), "zlen": np.full(len(zrows), 20.0),
            "elen": np.full(len(erows), 40.0), "zclose": np.zeros(len(zrows), bool),
            "eclose": np.zeros(len(erows), bool)}


def links(cands):
    return [(c.di, c.dj) for c in cands]


def test_an_unrelated_english_sentence_is_a_0_1_link():
    eye = np.eye(8)
    noise = np.full(8, -0.05)
    noise[7] = 1.0
    zh = [eye[0], eye[1], eye[2], eye[3]]
    en = [eye[0], eye[1], noise / np.linalg.norm(noise), eye[2], eye[3]]
    params = replace(Params(max_zh=2, max_en=3), margin=0.0, length_weight=0.0)
    got = align_vectors(params=params, **toy_inputs(zh, en))
    assert links(got) == [(1, 1), (1, 1), (0, 1), (1, 1), (1, 1)]


def stranger_case(cos: float):
    eye = np.eye(8)
    stranger = cos * eye[1] + math.sqrt(1 - cos * cos) * eye[6]
    return [eye[0], eye[1], eye[2]], [eye[0], eye[1], stranger, eye[2]]


def test_the_null_term_leaves_a_sentence_with_no_good_match_nearby_unmatched():
    zh, en = stranger_case(0.2)  # below null_floor with every Chinese sentence, but close enough to be merged
    base = replace(Params(max_zh=2, max_en=3), margin=0.0, length_weight=0.0, member_weight=0.0)
    assert (1, 2) in links(align_vectors(params=base, **toy_inputs(zh, en)))
    got = align_vectors(params=replace(base, null_weight=2.0), **toy_inputs(zh, en))
    assert links(got) == [(1, 1), (1, 1), (0, 1), (1, 1)]
    assert got[2].best == pytest.approx(0.2, abs=1e-4)  # the unmatched sentence's best nearby cosine
    short = toy_inputs(zh, en)
    short["elen"] = np.array([40.0, 40.0, 4.0, 40.0])  # a short sentence: its cosine says less, the term is smaller
    assert (1, 2) in links(align_vectors(params=replace(base, null_weight=2.0), **short))


def test_the_weakest_member_penalty_splits_a_bead_with_a_stranger():
    eye = np.eye(8)
    stranger = 0.3 * eye[1] + 0.95 * eye[6]  # cosine 0.3 with zh 1: just enough to be merged without the penalty
    stranger /= np.linalg.norm(stranger)
    zh = [eye[0], eye[1], eye[2]]
    en = [eye[0], eye[1], stranger, eye[2]]
    base = replace(Params(max_zh=2, max_en=3), margin=0.0, length_weight=0.0, skip=-0.25)
    merged = align_vectors(params=replace(base, member_weight=0.0), **toy_inputs(zh, en))
    split = align_vectors(params=replace(base, member_weight=3.0, member_floor=0.5), **toy_inputs(zh, en))
    assert (1, 2) in links(merged)
    assert links(split) == [(1, 1), (1, 1), (0, 1), (1, 1)]


def test_an_edge_member_is_measured_against_the_edge_clause_of_the_other_side():
    eye = np.eye(8)
    short = 0.1 * eye[0] + eye[5]  # "Okay, it's all set.": next to nothing in common with either sentence ...
    short /= np.linalg.norm(short)
    zh, en = [eye[0], eye[1]], [eye[0], short, eye[1]]
    inputs = toy_inputs(zh, en)
    # ... but zh 1 opens with a clause ("好了，") that it matches
    inputs["zedge"] = np.stack([np.stack([eye[0], eye[0]]), np.stack([eye[5], eye[1]])]).astype(np.float32)
    base = replace(Params(max_zh=2, max_en=3), margin=0.0, length_weight=0.0, skip=-0.6, member_weight=1.0,
                   member_floor=0.5)
    assert links(align_vectors(params=replace(base, member_edge=0.0), **inputs)) == [(1, 2), (1, 1)]
    assert links(align_vectors(params=replace(base, member_edge=0.5), **inputs)) == [(1, 1), (1, 2)]
    del inputs["zedge"]  # without clause vectors the term is off
    assert links(align_vectors(params=replace(base, member_edge=0.5), **inputs)) == [(1, 2), (1, 1)]


def test_the_banded_search_prices_edge_members_as_the_formula_says():
    # long enough to be searched in a band, with m:n beads on the path: each link's weakest member (as the search
    # priced it, from cosines cached per row) equals the formula computed directly
    rng = np.random.default_rng(12)
    d, n = 16, 60
    zrows = rng.normal(size=(n, d))
    erows, k = [], 0
    while k < n:  # each Chinese sentence with one to three English ones, or two Chinese with one English
        if k + 1 < n and rng.random() < 0.3:
            erows.append(zrows[k] + zrows[k + 1] + rng.normal(scale=0.5, size=d))
            k += 2
            continue
        for _ in range(int(rng.integers(1, 4))):
            erows.append(zrows[k] + rng.normal(scale=0.8, size=d))
        k += 1
    zrows = zrows / np.linalg.norm(zrows, axis=1, keepdims=True)
    erows = np.array(erows) / np.linalg.norm(erows, axis=1, keepdims=True)
    inputs = toy_inputs(zrows, erows, kz=2, ke=3)
    clauses = rng.normal(size=(n, 2, d))
    inputs["zedge"] = (clauses / np.linalg.norm(clauses, axis=-1, keepdims=True)).astype(np.float32)
    params = replace(Params(max_zh=2, max_en=3), full_cells=0, final_width=3, member_weight=0.01,
                    member_floor=0.95, member_edge=0.5)  # (a high floor: every member falls short)
    got = align_vectors(params=params, **inputs)
    zv, ev, zedge, e = inputs["zv"], inputs["ev"], inputs["zedge"], 0.5
    assert any(c.dj > 1 for c in got) and any(c.di > 1 for c in got)
    for c in got:
        if c.di and c.dj and (c.di > 1 or c.dj > 1):
            zspan, espan = zv[c.i, c.di - 1], ev[c.j, c.dj - 1]
            low = 0.0
            if c.dj > 1:
                for t in range(c.dj):
                    cos = float(ev[c.j + t, 0] @ zspan)
                    if t == 0:
                        cos = (1 - e) * cos + e * float(ev[c.j, 0] @ zedge[c.i, 0])
                    elif t == c.dj - 1:
                        cos = (1 - e) * cos + e * float(ev[c.j + t, 0] @ zedge[c.i + c.di - 1, 1])
                    low = min(low, cos - params.member_floor)
            if c.di > 1:
                for t in range(c.di):
                    cos = float(espan @ zv[c.i + t, 0])
                    if t == 0:
                        cos = (1 - e) * cos + e * float(ev[c.j, 0] @ zv[c.i, 0])
                    elif t == c.di - 1:
                        cos = (1 - e) * cos + e * float(ev[c.j + c.dj - 1, 0] @ zv[c.i + t, 0])
                    low = min(low, cos - params.member_floor)
            assert c.member == pytest.approx(low, abs=1e-5)


def test_edge_vectors_read_only_the_clauses_of_sentences_that_have_several():
    texts = ["好了，从现在开始，数值会自动存盘。", "他哭了起来。"]
    pieces = clause_pieces(texts, "zh")
    assert pieces == [(0, "好了，", True), (0, "数值会自动存盘。", False)]
    own = np.eye(4, dtype=np.float32)[:2, None, :]  # span vectors (n, 1, d)
    out = edge_table(own, pieces, np.eye(4, dtype=np.float32)[2:4])
    assert out.shape == (2, 2, 4)
    assert np.array_equal(out[0], np.eye(4)[2:4]) and np.array_equal(out[1], np.stack([own[1, 0], own[1, 0]]))


def test_a_shared_quotation_end_moves_a_boundary():
    eye = np.eye(6)
    mid = (eye[0] + eye[1]) / math.sqrt(2)  # belongs as much to zh 0 as to zh 1
    zh, en = [eye[0], eye[1]], [eye[0], mid, eye[1]]
    inputs = toy_inputs(zh, en)
    inputs["zclose"] = np.array([True, False])
    inputs["eclose"] = np.array([False, True, False])
    params = replace(Params(max_zh=2, max_en=3), margin=0.0, length_weight=0.0)
    assert links(align_vectors(params=replace(params, close_weight=0.5), **inputs)) == [(1, 2), (1, 1)]
    inputs["eclose"] = np.array([True, False, False])  # now the quotation ends after English 0
    assert links(align_vectors(params=replace(params, close_weight=0.5), **inputs)) == [(1, 1), (1, 2)]


def test_max_marginals_equal_the_best_score_on_the_path_and_bound_it_elsewhere():
    rng = np.random.default_rng(3)
    n, m = 6, 7
    table = rng.normal(size=(n + 1, m + 1, 3, 4))
    shapes = bead_shapes(2, 3)

    def score(i, di, dj, js):
        return np.array([table[i, j, di, dj] if di and dj else -0.3 for j in js])

    lo, hi = full_band(n, m)
    path, forward = banded_tables(n, m, shapes, score, lo, hi)
    total = forward[n][m]
    marg = max_marginals(n, m, shapes, score, forward, lo, hi)
    i = j = 0
    assert marg[0][0] == pytest.approx(total)
    for _, _, di, dj in path:
        i, j = i + di, j + dj
        assert marg[i][j] == pytest.approx(total)
    assert max(float(row.max()) for row in marg) == pytest.approx(total)
    gaps = path_gaps(path, n, m, marg, lo)
    assert len(gaps) == len(path) and min(gaps) >= 0.0


def test_confidence_ranks_a_clear_link_above_a_doubtful_one():
    clear = Candidate(0, 0, 1, 1, 0.7, 1.0, margin_sim=0.5, neighbour_sim=0.5, gap=2.0, leak=0.1)
    doubtful = Candidate(0, 0, 1, 2, 0.4, 0.2, margin_sim=0.1, neighbour_sim=0.1, gap=0.02, leak=0.5)
    assert conf.confidence(clear) > 0.9 > conf.confidence(doubtful)
    assert 0.0 < conf.confidence(doubtful) < 0.5
    assert len(conf.features(clear)) == len(conf.FEATURES) == len(conf.WEIGHTS)


def test_confidence_features_of_a_link_with_a_close_rival_shape_and_a_long_length_mismatch():
    base = Candidate(0, 0, 1, 1, 0.6, 1.0, margin_sim=0.4, neighbour_sim=0.4, gap=1.0, leak=0.1)
    rivalled = replace(base, rival=0.1, mismatch=16.0)
    names = list(conf.FEATURES)
    f = conf.features(rivalled)
    assert f[names.index("rival shape")] == pytest.approx(0.1)
    assert f[names.index("length mismatch")] == pytest.approx(4.0)
    assert conf.confidence(rivalled) < conf.confidence(replace(base, rival=-0.3))
    null = Candidate(3, 2, 1, 0, 0.0, -0.1, gap=0.5, best=0.6)
    assert conf.features(null)[names.index("null: best nearby cosine")] == pytest.approx(0.6)


def test_the_aligner_fills_the_confidence_features():
    eye = np.eye(8)
    zh, en = [eye[0], eye[1], eye[2]], [eye[0], 0.8 * eye[1] + 0.6 * eye[5], 0.6 * eye[1] + 0.8 * eye[5], eye[2]]
    got = align_vectors(params=replace(Params(max_zh=2, max_en=3), margin=0.0), **toy_inputs(zh, en))
    assert links(got) == [(1, 1), (1, 2), (1, 1)]
    one_two = got[1]
    assert one_two.member == pytest.approx(0.0)  # both English sentences reach member_floor with Chinese 1
    assert one_two.rival == pytest.approx(0.8 - one_two.sim, abs=1e-4)  # the 1-1 with English 1 alone
    assert one_two.mismatch > got[0].mismatch  # 20 Chinese characters against 80 English ones
    assert got[1].neighbour_gap == pytest.approx(min(got[0].gap, got[2].gap))


def test_rescale_moves_weak_at_to_one_half_and_keeps_the_order():
    assert conf.rescale(conf.WEAK_AT) == pytest.approx(0.5)
    xs = [0.1, 0.5, 0.8, 0.9, 0.99]
    ys = [conf.rescale(x) for x in xs]
    assert ys == sorted(ys)


@pytest.mark.parametrize(("scores", "positive", "value"), [
    ([0.1, 0.2, 0.8, 0.9], [False, False, True, True], 1.0),
    ([0.9, 0.8, 0.2, 0.1], [False, False, True, True], 0.0),
    ([0.5, 0.5, 0.5, 0.5], [False, True, False, True], 0.5),
    ([0.1, 0.6, 0.4, 0.9], [False, False, True, True], 0.75),
])
def test_auc(scores, positive, value):
    assert conf.auc(scores, positive) == pytest.approx(value)


def test_fit_separates_a_separable_sample():
    x = np.array([[1.0, v] for v in (-2, -1, -0.5, 0.5, 1, 2)])
    y = np.array([0, 0, 0, 1, 1, 1], dtype=float)
    w = conf.fit(x, y)
    assert w[1] > 1.0


# -- the benchmark's perturbations keep the gold consistent ------------------------------------

@pytest.fixture
def align_eval():
    sys.path.insert(0, str(ROOT / "bench"))
    import align_eval

    yield align_eval
    sys.path.remove(str(ROOT / "bench"))


def covers(ch) -> bool:
    en_ids = sorted(j for _, e in ch.gold for j in e)
    return en_ids == list(range(len(ch.en)))


def test_perturbations_keep_every_english_line_in_one_gold_link(align_eval):
    import random

    en = ["One, which is quite a long first sentence, is here for the split.", "Two.", "Three.", "Four a.", "Four b."]
    gold = [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3, 4))]
    ch = align_eval.Chapter("x", ["一", "二", "三", "四"], en, gold)
    rng = random.Random(1)
    deleted, _ = align_eval.delete_en(ch, 0.4, rng)
    inserted, k = align_eval.insert_en(ch, ["Stray one.", "Stray two."], 0.4, rng)
    merged, _ = align_eval.merge_en(ch, 0.4, rng)
    split, _ = align_eval.split_en(ch, 1.0, rng)
    for pert in (deleted, inserted, merged, split):
        assert covers(pert)
    assert sum(1 for z, e in inserted.gold if not z) == k
    assert any(not e for _, e in deleted.gold) or len(deleted.en) == 3
    assert len(split.en) == 6 and ((0,), (0, 1)) in split.gold


def test_a_k_nearest_neighbour_margin_averages_the_most_similar_neighbours():
    eye = np.eye(6, dtype=np.float32)
    other = eye[[0, 1, 2, 3]]  # the span is eye[0]: one neighbour at 1.0, three at 0
    vecs = eye[None, :1]  # (1, 1, d)
    centre = np.array([1])
    assert local_means(vecs, other, centre, 2)[0, 0] == pytest.approx(0.25)
    assert local_means(vecs, other, centre, 2, top=2)[0, 0] == pytest.approx(0.5)
    assert local_means(vecs, other, centre, 2, top=4)[0, 0] == pytest.approx(0.25)  # as many as the window
