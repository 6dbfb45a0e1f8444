"""Files in and out (issue 6): bilingual files keep their alignment, monolingual .docx/.html pairs are aligned,
and a stored document goes out as txt, docx, html, tmx, xliff, xliff2, csv, tsv or xlsx.

Every file is read completely before anything is stored, so a bad file stores nothing.

Where things go on import of a bilingual file:
  pairs → links in order (origin "manual": the alignment was given, not computed), paragraphs → segments;
  status → ``Link.status``; notes → one open ``Comment`` each on the link; creation date → ``Link.created_at``;
  change date → ``Link.status_at``; reviewer → ``Link.status_by`` when a user of that name exists;
  unit id, author and reviewer (as written) → ``DocumentSource.units``; the original bytes of an XLIFF
  file → ``DocumentSource.data`` (exported again in place).
Of a .docx pair: paragraph styles → ``DocumentSource.styles``; the English file → ``DocumentSource.data``
(the template of .docx exports: style definitions, page setup, headers and footers kept).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import services
from app.errors import InputError
from app.formats.base import Format
from app.formats.registry import FORMATS, by_name, for_filename
from app.model import Bitext, BitextPair, TextDocument
from app.services import Upload
from app.storage import queries
from app.storage.models import Comment, Document, DocumentSource, Link, LinkSegment, User

EXPORT_FORMATS = ("txt", "docx", "html", "tmx", "xliff", "xliff2", "csv", "tsv", "xlsx", "tbx", "tbx3")
EXPORT_LABELS = {
    "txt": "English text (.txt)", "docx": "English Word (.docx)", "html": "English HTML (.html)",
    "tmx": "TMX 1.4b", "xliff": "XLIFF 1.2", "xliff2": "XLIFF 2.0", "csv": "CSV side by side",
    "tsv": "TSV side by side", "xlsx": "Excel side by side (.xlsx)", "tbx": "Project glossary (TBX 2008)",
    "tbx3": "Project glossary (TBX v3)",
}
EXPORT_EXTENSIONS = {"xliff": ".xlf", "xliff2": ".xlf"}
TEMPLATE_FORMATS = ("xliff", "xliff2")


@dataclass
class Export:
    data: bytes
    filename: str
    mimetype: str


# ---------------------------------------------------------------- reading


def document_format(filename: str, name: str | None = None) -> Format:
    """The monolingual format for a file: ``name`` when given, else by extension (unknown → plain text)."""
    if name:
        fmt = by_name(name)
        if fmt.kind != "document":
            raise InputError(f"{name} is not a monolingual document format")
        return fmt
    try:
        return for_filename(filename, "document")
    except InputError:
        if PurePath(filename).suffix.lower() in _bitext_extensions():
            raise InputError(f"{filename}: a bilingual file; import it on its own, not as one side of a pair") \
                from None
        return by_name("txt")


def bitext_format(filename: str, name: str | None = None) -> Format:
    fmt = by_name(name) if name else for_filename(filename, "bitext")
    if fmt.kind != "bitext":
        raise InputError(f"{name or filename}: not a bilingual format; import a Chinese and an English file")
    return fmt


def is_bitext(filename: str, name: str | None = None) -> bool:
    if name:
        return by_name(name).kind == "bitext"
    return PurePath(filename).suffix.lower() in _bitext_extensions()


def _bitext_extensions() -> set[str]:
    return {ext for cls in FORMATS.values() if cls.kind == "bitext" for ext in cls.extensions}


def read_document(upload: Upload, name: str | None = None) -> TextDocument:
    if not upload.filename:
        raise InputError("no file was chosen")
    return document_format(upload.filename, name).read(upload.data, upload.filename)


def read_bitext(upload: Upload, name: str | None = None) -> Bitext:
    if not upload.filename:
        raise InputError("no file was chosen")
    bitext = bitext_format(upload.filename, name).read(upload.data, upload.filename)
    if not any(p.zh for p in bitext.pairs):
        raise InputError(f"{upload.filename}: the file has no Chinese text")
    return bitext


# ---------------------------------------------------------------- import


def import_pair(
    session: Session,
    project_name: str,
    zh: Upload,
    en: Upload,
    user: User | None = None,
    title: str | None = None,
    zh_format: str | None = None,
    en_format: str | None = None,
) -> Document:
    """Two monolingual files (.txt, .docx, .html, by extension or by name), aligned as services.import_document."""
    zh_doc = read_document(zh, zh_format)
    en_doc = read_document(en, en_format)
    doc = services.import_document(session, project_name, zh, en, user=user, title=title, zh_doc=zh_doc,
                                   en_doc=en_doc)
    if zh_doc.styles or en_doc.styles:
        # the English .docx is kept as the template of .docx exports (styles, page setup, headers, footers)
        template = en.data if en_doc.styles and document_format(en.filename, en_format).name == "docx" else None
        session.add(DocumentSource(document_id=doc.id, format="docx", filename=Path(en.filename).name[:300],
                                   data=template,
                                   styles=json.dumps({"zh": list(zh_doc.styles), "en": list(en_doc.styles)}),
                                   units="{}"))
        session.flush()
    return doc


def import_bitext(
    session: Session,
    project_name: str,
    upload: Upload,
    user: User | None = None,
    title: str | None = None,
    format_name: str | None = None,
) -> Document:
    """One bilingual file, its alignment kept as given; see the module docstring for where each field goes."""
    bitext = read_bitext(upload, format_name)
    fmt_name = bitext.format or bitext_format(upload.filename, format_name).name
    project = services.get_or_create_project(session, project_name)
    name = Path(upload.filename).name[:300]
    first_zh = next(p.zh[0] for p in bitext.pairs if p.zh)
    doc = Document(project=project, title=(title or first_zh)[:300], zh_filename=name, en_filename=name,
                   aligner=f"given|{fmt_name}", created_by_id=user.id if user else None)
    session.add(doc)
    session.flush()
    zh_segs = services._add_segments(session, doc, "zh", [t for p in bitext.pairs for t in p.zh])
    en_segs = services._add_segments(session, doc, "en", [t for p in bitext.pairs for t in p.en])
    reviewers = {p.reviewer for p in bitext.pairs if p.reviewer}
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(reviewers)))} \
        if reviewers else {}
    zi = ei = 0
    links: list[tuple[Link, BitextPair]] = []
    for position, pair in enumerate(bitext.pairs):
        link = Link(document_id=doc.id, position=position, origin="manual", confidence=None, status=pair.status,
                    status_at=pair.changed, status_by_id=users[pair.reviewer].id if pair.reviewer in users else None)
        if pair.created is not None:
            link.created_at = pair.created
        link.members = [LinkSegment(segment=s) for s in zh_segs[zi: zi + len(pair.zh)]] + [
            LinkSegment(segment=s) for s in en_segs[ei: ei + len(pair.en)]]
        zi, ei = zi + len(pair.zh), ei + len(pair.en)
        session.add(link)
        links.append((link, pair))
    session.flush()
    units = {}
    for link, pair in links:
        for note in _notes(pair.note):
            session.add(Comment(document_id=doc.id, link_id=link.id, author_id=user.id if user else None,
                                body=note))
        meta = {k: v for k, v in (("id", pair.unit_id), ("author", pair.author), ("reviewer", pair.reviewer)) if v}
        if meta:
            units[str(link.id)] = meta
    session.add(DocumentSource(document_id=doc.id, format=fmt_name, filename=name,
                               data=upload.data if fmt_name in TEMPLATE_FORMATS else None,
                               styles="{}", units=json.dumps(units, ensure_ascii=False)))
    session.flush()
    return doc


def import_files(
    session: Session,
    project_name: str,
    uploads: list[Upload],
    user: User | None = None,
    title: str | None = None,
    format_name: str | None = None,
) -> Document:
    """One bilingual file or a Chinese and an English file; the format by extension unless named."""
    if len(uploads) == 1:
        if not is_bitext(uploads[0].filename, format_name):
            raise InputError(f"{uploads[0].filename}: a monolingual file; give the Chinese and the English file, "
                             "or one bilingual file (.tmx, .xliff, .xlf, .csv, .tsv, .xlsx)")
        return import_bitext(session, project_name, uploads[0], user, title, format_name)
    if len(uploads) == 2:
        if format_name and by_name(format_name).kind != "document":
            raise InputError(f"{format_name} is a bilingual format: import one file")
        return import_pair(session, project_name, uploads[0], uploads[1], user, title, format_name, format_name)
    raise InputError("give one bilingual file or two monolingual files (Chinese, then English)")


def _notes(note: str) -> list[str]:
    return [n.strip() for n in (note or "").split("\n\n") if n.strip()]


# ---------------------------------------------------------------- export


def source_of(session: Session, document_id: int) -> DocumentSource | None:
    return session.scalar(select(DocumentSource).where(DocumentSource.document_id == document_id))


def english_document(session: Session, document_id: int) -> TextDocument:
    """The corrected English, with the paragraph styles of a .docx import where positions still match."""
    doc = queries.get_or_404(session, Document, document_id, "document")
    source = source_of(session, doc.id)
    styles = json.loads(source.styles).get("en", []) if source is not None else []
    segs = [s for s in queries.document_segments(session, doc.id, "en") if s.text]
    kept = tuple(styles[s.position] if 0 <= s.position < len(styles) else None for s in segs) if styles else ()
    template = source.data if source is not None and source.format == "docx" else None
    return TextDocument(tuple(s.text for s in segs), styles=kept, name=doc.en_filename, template=template)


def document_bitext(session: Session, document_id: int, with_findings: bool = False) -> Bitext:
    """The stored document as a Bitext: one pair per link, current English, statuses and open comments."""
    doc = queries.get_or_404(session, Document, document_id, "document")
    source = source_of(session, doc.id)
    units = json.loads(source.units) if source is not None else {}
    links = queries.document_links(session, doc.id)
    comments: dict[int, list[str]] = {}
    for c in session.scalars(select(Comment).where(Comment.document_id == doc.id, Comment.resolved.is_(False),
                                                   Comment.link_id.is_not(None)).order_by(Comment.id)):
        comments.setdefault(c.link_id, []).append(c.body)
    findings = {}
    if with_findings:
        from app.services.findings import document_findings

        findings = document_findings(session, doc.id).by_link
    pairs = []
    for link in links:
        segs = [m.segment for m in link.members if not m.segment.retired]
        zh = tuple(s.text for s in sorted((s for s in segs if s.side == "zh"), key=lambda s: s.position) if s.text)
        en = tuple(s.text for s in sorted((s for s in segs if s.side == "en"), key=lambda s: s.position) if s.text)
        meta = units.get(str(link.id), {})
        reviewer = link.status_by.username if link.status_by is not None else meta.get("reviewer", "")
        pairs.append(BitextPair(
            zh=zh, en=en, status=link.status or "translated", note="\n\n".join(comments.get(link.id, [])),
            author=meta.get("author", ""), reviewer=reviewer, created=link.created_at, changed=link.status_at,
            unit_id=meta.get("id", ""),
            findings=tuple(f"{f.issue.severity}: {f.issue.message}" for f in findings.get(link.id, [])),
        ))
    return Bitext(tuple(pairs), name=doc.zh_filename or doc.title)


def export_document(session: Session, document_id: int, format_name: str) -> Export:
    """The document in one of EXPORT_FORMATS, with a file name and a MIME type."""
    if format_name not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {format_name!r}; known: {', '.join(EXPORT_FORMATS)}")
    doc = queries.get_or_404(session, Document, document_id, "document")
    fmt = by_name(format_name)
    if fmt.kind == "glossary":  # the document's project glossary, every entry with its status
        from app.services.glossary import to_entry

        glossary = queries.project_glossary(session, doc.project_id)
        entries = [to_entry(t) for t in glossary.terms] if glossary is not None else []
        stem = Path(doc.zh_filename).stem or f"document-{doc.id}"
        return Export(data=fmt.write(entries), filename=f"{stem}-glossary.tbx", mimetype=fmt.mimetype)
    if fmt.kind == "document":
        data = fmt.write(english_document(session, doc.id))
    else:
        bitext = document_bitext(session, doc.id, with_findings=format_name in ("csv", "tsv", "xlsx"))
        source = source_of(session, doc.id)
        if source is not None and source.data and source.format == format_name:
            from dataclasses import replace

            bitext = replace(bitext, template=source.data, name=source.filename)
            return Export(data=fmt.write(bitext), filename=source.filename, mimetype=fmt.mimetype)
        data = fmt.write(bitext)
    stem = Path(doc.en_filename or doc.zh_filename).stem or f"document-{doc.id}"
    if fmt.kind == "bitext":
        stem = Path(doc.zh_filename).stem or stem
    ext = EXPORT_EXTENSIONS.get(format_name, fmt.extensions[0])
    return Export(data=data, filename=f"{stem}{ext}", mimetype=fmt.mimetype)
