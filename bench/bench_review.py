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
    from app import create_app, services
    from app.services.glossary import add_glossary
    from app.storage import queries
    from app.storage.db import upgrade
    from app.terminology.glossary import load_glossary_csv

    db = Path(tempfile.mkdtemp()) / "bench.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "INSTANCE": tempfile.mkdtemp()})
    upgrade(app.extensions["duizhao.engine"])
    sessions = app.extensions["duizhao.sessionmaker"]
    zh = (ROOT / "corpus/demo/zh.txt").read_bytes() + b"\n\n"
    en = (ROOT / "corpus/demo/en.txt").read_bytes() + b"\n\n"
    rows = []
    with sessions() as s:
        admin, _ = services.ensure_admin(s, "bench-password-1")
        t = time.perf_counter()
        doc = services.import_document(s, "Bench", services.Upload("zh.txt", zh * args.repeat),
                                       services.Upload("en.txt", en * args.repeat), admin,
                                       aligner="length")
        add_glossary(s, doc.project, "demo", load_glossary_csv(ROOT / "glossary/spp-2024.csv"))
        s.commit()
        rows.append(("import + align (length)", time.perf_counter() - t, ""))
        doc_id, links = doc.id, services.document_stats(s, doc.id)["links"]
        seg = queries.document_segments(s, doc_id, "en")[13]
    client = app.test_client()
    client.post("/auth/login", data={"username": "admin", "password": "bench-password-1"})
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
    print(f"Review screen benchmark: {links} links, {len(en) * args.repeat / 1e6:.2f} MB of English")
    print(f"{'step':<34}{'seconds':>9}  note")
    for label, seconds, note in rows:
        print(f"{label:<34}{seconds:>9.2f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
