"""Alignment benchmark: MAC-Dev quality and speed, cross-validation, confidence, robustness, then scale.

    python bench/bench_align.py [--quick] [--data DIR] [--cache DIR] [--fit-confidence]

1. MAC-Dev end to end through ``align()`` (model load included), presplit input, scored
   against the gold links, strict and lax, counts summed over chapters; beside today's figures.
2. Leave-one-chapter-out cross-validation of the tuned parameters (``align_eval.GRID``):
   chosen on five chapters, scored on the sixth, counts summed over the folds.
3. Link confidence: AUC for predicting a wrong link, out of fold, and the weak mark's
   precision and recall at the service's threshold.
4. Robustness: perturbed copies of MAC-Dev (English deleted, inserted, merged, split).
5. Scale (skipped with ``--quick``): the first N lines of the Bible pair (the English cut in
   the same proportion) in a fresh subprocess per size, so peak memory is per size.

``--cache DIR`` keeps span vectors on disk between runs (for tuning; put it under /tmp).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(Path(__file__).resolve().parent))

import align_eval as ev  # noqa: E402
import numpy as np  # noqa: E402

from app.alignment.api import align, signature  # noqa: E402
from app.alignment.embedding import EmbeddingAligner, Params  # noqa: E402
from app.alignment.scoring import as_links, read_links, score, score_documents  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "bench"
SCALE_SIZES = (5_000, 10_000, 20_000, 0)  # 0 = full


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """User plus system CPU time of this process so far (robust to other load on the machine)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def read_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def bench_macdev(data: Path) -> None:
    root = data / "mac-dev"
    chapters = sorted(p.stem for p in (root / "gold").glob("*.align"))
    if not chapters:
        sys.exit(f"no MAC-Dev gold files under {root}")
    print(f"MAC-Dev ({len(chapters)} chapters, presplit, model load included)  {signature()}")
    print(f"{'chapter':>8} {'zh':>5} {'en':>5} {'strict P':>9} {'R':>6} {'F1':>6} "
          f"{'lax P':>7} {'R':>6} {'F1':>6} {'time s':>7} {'today F1':>9}")
    golds, tests = [], []
    n_sent = 0
    start = time.perf_counter()
    cpu0 = cpu_s()
    for ch in chapters:
        zh = read_lines(root / "zh" / f"{ch}.zh")
        en = read_lines(root / "en" / f"{ch}.en")
        gold = read_links(root / "gold" / f"{ch}.align")
        t0 = time.perf_counter()
        test = as_links(align(zh, en))
        dt = time.perf_counter() - t0
        s = score(gold, test)
        golds.append(gold)
        tests.append(test)
        n_sent += len(zh) + len(en)
        print(f"{ch:>8} {len(zh):>5} {len(en):>5} {s.strict_p:>9.4f} {s.strict_r:>6.4f} {s.strict_f1:>6.4f} "
              f"{s.lax_p:>7.4f} {s.lax_r:>6.4f} {s.lax_f1:>6.4f} {dt:>7.2f} {ev.TODAY.get(ch, float('nan')):>9.4f}")
    wall = time.perf_counter() - start
    cpu = cpu_s() - cpu0
    s = score_documents(golds, tests)
    print(f"{'all':>8} {'':>5} {'':>5} {s.strict_p:>9.4f} {s.strict_r:>6.4f} {s.strict_f1:>6.4f} "
          f"{s.lax_p:>7.4f} {s.lax_r:>6.4f} {s.lax_f1:>6.4f} {wall:>7.2f} {ev.TODAY['all']:>9.4f}")
    print(f"strict F1 {s.strict_f1:.4f}  lax F1 {s.lax_f1:.4f}  wall {wall:.1f} s (CPU {cpu:.1f} s)  "
          f"{n_sent / wall:.0f} sentences/s  peak memory {peak_mb():.0f} MB  load average {os.getloadavg()[0]:.1f}")


def fmt(point: dict) -> str:
    short = {"close_weight": "close", "member_weight": "member", "threshold": "thr", "lex_weight": "lex",
             "null_weight": "null", "member_edge": "edge"}
    return " ".join(f"{short.get(k, k)}={v:g}" for k, v in point.items())


def bench_cv(data: Path, cache: Path | None, fit_confidence: bool, lexical: bool = False,
             margin_top: int = 0, edge: bool = False) -> None:
    """Leave-one-chapter-out CV, the confidence table and the robustness table."""
    base = replace(Params(), margin_top=margin_top) if margin_top else Params()
    aligner = EmbeddingAligner(base)
    vectors = ev.Vectors(aligner, cache)
    chapters = ev.load_macdev(data / "mac-dev")
    grid = dict(ev.GRID)
    if lexical:  # the CC-CEDICT + document IBM-1 coverage joins the grid (the inputs then carry a lexicon)
        grid["lex_weight"] = (0.0, 0.05, 0.1)
    if edge:  # the edge-member weight joins the grid (the inputs then carry the Chinese clause vectors)
        grid["member_edge"] = (0.0, 0.5)
    t0 = time.perf_counter()
    for ch in chapters:
        ch.inputs = vectors.prepare(ch, replace(base, lex_weight=0.1 if lexical else base.lex_weight,
                                                 member_edge=0.5 if edge else base.member_edge))
    points, table = ev.run_grid(chapters, base, grid)
    folds = ev.cross_validate(chapters, points, table)
    total = sum(f.counts for f in folds)
    print(f"\nLeave-one-chapter-out CV ({len(points)} grid points: "
          f"{', '.join(f'{k} {list(v)}' for k, v in grid.items())}; {time.perf_counter() - t0:.1f} s)")
    print(f"{'held out':>8} {'chosen on the other five':<32} {'CV F1':>7} {'today':>7} {'delta':>7}")
    for f in folds:
        today = ev.TODAY[f.chapter]
        print(f"{f.chapter:>8} {fmt(f.chosen):<32} {f.f1:>7.4f} {today:>7.4f} {f.f1 - today:>+7.4f}")
    from app.alignment.scoring import Scores

    s = Scores(*map(int, total))
    print(f"{'all':>8} {'(counts summed over folds)':<32} {s.strict_f1:>7.4f} {ev.TODAY['all']:>7.4f} "
          f"{s.strict_f1 - ev.TODAY['all']:>+7.4f}")
    print(f"CV strict P/R/F1 {s.strict_p:.4f} / {s.strict_r:.4f} / {s.strict_f1:.4f}  lax F1 {s.lax_f1:.4f}  "
          f"worst chapter delta {min(f.f1 - ev.TODAY[f.chapter] for f in folds):+.4f}")
    best = ev.choose(table, list(range(len(chapters))))
    print(f"chosen on all six (the shipped defaults): {fmt(points[best])}  "
          f"in-sample strict F1 {ev.strict_f1(table[best].sum(0)):.4f}")

    pred, wrong, shipped = ev.confidence_cv(chapters, base, folds)
    print(f"\nLink confidence ({len(wrong)} held-out links, {int(wrong.sum())} wrong; weights refitted per fold)")
    print(f"AUC for a wrong link (low confidence = wrong): CV {ev.conf.auc(-pred, wrong):.3f}   "
          f"shipped weights {ev.conf.auc(-shipped, wrong):.3f}   today {ev.TODAY_AUC:.3f}")
    print(f"weak = confidence below the threshold (confidence 0.5 = modelled P(right) {ev.conf.WEAK_AT}); "
          f"P, R of the weak mark for finding wrong links")
    print(f"{'threshold':>9} {'weak':>6} {'P':>7} {'R':>7}")
    for th in (0.3, ev.WEAK, 0.7):
        weak = np.array([ev.conf.rescale(x) for x in pred]) < th
        hit = int((weak & wrong).sum())
        p = hit / weak.sum() if weak.sum() else float("nan")
        mark = "  (service threshold)" if th == ev.WEAK else ""
        print(f"{th:>9.2f} {int(weak.sum()):>6} {p:>7.3f} {hit / max(1, wrong.sum()):>7.3f}{mark}")
    if fit_confidence:
        w = ev.fit_all(chapters, replace(base, **points[best]))
        print("confidence weights fitted on all six:", ", ".join(f"{x:.2f}" for x in w))

    if not lexical:
        bench_robustness(chapters, vectors, base)


def bench_robustness(chapters, vectors, params: Params, null_weight: float = 0.5) -> None:
    """The robustness table with the shipped parameters, and again with the null term at ``null_weight``."""
    robustness_table(chapters, vectors, params, "shipped parameters")
    if params.null_weight != null_weight:
        robustness_table(chapters, vectors, replace(params, null_weight=null_weight), f"null_weight {null_weight:g}")


def robustness_table(chapters, vectors, params: Params, what: str) -> None:
    import random

    print(f"\nRobustness: perturbed copies of MAC-Dev (5% of the English sentences; seed 12), {what}")
    print(f"{'perturbation':<34} {'strict P':>9} {'R':>7} {'F1':>7} {'nulls right':>12}")
    kinds = [("none", None), ("English deleted", ev.delete_en), ("English inserted from another book", ev.insert_en),
             ("neighbours merged", ev.merge_en), ("sentences split", ev.split_en)]
    for name, fn in kinds:
        rng = random.Random(12)
        golds, tests, nulls, found = [], [], 0, 0
        for k, ch in enumerate(chapters):
            if fn is None:
                pert = ch
            elif fn is ev.insert_en:
                pert, _ = fn(ch, chapters[(k + 1) % len(chapters)].en, 0.05, rng)
            else:
                pert, _ = fn(ch, 0.05, rng)
            inputs = vectors.prepare(pert, params)
            test = ev.links_of(ev.align_vectors(params=replace(params, gaps=False), **inputs))
            golds.append(pert.gold)
            tests.append(test)
            gnull = [g for g in pert.gold if not g[0] or not g[1]]
            nulls += len(gnull)
            found += len(set(gnull) & set(test))
        s = score_documents(golds, tests)
        print(f"{name:<34} {s.strict_p:>9.4f} {s.strict_r:>7.4f} {s.strict_f1:>7.4f} {found:>6}/{nulls:<5}")


def scale_one(data: Path, size: int) -> None:
    """Align the first ``size`` lines of the Bible pair (0 = all) and print one result line."""
    zh = read_lines(data / "bible" / "006.zh")
    en = read_lines(data / "bible" / "006.en")
    if size:
        n_en = max(1, round(size * len(en) / len(zh)))
        zh, en = zh[:size], en[:n_en]
    t0, c0 = time.perf_counter(), cpu_s()
    beads = align(zh, en)
    dt, cpu = time.perf_counter() - t0, cpu_s() - c0
    print(f"{len(zh):>7} {len(en):>7} {len(beads):>7} {dt:>9.1f} {cpu:>9.1f} {peak_mb():>9.0f} "
          f"{(len(zh) + len(en)) / dt:>9.0f} {os.getloadavg()[0]:>6.1f}", flush=True)


def bench_scale(data: Path) -> None:
    if not (data / "bible" / "006.zh").exists():
        print(f"no Bible pair under {data / 'bible'}; scale run skipped")
        return
    print("\nBible pair scale run (one subprocess per size; English cut in proportion)")
    print(f"{'zh':>7} {'en':>7} {'beads':>7} {'time s':>9} {'CPU s':>9} {'peak MB':>9} {'sent/s':>9} {'load':>6}",
          flush=True)
    for size in SCALE_SIZES:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--data", str(data), "--scale-one", str(size)]
        proc = subprocess.run(cmd, env={**os.environ, "PYTHONWARNINGS": "ignore"}, check=False)
        if proc.returncode:
            print(f"size {size or 'full'}: failed with exit code {proc.returncode}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="MAC-Dev tables only, no Bible scale run")
    ap.add_argument("--cache", type=Path, default=None, help="keep span vectors here between runs (e.g. /tmp/...)")
    ap.add_argument("--lexical", action="store_true", help="add the lexical coverage's weight to the CV grid")
    ap.add_argument("--edge", action="store_true", help="add the edge-member weight to the CV grid")
    ap.add_argument("--margin-top", type=int, default=0,
                    help="k-nearest-neighbour margin: the local mean over the k most similar sentences (0: all)")
    ap.add_argument("--fit-confidence", action="store_true", help="print confidence weights fitted on all chapters")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark data directory")
    ap.add_argument("--scale-one", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.scale_one is not None:
        scale_one(args.data, args.scale_one)
        return
    bench_macdev(args.data)
    bench_cv(args.data, args.cache, args.fit_confidence, args.lexical, args.margin_top, args.edge)
    if not args.quick:
        bench_scale(args.data)


if __name__ == "__main__":
    main()
