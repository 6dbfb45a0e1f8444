"""Use cases. Each takes a Session and leaves committing to the caller."""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import Conflict, Forbidden, InputError
from app.formats.registry import by_name
from app.model import ERROR_CATEGORIES, FIX_SEVERITIES, Bead, TextDocument
from app.storage import queries
from app.storage.models import (
    ROLES,
    Document,
    Link,
    LinkSegment,
    Project,
    Revision,
    Segment,
    User,
)

MAX_SEGMENT_CHARS = 100_000
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{1,80}$")

# What each role may do; admins may do everything.
PERMISSIONS = {
    "translator": {"edit", "propose-term"},
    "reviewer": {"edit", "propose-term", "approve", "import"},
    "admin": {"edit", "propose-term", "approve", "import", "admin"},
}


def can(user: User | None, action: str) -> bool:
    return user is not None and action in PERMISSIONS.get(user.role, set())


def require(user: User | None, action: str) -> None:
    if not can(user, action):
        raise Forbidden(f"your role does not allow this ({action})")


# ---------------------------------------------------------------- accounts


def create_user(session: Session, username: str, role: str, password: str | None = None) -> tuple[User, str]:
    """Add a user; returns the user and the password (generated when none is given)."""
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise InputError("user name: 1–80 letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}")
    if queries.user_by_name(session, username) is not None:
        raise InputError(f"user {username!r} already exists")
    if password is None:
        password = secrets.token_urlsafe(12)
    check_password(password)
    user = User(username=username, role=role, password_hash=generate_password_hash(password))
    session.add(user)
    session.flush()
    return user, password


def check_password(password: str) -> None:
    if len(password) < 8:
        raise InputError("the password must have at least 8 characters")


def set_password(user: User, password: str) -> None:
    check_password(password)
    user.password_hash = generate_password_hash(password)


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = queries.user_by_name(session, (username or "").strip())
    if user is None or not user.active or not check_password_hash(user.password_hash, password or ""):
        return None
    return user


def ensure_admin(session: Session, password: str | None = None) -> tuple[User, str | None]:
    """The first admin; created with ``password`` or a generated one, which is returned once."""
    for user in queries.list_users(session):
        if user.role == "admin":
            return user, None
    return create_user(session, "admin", "admin", password)


# ---------------------------------------------------------------- projects and import


def get_or_create_project(session: Session, name: str) -> Project:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InputError("project name: 1–200 characters")
    project = queries.project_by_name(session, name)
    if project is None:
        project = Project(name=name)
        session.add(project)
        session.flush()
    return project


@dataclass
class Upload:
    filename: str
    data: bytes


def read_text_upload(upload: Upload) -> TextDocument:
    """Decode and split one uploaded file; raises InputError naming the file."""
    if not upload.filename:
        raise InputError("no file was chosen")
    return by_name("txt").read(upload.data, upload.filename)


def import_document(
    session: Session,
    project_name: str,
    zh: Upload,
    en: Upload,
    user: User | None = None,
    title: str | None = None,
    *,
    zh_doc: TextDocument | None = None,
    en_doc: TextDocument | None = None,
    aligner: str | None = None,
) -> Document:
    """Decode both files, align their paragraphs and store everything, or store nothing.

    ``zh_doc``/``en_doc``: the files already read by another format (services.interchange: .docx, .html).
    ``aligner``: "embedding" or "length"; the ALIGN_METHOD setting when None.
    """
    from app import config
    from app.alignment.api import signature
    from app.services.alignment import run_aligner

    zh_doc = zh_doc or read_text_upload(zh)
    en_doc = en_doc or read_text_upload(en)
    project = get_or_create_project(session, project_name)
    method = aligner or config.load()["ALIGN_METHOD"]
    if method not in ("embedding", "length"):
        raise InputError(f"unknown aligner {method!r}; use embedding or length")
    beads, used = run_aligner(list(zh_doc.paragraphs), list(en_doc.paragraphs), method)
    doc = Document(
        project=project,
        title=(title or zh_doc.paragraphs[0])[:300],
        zh_filename=Path(zh.filename).name[:300],
        en_filename=Path(en.filename).name[:300],
        aligner=("level:paragraph|" + signature(method=used))[:200],
        created_by_id=user.id if user else None,
    )
    session.add(doc)
    session.flush()
    zh_segs = _add_segments(session, doc, "zh", zh_doc.paragraphs)
    en_segs = _add_segments(session, doc, "en", en_doc.paragraphs)
    store_links(session, doc, beads, zh_segs, en_segs)
    return doc


def _add_segments(session: Session, doc: Document, side: str, texts) -> list[Segment]:
    segs = [Segment(document_id=doc.id, side=side, position=i, text=t, original=t) for i, t in enumerate(texts)]
    session.add_all(segs)
    session.flush()
    return segs


def store_links(session: Session, doc: Document, beads: list[Bead], zh_segs, en_segs, origin="auto") -> None:
    for pos, bead in enumerate(beads):
        confidence = round(min(max(bead.score, 0.0), 1.0), 4)  # the aligners' beads carry a confidence
        link = Link(document_id=doc.id, position=pos, origin=origin, confidence=confidence,
                    status="translated" if any(en_segs[j].text for j in bead.tgt) else "untranslated")
        link.members = [LinkSegment(segment=zh_segs[i]) for i in bead.src] + [
            LinkSegment(segment=en_segs[j]) for j in bead.tgt
        ]
        session.add(link)
    session.flush()


# ---------------------------------------------------------------- review


@dataclass
class Row:
    """One line of the review grid: a link with its Chinese and English segments."""

    link: Link
    number: int
    zh: list[Segment]
    en: list[Segment]


def review_rows(
    session: Session, document_id: int, page: int = 1, page_size: int = 200, only_links: set[int] | None = None
) -> tuple[list[Row], int]:
    """The rows of one page and the number of pages; ``only_links`` keeps just those link ids."""
    if only_links is None:
        total = queries.count_links(session, document_id)
    else:
        total = len(only_links)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    if only_links is None:
        links = queries.document_links(session, document_id, offset=(page - 1) * page_size, limit=page_size)
    else:
        kept = [link for link in queries.document_links(session, document_id) if link.id in only_links]
        links = kept[(page - 1) * page_size: page * page_size]
    rows = []
    for link in links:
        segs = [m.segment for m in link.members]
        rows.append(
            Row(
                link=link,
                number=link.position + 1,
                zh=sorted((s for s in segs if s.side == "zh"), key=lambda s: s.position),
                en=sorted((s for s in segs if s.side == "en"), key=lambda s: s.position),
            )
        )
    return rows, pages


def save_segment(
    session: Session,
    segment_id: int,
    text: str,
    base_version: int,
    user: User,
    reason: str = "",
    category: str | None = None,
    severity: str | None = None,
    origin: str = "edit",
    seconds: float | None = None,
) -> Revision | None:
    """Save a new English text as a revision; a stale ``base_version`` raises Conflict.

    Returns None when the text did not change (nothing is recorded).
    """
    require(user, "edit")
    seg = queries.get_or_404(session, Segment, segment_id, "segment")
    if seg.side != "en":
        raise InputError("only the English side can be edited")
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_SEGMENT_CHARS:
        raise InputError(f"the text is too long ({len(text)} characters; the limit is {MAX_SEGMENT_CHARS})")
    if "\x00" in text:
        raise InputError("the text contains a NUL character")
    if category and category not in ERROR_CATEGORIES:
        raise InputError(f"unknown error category {category!r}")
    if severity and severity not in FIX_SEVERITIES:
        raise InputError(f"unknown severity {severity!r}")
    if base_version != seg.version:
        raise Conflict("someone saved this paragraph after you opened it", current=seg)
    if text == seg.text:
        return None
    before = seg.text
    if not queries.bump_segment(session, seg.id, base_version, text):
        session.refresh(seg)
        raise Conflict("someone saved this paragraph after you opened it", current=seg)
    session.refresh(seg)
    rev = Revision(
        document_id=seg.document_id,
        segment_id=seg.id,
        version=seg.version,
        before=before,
        after=text,
        author_id=user.id,
        reason=(reason or "").strip()[:2000],
        category=category or None,
        severity=severity or None,
        origin=origin,
        seconds=min(max(float(seconds), 0.0), 86400.0) if seconds is not None else None,
    )
    session.add(rev)
    session.flush()
    return rev


# ---------------------------------------------------------------- export


def corrected_english(session: Session, document_id: int) -> TextDocument:
    doc = queries.get_or_404(session, Document, document_id, "document")
    segs = queries.document_segments(session, doc.id, "en")
    return TextDocument(tuple(s.text for s in segs if s.text), name=doc.en_filename)


def export_text(session: Session, document_id: int) -> bytes:
    return by_name("txt").write(corrected_english(session, document_id))


REVISION_COLUMNS = ("revision", "time", "author", "paragraph", "version", "category", "severity", "reason",
                    "origin", "before", "after")


def export_revisions_csv(session: Session, document_id: int) -> bytes:
    """The document's revision log as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
    queries.get_or_404(session, Document, document_id, "document")
    positions = {s.id: s.position for s in queries.document_segments(session, document_id, "en")}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REVISION_COLUMNS)
    for rev in queries.document_revisions(session, document_id):
        writer.writerow([
            rev.id, rev.created_at.isoformat(timespec="seconds"), rev.author.username if rev.author else "",
            positions.get(rev.segment_id, "") + 1 if rev.segment_id in positions else "", rev.version,
            rev.category or "", rev.severity or "", rev.reason, rev.origin, _csv_safe(rev.before),
            _csv_safe(rev.after),
        ])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (=, +, -, @ at the start of a cell)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


# ---------------------------------------------------------------- demo


def ensure_demo(session: Session, corpus_dir: Path, glossary_dir: Path, user: User | None = None):
    """Load the demo project once from corpus/demo and glossary/; returns (project, created)."""
    import tomllib

    from app.services.glossary import add_glossary
    from app.terminology.glossary import load_glossary_csv

    demo = corpus_dir / "demo"
    meta = tomllib.loads((demo / "meta.toml").read_text(encoding="utf-8"))
    existing = queries.project_by_name(session, meta["project"])
    if existing is not None and existing.documents:
        return existing, False
    zh = Upload("zh.txt", (demo / "zh.txt").read_bytes())
    en = Upload("en.txt", (demo / "en.txt").read_bytes())
    doc = import_document(session, meta["project"], zh, en, user=user, title=meta.get("title"))
    if meta.get("glossary"):
        path = glossary_dir / meta["glossary"]
        add_glossary(session, doc.project, path.stem, load_glossary_csv(path), source=path.name, user=user)
    return doc.project, True


def document_stats(session: Session, document_id: int) -> dict:
    """Counts for the document list and the review header."""
    from sqlalchemy import func, select

    links = queries.count_links(session, document_id)
    en_total, en_edited = session.execute(
        select(func.count(Segment.id), func.count(Segment.id).filter(Segment.version > 0)).where(
            Segment.document_id == document_id, Segment.side == "en", Segment.level == "paragraph",
            Segment.retired.is_(False),
        )
    ).one()
    revisions = session.scalar(select(func.count(Revision.id)).where(Revision.document_id == document_id)) or 0
    return {"links": links, "en": en_total, "edited": en_edited, "revisions": revisions,
            "percent": round(100 * en_edited / en_total) if en_total else 0}


def segment_history(session: Session, segment_id: int):
    """A segment and its revisions, newest first, each with a word-level diff."""
    from app.textdiff import word_diff

    seg = queries.get_or_404(session, Segment, segment_id, "segment")
    revs = queries.segment_revisions(session, seg.id)
    return seg, [(rev, word_diff(rev.before, rev.after)) for rev in reversed(revs)]
