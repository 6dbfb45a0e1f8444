"""Review screen on a long document: the demo repeated to about 2,000 links.

Prints a table of wall times for loading the checks' dictionaries (as app.serve does at start), import (which
runs the checks once and stores the run), the first page of the review grid with the in-process caches cleared
(the stored run is read), the same page served by a new Python process (the stored run read; and with it
deleted, so every check runs), a cached page, the flagged filter, the drift report, the review report, one save
(its answer, which holds the row's own checks, and the time until the background re-check of the document has
seen it) and ten more saves spread over the document (their median), with the CPU time of each step.
Usage: python bench/bench_review.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(url: str, doc_id: int, mode: str) -> int:
    """``--child``: serve page 1 of the document once in this (new) process and print wall, CPU, status, bytes."""
    from review_doc import PASSWORD, bench_app
    from sqlalchemy import delete

    from app.checks.runner import warm_up
    from app.storage.models import CheckRun

    app = bench_app(url)
    warm_up()
    if mode == "none":
        with app.extensions["duizhao.sessionmaker"]() as s:
            s.execute(delete(CheckRun).where(CheckRun.document_id == doc_id))
            s.commit()
    client = app.test_client()
    client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/documents/{doc_id}")
    print(f"{time.perf_counter() - wall:.4f} {time.process_time() - cpu:.4f} {response.status_code} "
          f"{len(response.data)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=110, help="copies of the demo (110 gives 1,980 links)")
    parser.add_argument("--child", nargs=3, metavar=("URL", "DOCUMENT", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], int(args.child[1]), args.child[2])
    from review_doc import PASSWORD, bench_app, build_document, english_megabytes

    from app import services
    from app.checks.runner import warm_up
    from app.services import findings
    from app.storage import queries
    from app.storage.models import Segment

    def timed(call):
        wall, cpu = time.perf_counter(), time.process_time()
        response = call()
        return response, time.perf_counter() - wall, time.process_time() - cpu

    db = Path(tempfile.mkdtemp()) / "bench.db"
    app = bench_app(f"sqlite:///{db}")
    sessions = app.extensions["duizhao.sessionmaker"]
    rows = []
    _none, wall, cpu = timed(warm_up)  # what app.serve does beside the server at start
    rows.append(("load the checks' dictionaries", wall, cpu, "once per process; app.serve: at start"))
    with sessions() as s:
        (_admin, doc), wall, cpu = timed(lambda: build_document(s, args.repeat))
        rows.append(("import + align (length)", wall, cpu, "the checks run once and their run is stored"))
        doc_id, links = doc.id, services.document_stats(s, doc.id)["links"]
        segs = queries.document_segments(s, doc_id, "en")
        seg = segs[13]
        more = [(x.id, x.text) for x in segs[100:1900:180]]  # ten more paragraphs spread over the document
    client = app.test_client()
    client.post("/auth/login", data={"username": "admin", "password": PASSWORD})

    def page_in_new_process(stored: bool):
        """Page 1 served by a new Python process on this database (its dictionaries loaded first, as app.serve
        does at start); ``stored`` False: the stored run deleted first, so every check runs."""
        out = subprocess.run([sys.executable, __file__, "--child", f"sqlite:///{db}", str(doc_id),
                              "stored" if stored else "none"], capture_output=True, text=True, check=True)
        wall, cpu, status, size = out.stdout.split()[-4:]
        return float(wall), float(cpu), f"{status}, {int(size) // 1024} KB; a new process"

    findings.forget_cached()  # what a new server process has: no cached results (the stored run is read)
    response, wall, cpu = timed(lambda: client.get(f"/documents/{doc_id}"))
    rows.append(("grid page 1 (cold: all checks)", wall, cpu, f"{response.status_code}, "
                 f"{len(response.data) // 1024} KB; in-process caches cleared"))
    rows.append(("grid page 1 (cold, new process)", *page_in_new_process(stored=True)))
    rows.append(("grid page 1 (no stored run: all checks run)", *page_in_new_process(stored=False)))
    for label, path in [("grid page 5 (cached)", f"/documents/{doc_id}?page=5"),
                        ("flagged filter", f"/documents/{doc_id}?show=flagged"),
                        ("drift report", f"/documents/{doc_id}/drift"),
                        ("review report", f"/documents/{doc_id}/report")]:
        response, wall, cpu = timed(lambda path=path: client.get(path))
        rows.append((label, wall, cpu, f"{response.status_code}, {len(response.data) // 1024} KB"))

    def save(seg_id: int, text: str):
        return client.post(f"/segments/{seg_id}", data={"text": text, "base_version": 0},
                           headers={"HX-Request": "true"})

    def save_and_recheck(seg_id: int, text: str):
        """The save's answer (its own row's checks), then the wait for the background re-check that saw it: the
        time until the document's complete findings include the save (the grid asks for them, see _findings.html)."""
        wall, cpu = time.perf_counter(), time.process_time()
        response = save(seg_id, text)
        answered = time.perf_counter() - wall
        with sessions() as s:
            version = s.get(Segment, seg_id).version
            while True:
                latest = findings.latest_findings(s, doc_id)
                if latest is not None and latest.saw(seg_id, version):
                    break
                time.sleep(0.002)
        return response, answered, time.perf_counter() - wall, time.process_time() - cpu

    rechecker = app.extensions["duizhao.rechecker"]
    while rechecker.busy(doc_id):  # page 1 read the stored run: a background run fills the memo (the worker's)
        time.sleep(0.01)
    where = "the worker process's CPU not counted" if rechecker.worker_pid else "re-checks in this process"
    response, answered, wall, cpu = save_and_recheck(seg.id, seg.text + " (edited)")
    rows.append(("save: answer (own row's checks)", answered, None, f"{response.status_code}; document checks follow"))
    rows.append(("save one paragraph (re-check)", wall, cpu, "until the complete findings include the save "
                 f"(after the memo's warm-up; {where})"))
    times = []
    for sid, text in more:
        time.sleep(0.6)  # a reviewer's pace: one save after another's re-check (runs start at most every 0.5 s)
        times.append(save_and_recheck(sid, text + " (edited)")[1:])
    walls = sorted(w for _, w, _ in times)
    rows.append(("save: 10 more paragraphs", statistics.median(walls), statistics.median(c for _, _, c in times),
                 f"median until complete; slowest {walls[-1]:.2f} s; answers: median "
                 f"{statistics.median(a for a, _, _ in times) * 1e3:.0f} ms"))
    print(f"Review screen benchmark: {links} links, {english_megabytes(args.repeat):.2f} MB of English; "
          f"load average {os.getloadavg()[0]:.2f} (2 cores; wall times are noisy when the machine is shared)")
    print(f"{'step':<44}{'seconds':>9}{'CPU s':>8}  note")
    for label, seconds, cpu, note in rows:
        print(f"{label:<44}{seconds:>9.2f}{'' if cpu is None else f'{cpu:.2f}':>8}  {note}")
    rechecker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
