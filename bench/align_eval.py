"""Evaluation helpers for bench_align.py: leave-one-chapter-out CV, link confidence, perturbed copies.

Every MAC-Dev chapter is a different book, so leaving one chapter out is leaving one book out.
Tuned parameters (``GRID``) are chosen on five chapters by strict F1 (counts summed over the
five) and the sixth is aligned with them; the held-out counts are summed over the six folds.
The confidence model is refitted the same way: on the links of the five training chapters
(aligned with that fold's parameters), scored on the held-out chapter's links.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from app.alignment import confidence as conf
from app.alignment.embedding import Candidate, EmbeddingAligner, Params, align_vectors
from app.alignment.scoring import Link, Scores, read_links, score_documents

# The tuned parameters and the values tried; the first value of each is today's default before tuning.
GRID: dict[str, tuple[float, ...]] = {
    "close_weight": (0.0, 0.1, 0.2, 0.3),  # bonus when both sides of a bead end a quotation
    "member_weight": (0.0, 0.3, 0.5),  # penalty on an m:n bead whose weakest sentence is below member_floor
    "null_weight": (0.0, 0.5),  # how much cheaper a 1-0 or 0-1 bead is for a sentence with no good match nearby
}
TODAY = {  # strict F1 per chapter of the aligner before issue 12 (commit 9e83ad9), measured by this bench
    "001": 0.9762, "002": 0.8661, "003": 0.8432, "004": 0.9580, "005": 0.9213, "006": 0.9765, "all": 0.9209}
TODAY_AUC = 0.671  # AUC of the old confidence (a logistic of the cosine) for predicting a wrong link
WEAK = 0.5  # the service's weak-link threshold (app.services.alignment.WEAK)


def read_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@dataclass
class Chapter:
    name: str
    zh: list[str]
    en: list[str]
    gold: list[Link]
    inputs: dict | None = None


def load_macdev(root: Path) -> list[Chapter]:
    names = sorted(p.stem for p in (root / "gold").glob("*.align"))
    return [Chapter(ch, read_lines(root / "zh" / f"{ch}.zh"), read_lines(root / "en" / f"{ch}.en"),
                    read_links(root / "gold" / f"{ch}.align")) for ch in names]


class Vectors:
    """Span vectors per text list, kept in memory and optionally on disk (``cache`` directory, never committed)."""

    def __init__(self, aligner: EmbeddingAligner, cache: Path | None = None):
        self.aligner = aligner
        self.cache = cache
        if cache:
            cache.mkdir(parents=True, exist_ok=True)

    def side(self, texts: list[str], k: int) -> np.ndarray:
        key = hashlib.sha1(("\n".join(texts) + f"|{k}").encode()).hexdigest()[:20]
        path = self.cache / f"{key}.npy" if self.cache else None
        if path and path.exists():
            return np.load(path)
        vecs = self.aligner.encoder.span_vectors(texts, k)
        if path:
            np.save(path, vecs)
        return vecs

    def edges(self, texts: list[str], lang: str, vecs: np.ndarray) -> np.ndarray:
        key = hashlib.sha1(("\n".join(texts) + f"|clause edges|{lang}").encode()).hexdigest()[:20]
        path = self.cache / f"{key}.npy" if self.cache else None
        if path and path.exists():
            return np.load(path)
        out = self.aligner.edge_vectors(texts, lang, vecs)
        if path:
            np.save(path, out)
        return out

    def prepare(self, ch: Chapter, params: Params) -> dict:
        zv, ev = self.side(ch.zh, params.max_zh), self.side(ch.en, params.max_en)
        edges = {}
        if params.member_edge:
            edges = {"zedge": self.edges(ch.zh, "zh", zv)}
        return EmbeddingAligner.inputs(ch.zh, ch.en, zv, ev, params, **edges)


def links_of(cands: list[Candidate]) -> list[Link]:
    return [(tuple(range(c.i, c.i + c.di)), tuple(range(c.j, c.j + c.dj))) for c in cands]


def counts(gold: list[Link], test: list[Link]) -> np.ndarray:
    s = score_documents([gold], [test])
    return np.array([s.test_links, s.strict_tp_p, s.lax_tp_p, s.gold_links, s.strict_tp_r, s.lax_tp_r])


def strict_f1(c: np.ndarray) -> float:
    return Scores(*map(int, c)).strict_f1


def grid_points(grid: dict[str, tuple[float, ...]] = GRID) -> list[dict[str, float]]:
    names = list(grid)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*grid.values())]


def run_grid(chapters: list[Chapter], base: Params, grid=GRID) -> tuple[list[dict], np.ndarray]:
    """Counts (configs, chapters, 6) of every grid point on every chapter (no backward pass: paths only)."""
    points = grid_points(grid)
    out = np.zeros((len(points), len(chapters), 6))
    for a, point in enumerate(points):
        p = replace(base, gaps=False, **point)
        for b, ch in enumerate(chapters):
            out[a, b] = counts(ch.gold, links_of(align_vectors(params=p, **ch.inputs)))
    return points, out


def choose(table: np.ndarray, train: list[int]) -> int:
    """The grid point with the best strict F1 summed over ``train`` (the first one on a tie)."""
    scores = [strict_f1(table[a, train].sum(0)) for a in range(table.shape[0])]
    return int(np.argmax(scores))


@dataclass
class Fold:
    chapter: str
    chosen: dict
    f1: float
    counts: np.ndarray


def cross_validate(chapters: list[Chapter], points: list[dict], table: np.ndarray) -> list[Fold]:
    folds = []
    for k, ch in enumerate(chapters):
        train = [x for x in range(len(chapters)) if x != k]
        a = choose(table, train)
        folds.append(Fold(ch.name, points[a], strict_f1(table[a, k]), table[a, k]))
    return folds


def confidence_cv(chapters: list[Chapter], base: Params, folds: list[Fold]):
    """Out-of-fold confidences and wrong-link flags of the held-out links, plus the shipped model's."""
    rows: dict[tuple, list] = {}

    def rows_for(point: dict, k: int):
        key = (tuple(sorted(point.items())), k)
        if key not in rows:
            ch = chapters[k]
            cands = align_vectors(params=replace(base, **point), **ch.inputs)
            gold = set(ch.gold)
            rows[key] = [(conf.features(c), lk not in gold, c) for c, lk in zip(cands, links_of(cands), strict=True)]
        return rows[key]

    pred, wrong, shipped = [], [], []
    for k, fold in enumerate(folds):
        train = [r for x in range(len(chapters)) if x != k for r in rows_for(fold.chosen, x)]
        x = np.array([r[0] for r in train])
        y = np.array([0.0 if r[1] else 1.0 for r in train])
        w = conf.fit(x, y)
        for f, bad, c in rows_for(fold.chosen, k):
            pred.append(conf.probability(f, w))
            wrong.append(bad)
            shipped.append(conf.confidence(c))
    return np.array(pred), np.array(wrong), np.array(shipped)


def fit_all(chapters: list[Chapter], params: Params) -> np.ndarray:
    """Confidence weights fitted on every chapter aligned with ``params`` (what ``WEIGHTS`` ships)."""
    feats, ys = [], []
    for ch in chapters:
        cands = align_vectors(params=params, **ch.inputs)
        gold = set(ch.gold)
        for c, lk in zip(cands, links_of(cands), strict=True):
            feats.append(conf.features(c))
            ys.append(0.0 if lk not in gold else 1.0)
    return conf.fit(np.array(feats), np.array(ys))


# -- perturbed copies -------------------------------------------------------------------------

def _renumber(links: list[tuple[list[int], list[int]]], new_id: dict[int, int]) -> list[Link]:
    return [(tuple(z), tuple(new_id[j] for j in e)) for z, e in links]


def delete_en(ch: Chapter, rate: float, rng: random.Random) -> tuple[Chapter, int]:
    """English sentences deleted; a link left without English becomes a 1-0 omission."""
    drop = set(rng.sample(range(len(ch.en)), max(1, round(rate * len(ch.en)))))
    keep = [j for j in range(len(ch.en)) if j not in drop]
    new_id = {j: k for k, j in enumerate(keep)}
    links, created = [], 0
    for z, e in ch.gold:
        e2 = [j for j in e if j not in drop]
        if z and e and not e2:
            for i in z:  # each Chinese sentence left alone is its own omission
                links.append(([i], []))
                created += 1
        elif z or e2:
            links.append((list(z), e2))
    return Chapter(ch.name, ch.zh, [ch.en[j] for j in keep], _renumber(links, new_id)), created


def insert_en(ch: Chapter, donor: list[str], rate: float, rng: random.Random) -> tuple[Chapter, int]:
    """Sentences from another book inserted between links; each is a 0-1 addition in the gold."""
    k = max(1, round(rate * len(ch.en)))
    cuts = sorted(rng.sample(range(len(ch.gold) + 1), k))
    extra = rng.sample(donor, k)
    en: list[str] = []
    links: list[tuple[list[int], list[int]]] = []
    new_id: dict[int, int] = {}
    pending = list(zip(cuts, extra, strict=True))
    for pos, (z, e) in enumerate([*ch.gold, ((), ())]):
        while pending and pending[0][0] == pos:
            en.append(pending.pop(0)[1])
            links.append(([], [-len(en)]))
        if pos == len(ch.gold):
            break
        for j in e:
            new_id[j] = len(en)
            en.append(ch.en[j])
        links.append((list(z), list(e)))
    for x in range(1, len(en) + 1):
        new_id[-x] = x - 1
    return Chapter(ch.name, ch.zh, en, _renumber(links, new_id)), k


def merge_en(ch: Chapter, rate: float, rng: random.Random) -> tuple[Chapter, int]:
    """Neighbouring English sentences joined into one; links they straddle merge in the gold."""
    starts = sorted(rng.sample(range(len(ch.en) - 1), max(1, round(rate * len(ch.en)))))
    chosen: list[int] = []
    for s in starts:
        if not chosen or s > chosen[-1] + 1:
            chosen.append(s)
    joined = set(chosen)
    en, new_id = [], {}
    j = 0
    while j < len(ch.en):
        new_id[j] = len(en)
        if j in joined:
            new_id[j + 1] = len(en)
            en.append(ch.en[j] + " " + ch.en[j + 1])
            j += 2
        else:
            en.append(ch.en[j])
            j += 1
    links: list[tuple[list[int], list[int]]] = []
    for z, e in ch.gold:
        ids = sorted({new_id[x] for x in e})
        if links and ids and links[-1][1] and links[-1][1][-1] == ids[0]:
            links[-1] = (links[-1][0] + list(z), links[-1][1] + ids[1:])
        else:
            links.append((list(z), ids))
    gold = [(tuple(z), tuple(e)) for z, e in links]
    return Chapter(ch.name, ch.zh, en, gold), len(chosen)


def split_en(ch: Chapter, rate: float, rng: random.Random) -> tuple[Chapter, int]:
    """Long English sentences cut at the comma nearest their middle; both halves stay in the link."""
    def cut(text: str) -> int:
        commas = [k + 1 for k, c in enumerate(text) if c in ",;" and 15 < k < len(text) - 15]
        return min(commas, key=lambda k: abs(k - len(text) / 2)) if commas else -1

    cand = [j for j, t in enumerate(ch.en) if len(t) > 60 and cut(t) > 0]
    chosen = set(rng.sample(cand, min(len(cand), max(1, round(rate * len(ch.en))))))
    en, ids = [], {}
    for j, t in enumerate(ch.en):
        if j in chosen:
            k = cut(t)
            ids[j] = [len(en), len(en) + 1]
            en.extend([t[:k].strip(), t[k:].strip()])
        else:
            ids[j] = [len(en)]
            en.append(t)
    gold = [(tuple(z), tuple(x for j in e for x in ids[j])) for z, e in ch.gold]
    return Chapter(ch.name, ch.zh, en, gold), len(chosen)
