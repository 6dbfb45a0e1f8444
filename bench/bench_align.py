"""Alignment benchmark: MAC-Dev quality and speed, then a scale run on the Bible pair.

    python bench/bench_align.py [--quick] [--data DIR]

MAC-Dev chapters are aligned with presplit input (one sentence per line) and
scored against the gold links, strict and lax, counts summed over chapters.
The scale run aligns the first N lines of the Bible pair (the English cut in
the same proportion) in a fresh subprocess per size, so peak memory is per size.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.alignment.api import align, signature  # noqa: E402
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
          f"{'lax P':>7} {'R':>6} {'F1':>6} {'time s':>7}")
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
              f"{s.lax_p:>7.4f} {s.lax_r:>6.4f} {s.lax_f1:>6.4f} {dt:>7.2f}")
    wall = time.perf_counter() - start
    cpu = cpu_s() - cpu0
    s = score_documents(golds, tests)
    print(f"{'all':>8} {'':>5} {'':>5} {s.strict_p:>9.4f} {s.strict_r:>6.4f} {s.strict_f1:>6.4f} "
          f"{s.lax_p:>7.4f} {s.lax_r:>6.4f} {s.lax_f1:>6.4f} {wall:>7.2f}")
    print(f"strict F1 {s.strict_f1:.4f}  lax F1 {s.lax_f1:.4f}  wall {wall:.1f} s (CPU {cpu:.1f} s)  "
          f"{n_sent / wall:.0f} sentences/s  peak memory {peak_mb():.0f} MB  load average {os.getloadavg()[0]:.1f}")


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
    ap.add_argument("--quick", action="store_true", help="MAC-Dev only, no scale run")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark data directory")
    ap.add_argument("--scale-one", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.scale_one is not None:
        scale_one(args.data, args.scale_one)
        return
    bench_macdev(args.data)
    if not args.quick:
        bench_scale(args.data)


if __name__ == "__main__":
    main()
