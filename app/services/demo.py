"""The demo project: corpus/demo and its glossary, loaded once."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlalchemy.orm import Session

from app.services.glossary import add_glossary
from app.services.imports import Upload, import_document
from app.services.links import DEFAULT_ALIGNER
from app.storage import queries
from app.storage.models import User
from app.terminology.glossary import load_glossary_csv


def ensure_demo(session: Session, corpus_dir: Path, glossary_dir: Path, user: User | None = None,
                aligner: str = DEFAULT_ALIGNER):
    """Load the demo project once from corpus/demo and glossary/; returns (project, created)."""
    demo = corpus_dir / "demo"
    meta = tomllib.loads((demo / "meta.toml").read_text(encoding="utf-8"))
    existing = queries.project_by_name(session, meta["project"])
    if existing is not None and existing.documents:
        return existing, False
    zh = Upload("zh.txt", (demo / "zh.txt").read_bytes())
    en = Upload("en.txt", (demo / "en.txt").read_bytes())
    doc = import_document(session, meta["project"], zh, en, user=user, title=meta.get("title"),
                          aligner=aligner)
    if meta.get("glossary"):
        path = glossary_dir / meta["glossary"]
        add_glossary(session, doc.project, path.stem, load_glossary_csv(path), source=path.name, user=user)
    return doc.project, True
