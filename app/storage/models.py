"""SQLAlchemy models. Every schema change goes through an Alembic migration."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.model import STATUSES


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


ROLES = ("admin", "reviewer", "translator")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Raised by logout, a password change, a reset or a deactivation: every session that carries an
    # older value is ended (sessions hold the value they were opened with).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    __table_args__ = (CheckConstraint("role in ('admin', 'reviewer', 'translator')", name="ck_users_role"),)

    # The user protocol Flask-Login expects (storage does not import Flask-Login).
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def get_id(self) -> str:
        return str(self.id)


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    documents: Mapped[list[Document]] = relationship(back_populates="project", order_by="Document.id")


PROJECT_ROLES = ("translator", "reviewer")


class ProjectMember(Base):
    """A user's membership of a project, with the role they have in it (admins are global)."""

    __tablename__ = "project_members"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user: Mapped[User] = relationship()
    __table_args__ = (
        CheckConstraint("role in ('translator', 'reviewer')", name="ck_project_members_role"),
        Index("ix_project_members_user", "user_id"),
    )


class Document(Base):
    """A Chinese source and its English rendering, held as segments."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    title: Mapped[str] = mapped_column(String(300))
    zh_filename: Mapped[str] = mapped_column(String(300), default="")
    en_filename: Mapped[str] = mapped_column(String(300), default="")
    aligner: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    project: Mapped[Project] = relationship(back_populates="documents")


class Segment(Base):
    """One paragraph (or, later, sentence) of one side, in document order.

    ``text`` is the current text and ``original`` the text as imported; ``version``
    counts saved revisions and guards against stale writes.
    """

    __tablename__ = "segments"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    side: Mapped[str] = mapped_column(String(2))
    level: Mapped[str] = mapped_column(String(10), default="paragraph")
    position: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id"))
    text: Mapped[str] = mapped_column(Text)
    original: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=0)
    # A new version of the document replaced it: kept for its history, never shown or exported
    # (its position is then -id, so active positions stay 0..n-1).
    retired: Mapped[bool] = mapped_column(default=False, server_default=false())
    # New or changed in a new version of the document; cleared when a reviewer marks it checked.
    needs_review: Mapped[bool] = mapped_column(default=False, server_default=false())
    __table_args__ = (
        UniqueConstraint("document_id", "side", "level", "position", name="uq_segments_position"),
        CheckConstraint("side in ('zh', 'en')", name="ck_segments_side"),
    )


class Link(Base):
    """An n:m link between source and target segments of one document."""

    __tablename__ = "links"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    level: Mapped[str] = mapped_column(String(10), default="paragraph")
    position: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(10), default="auto")
    confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Review status (untranslated / translated / reviewed / approved / rejected), who set it and when.
    status: Mapped[str] = mapped_column(String(20), default="translated", server_default="translated")
    status_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_links_status_by"))
    status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_by: Mapped[User | None] = relationship(foreign_keys=[status_by_id])
    members: Mapped[list[LinkSegment]] = relationship(
        back_populates="link", cascade="all, delete-orphan", order_by="LinkSegment.segment_id"
    )
    __table_args__ = (
        Index("ix_links_document_position", "document_id", "level", "position"),
        CheckConstraint("origin in ('auto', 'manual')", name="ck_links_origin"),
        CheckConstraint("status in ('untranslated', 'translated', 'reviewed', 'approved', 'rejected')",
                        name="ck_links_status"),
    )


class LinkSegment(Base):
    __tablename__ = "link_segments"
    link_id: Mapped[int] = mapped_column(ForeignKey("links.id", ondelete="CASCADE"), primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id"), primary_key=True)
    link: Mapped[Link] = relationship(back_populates="members")
    segment: Mapped[Segment] = relationship()


class Revision(Base):
    """Every change of a target segment. Rows are only ever inserted."""

    __tablename__ = "revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id"))
    version: Mapped[int] = mapped_column(Integer)
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(60))
    severity: Mapped[str | None] = mapped_column(String(20))
    origin: Mapped[str] = mapped_column(String(20), default="edit")
    seconds: Mapped[float | None] = mapped_column(Float)  # editing time the reviewer spent before saving
    author: Mapped[User | None] = relationship()
    __table_args__ = (
        UniqueConstraint("segment_id", "version", name="uq_revisions_segment_version"),
        Index("ix_revisions_document", "document_id", "created_at"),
    )


class Glossary(Base):
    __tablename__ = "glossaries"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    source: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    terms: Mapped[list[Term]] = relationship(back_populates="glossary", order_by="Term.id")


class Term(Base):
    """A glossary entry; list-valued fields are stored `|`-separated, as in the CSV files."""

    __tablename__ = "terms"
    id: Mapped[int] = mapped_column(primary_key=True)
    glossary_id: Mapped[int] = mapped_column(ForeignKey("glossaries.id"))
    zh: Mapped[str] = mapped_column(Text)
    en: Mapped[str] = mapped_column(Text)
    variants: Mapped[str] = mapped_column(Text, default="")
    forbidden: Mapped[str] = mapped_column(Text, default="")
    case_rule: Mapped[str] = mapped_column(String(20), default="insensitive")
    kind: Mapped[str] = mapped_column(String(10), default="term")
    status: Mapped[str] = mapped_column(String(20), default="approved")
    domains: Mapped[str] = mapped_column(Text, default="")
    authority: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    glossary: Mapped[Glossary] = relationship(back_populates="terms")


class TermChange(Base):
    """Every change of a glossary entry: who, when, before and after (JSON)."""

    __tablename__ = "term_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[User | None] = relationship()


class Dismissal(Base):
    """A finding a reviewer dismissed; it stays dismissed on later runs (keyed by check and text)."""

    __tablename__ = "dismissals"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    key: Mapped[str] = mapped_column(String(120))
    check: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[User | None] = relationship()
    __table_args__ = (UniqueConstraint("document_id", "key", name="uq_dismissals_document_key"),)


class AlignmentChange(Base):
    """Every change of a document's links: the links before and after, as JSON lists of
    ``{"zh": [segment ids], "en": [segment ids], "origin", "confidence"}``. Rows are only inserted;
    an undo is a new row pointing at the change it reverses."""

    __tablename__ = "alignment_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    level: Mapped[str] = mapped_column(String(10), default="paragraph")
    op: Mapped[str] = mapped_column(String(20))
    before: Mapped[str] = mapped_column(Text, default="[]")
    after: Mapped[str] = mapped_column(Text, default="[]")
    summary: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undoes_id: Mapped[int | None] = mapped_column(ForeignKey("alignment_changes.id"))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("alignment_changes.id"))
    author: Mapped[User | None] = relationship()
    __table_args__ = (Index("ix_alignment_changes_document", "document_id", "created_at"),)


LINK_STATUSES = STATUSES  # the review statuses of a link, declared once in app.model


class StatusChange(Base):
    """Every change of a link's review status."""

    __tablename__ = "status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    link_id: Mapped[int] = mapped_column(ForeignKey("links.id", ondelete="CASCADE"))
    before: Mapped[str] = mapped_column(String(20))
    after: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Why, when it was not a click: "from file.tmx (x-reviewer: ana)", "edited after approval".
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    author: Mapped[User | None] = relationship()
    __table_args__ = (Index("ix_status_changes_link", "link_id", "created_at"),)


class Comment(Base):
    """A comment on a link (or on the document when link_id is empty); resolvable and reopenable."""

    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("links.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    body: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(default=False, server_default=false())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    __table_args__ = (Index("ix_comments_document", "document_id", "link_id"),)


class DocumentSource(Base):
    """The file a document was imported from, kept for exports that give it back (issue 6).

    ``data`` holds the original bytes of an XLIFF file (its units are updated in place on export, so
    foreign markup survives) or of the English .docx (the template of .docx exports); ``styles`` is
    JSON ``{"zh": [...], "en": [...]}`` with the paragraph styles of .docx files; ``units`` is JSON
    ``{link id: {"id", "author", "reviewer"}}`` with what a bilingual file said about each unit that
    has no column of its own.
    """

    __tablename__ = "document_sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    format: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(300), default="")
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    styles: Mapped[str] = mapped_column(Text, default="{}")
    units: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MTCache(Base):
    """Machine translations of segment texts, per model (issue 7); rows are only inserted."""

    __tablename__ = "mt_cache"
    id: Mapped[int] = mapped_column(primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    translation: Mapped[str] = mapped_column(Text)
    model_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (UniqueConstraint("text_hash", "model_id", name="uq_mt_cache_text_model"),)


JOB_STATES = ("queued", "running", "done", "failed")


class Job(Base):
    """A long piece of work run by the job queue (issue 13): an import, a re-alignment, an export…

    ``progress`` (0..1) and ``step`` are written by the worker in short transactions of their own;
    the job's work is one transaction that commits together with ``state='done'``. ``dedupe_key``
    (a form token or a hash of the files) makes a second submit join the job instead of starting one:
    at most one queued or running job holds a given (kind, key). ``worker_host``/``worker_pid`` and
    ``heartbeat_at`` tell whether the worker still lives; a dead worker's job is failed when a queue
    starts. ``params`` and ``result`` are JSON objects; ``result_id`` is the id of what the job made
    (a document for an import).
    """

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(10), default="queued", server_default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    step: Mapped[str] = mapped_column(String(40), default="", server_default="")
    message: Mapped[str] = mapped_column(Text, default="", server_default="")
    params: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    result_id: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    dedupe_key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    worker_host: Mapped[str] = mapped_column(String(255), default="", server_default="")
    worker_pid: Mapped[int | None] = mapped_column(Integer)
    user: Mapped[User | None] = relationship()
    __table_args__ = (
        CheckConstraint("state in ('queued', 'running', 'done', 'failed')", name="ck_jobs_state"),
        CheckConstraint("progress >= 0 and progress <= 1", name="ck_jobs_progress"),
        Index("ix_jobs_project_created", "project_id", "created_at"),
        Index("ix_jobs_state", "state"),
        Index("uq_jobs_active_dedupe", "kind", "dedupe_key", unique=True,
              sqlite_where=text("state in ('queued', 'running') and dedupe_key is not null"),
              postgresql_where=text("state in ('queued', 'running') and dedupe_key is not null")),
    )


class JobFile(Base):
    """A file a job reads or writes (issue 13): the uploads of an import (role ``zh``, ``en``, ``file``…),
    deleted when the job finishes or fails, or what an export job wrote (role ``result``), kept with the
    job. Bytes live in the database, not under instance/, so a worker on another machine reads them too.
    """

    __tablename__ = "job_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(300), default="", server_default="")
    mimetype: Mapped[str] = mapped_column(String(120), default="", server_default="")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    __table_args__ = (Index("ix_job_files_job", "job_id"),)


class CheckRun(Base):
    """A document's last complete check run (every check), so a new server process shows the review grid
    without running every check again (issue 14): ``key`` names what the findings were computed from (the
    document's text, links, dismissals and glossary, and the checks' code; see services/findings.py),
    ``findings`` is their JSON records, zlib-compressed. One row a document, replaced by each new run."""

    __tablename__ = "check_runs"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    count: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[bytes] = mapped_column(LargeBinary)
