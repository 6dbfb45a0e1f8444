"""Benchmark: a generated 10,000-entry glossary over a 5 MB bitext, all checks; prints MB/s and peak memory.

    .venv/bin/python bench/bench_check.py [--entries 10000] [--mb 5] [--profile]

The bitext repeats the demo document's paragraphs with glossary terms spliced into both sides
(approved, variant, forbidden and missing renderings), linked 1-1 as the runner would get them
after alignment. Time covers compiling the glossary and running every check.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.checks.runner import check_document  # noqa: E402
from app.model import TermEntry  # noqa: E402
from app.segmentation import split_paragraphs  # noqa: E402

CJK = [chr(c) for c in range(0x4E00, 0x9FA5)]
WORDS = ("procuratorial supervision justice reform committee people court case law service report work "
         "system meeting party central national local judicial public security economic social political "
         "development quality efficiency protection enterprise livelihood petition appeal complaint "
         "discipline inspection commission congress session plan year regulation opinion guidance").split()


def make_glossary(n: int, rng: random.Random) -> list[TermEntry]:
    entries, seen = [], set()
    while len(entries) < n:
        zh = "".join(rng.choice(CJK) for _ in range(rng.randint(2, 6)))
        if zh in seen:
            continue
        seen.add(zh)
        k = len(entries)
        en = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) + f" x{k}"
        variants = (f"{en} alt",) if k % 3 == 0 else ()
        forbidden = (f"bad{k} {rng.choice(WORDS)}",) if k % 2 == 0 else ()
        case = ("insensitive", "capitalised", "exact")[k % 3]
        kind = "name" if k % 50 == 0 else "term"
        entries.append(TermEntry(zh=(zh,), en=en.title() if case != "insensitive" else en, variants=variants,
                                 forbidden=forbidden, case=case, kind=kind))
    return entries


def make_bitext(entries, megabytes: float, rng: random.Random):
    demo = ROOT / "corpus" / "demo"
    zh_demo = split_paragraphs((demo / "zh.txt").read_text(encoding="utf-8"))
    en_demo = split_paragraphs((demo / "en.txt").read_text(encoding="utf-8"))
    pairs = list(zip(zh_demo[:4] + zh_demo[5:], en_demo[:4] + en_demo[6:], strict=True))
    zh_paras, en_paras, size = [], [], 0
    target = megabytes * 1_000_000
    while size < target:
        zh, en = rng.choice(pairs)
        zh_add, en_add = [], []
        for _ in range(rng.randint(1, 4)):
            e = rng.choice(entries)
            zh_add.append(e.zh[0])
            roll = rng.random()
            if roll < 0.6:
                en_add.append(e.en)
            elif roll < 0.75 and e.forbidden:
                en_add.append(e.forbidden[0])
            elif roll < 0.85:
                en_add.append(e.en.lower())
        zh = zh + "，".join(zh_add) + "。"
        en = en + " " + ", ".join(en_add) + "."
        zh_paras.append(zh)
        en_paras.append(en)
        size += len(zh.encode("utf-8")) + len(en.encode("utf-8"))
    return zh_paras, en_paras, size


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="print the top functions by cumulative time")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    entries = make_glossary(args.entries, rng)
    zh, en, size = make_bitext(entries, args.mb, rng)
    links = [((i,), (i,)) for i in range(len(zh))]
    print(f"glossary {len(entries)} entries; bitext {size / 1e6:.2f} MB, {len(zh)} links")
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
    t0, c0 = time.perf_counter(), time.process_time()
    findings = check_document(zh, en, links, entries)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    if args.profile:
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = {}
    for f in findings:
        counts[f.check] = counts.get(f.check, 0) + 1
    print(f"findings {len(findings)}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"time {elapsed:.1f} s ({cpu:.1f} s CPU, load average {load:.1f}); "
          f"throughput {size / 1e6 / elapsed:.2f} MB/s "
          f"({size / 1e6 / cpu:.2f} MB/s of CPU); peak memory {peak_mb:.0f} MB")
    ok = size / 1e6 / elapsed >= 1.0 and peak_mb <= 1024
    print("target (>= 1 MB/s, <= 1 GB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
