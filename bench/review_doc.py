"""The review benchmarks' document: the demo repeated to about 2,000 links, with the demo glossary."""

from __future__ import annotations

import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"


def bench_app(database_url: str, recheck_worker: str | None = None):
    """An app on ``database_url`` (migrated) for a benchmark; CSRF is off so plain HTTP clients can post.
    ``recheck_worker``: "process" or "thread" (default: the setting RECHECK_WORKER, as a server has it)."""
    from app import create_app
    from app.storage.db import upgrade

    overrides = {"RECHECK_WORKER": recheck_worker} if recheck_worker else {}
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "INSTANCE": tempfile.mkdtemp(), **overrides})
    upgrade(app.extensions["duizhao.engine"])
    return app


def build_document(session, repeat: int):
    """Import the demo ``repeat`` times as one document (length aligner) with its glossary; returns the
    admin and the document."""
    from app import services
    from app.services.glossary import add_glossary
    from app.terminology.glossary import load_glossary_csv

    zh = (ROOT / "corpus/demo/zh.txt").read_bytes() + b"\n\n"
    en = (ROOT / "corpus/demo/en.txt").read_bytes() + b"\n\n"
    admin, _ = services.ensure_admin(session, PASSWORD)
    # the glossary first: the import runs the checks with it and stores the run (what the first page reads)
    project = services.get_or_create_project(session, "Bench")
    add_glossary(session, project, "demo", load_glossary_csv(ROOT / "glossary/spp-2024.csv"))
    doc = services.import_document(session, "Bench", services.Upload("zh.txt", zh * repeat),
                                   services.Upload("en.txt", en * repeat), admin, aligner="length")
    session.commit()
    return admin, doc


def english_megabytes(repeat: int) -> float:
    return len((ROOT / "corpus/demo/en.txt").read_bytes() + b"\n\n") * repeat / 1e6
