"""Review screen on a long document: the demo repeated to about 2,000 links.

Prints a table of wall times for import, loading the checks' dictionaries (as app.serve does at start), the
first (cold) and a cached page of the review grid, the flagged filter, the drift report, the review report,
one save (its answer, which holds the row's own checks, and the time until the background re-check of the
document has seen it) and ten more saves spread over the document (their median), with the CPU time of each
step.
Usage: python bench/bench_review.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=110, help="copies of the demo (110 gives 1,980 links)")
    args = parser.parse_args()
    from review_doc import PASSWORD, bench_app, build_document, english_megabytes

    from app import services
    from app.services import findings
    from app.storage import queries
    from app.storage.models import Segment

    db = Path(tempfile.mkdtemp()) / "bench.db"
    app = bench_app(f"sqlite:///{db}")
    sessions = app.extensions["duizhao.sessionmaker"]
    rows = []
    with sessions() as s:
        t = time.perf_counter()
        _admin, doc = build_document(s, args.repeat)
        rows.append(("import + align (length)", time.perf_counter() - t, None, ""))
        doc_id, links = doc.id, services.document_stats(s, doc.id)["links"]
        segs = queries.document_segments(s, doc_id, "en")
        seg = segs[13]
        more = [(x.id, x.text) for x in segs[100:1900:180]]  # ten more paragraphs spread over the document
    client = app.test_client()
    client.post("/auth/login", data={"username": "admin", "password": PASSWORD})

    def timed(call):
        wall, cpu = time.perf_counter(), time.process_time()
        response = call()
        return response, time.perf_counter() - wall, time.process_time() - cpu

    from app.checks.runner import warm_up

    _none, wall, cpu = timed(warm_up)  # what app.serve does beside the server at start
    rows.append(("load the checks' dictionaries", wall, cpu, "once per process; app.serve: at start"))
    for label, path in [("grid page 1 (cold: all checks)", f"/documents/{doc_id}"),
                        ("grid page 5 (cached)", f"/documents/{doc_id}?page=5"),
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

    response, answered, wall, cpu = save_and_recheck(seg.id, seg.text + " (edited)")
    rows.append(("save: answer (own row's checks)", answered, None, f"{response.status_code}; document checks follow"))
    rows.append(("save one paragraph (re-check)", wall, cpu, "until the complete findings include the save"))
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
    print(f"{'step':<34}{'seconds':>9}{'CPU s':>8}  note")
    for label, seconds, cpu, note in rows:
        print(f"{label:<34}{seconds:>9.2f}{'' if cpu is None else f'{cpu:.2f}':>8}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
