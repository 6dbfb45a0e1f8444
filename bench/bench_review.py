"""Review screen on a long document: the demo repeated to about 2,000 links.

Prints a table of wall times for import, the first (cold) and a cached page of the review grid, the
flagged filter, the drift report, the review report and one save (which re-checks the document).
Usage: python bench/bench_review.py [--repeat N]
"""

from __future__ import annotations

import argparse
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
    from app.storage import queries

    db = Path(tempfile.mkdtemp()) / "bench.db"
    app = bench_app(f"sqlite:///{db}")
    sessions = app.extensions["duizhao.sessionmaker"]
    rows = []
    with sessions() as s:
        t = time.perf_counter()
        _admin, doc = build_document(s, args.repeat)
        rows.append(("import + align (length)", time.perf_counter() - t, ""))
        doc_id, links = doc.id, services.document_stats(s, doc.id)["links"]
        seg = queries.document_segments(s, doc_id, "en")[13]
    client = app.test_client()
    client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    for label, path in [("grid page 1 (cold: all checks)", f"/documents/{doc_id}"),
                        ("grid page 5 (cached)", f"/documents/{doc_id}?page=5"),
                        ("flagged filter", f"/documents/{doc_id}?show=flagged"),
                        ("drift report", f"/documents/{doc_id}/drift"),
                        ("review report", f"/documents/{doc_id}/report")]:
        t = time.perf_counter()
        response = client.get(path)
        rows.append((label, time.perf_counter() - t, f"{response.status_code}, {len(response.data) // 1024} KB"))
    t = time.perf_counter()
    response = client.post(f"/segments/{seg.id}", data={"text": seg.text + " (edited)", "base_version": 0},
                           headers={"HX-Request": "true"})
    rows.append(("save one paragraph (re-check)", time.perf_counter() - t, str(response.status_code)))
    print(f"Review screen benchmark: {links} links, {english_megabytes(args.repeat):.2f} MB of English")
    print(f"{'step':<34}{'seconds':>9}  note")
    for label, seconds, note in rows:
        print(f"{label:<34}{seconds:>9.2f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
