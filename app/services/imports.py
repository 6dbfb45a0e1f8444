"""Files in: one upload reader, a pair of monolingual files aligned, one bilingual file with its alignment kept.

Every file is read completely before anything is stored, so a bad file stores nothing.

Where things go on import of a bilingual file:
  pairs → links in order (origin "manual": the alignment was given, not computed), paragraphs → segments;
  status → ``Link.status``; notes → one open ``Comment`` each on the link; creation date → ``Link.created_at``;
  a status other than the initial one → a ``StatusChange`` by the importer, whose note keeps the file's
  reviewer and change date (a file never makes anyone the actor);
  unit id, author and reviewer (as written), the inline codes' side table and the file's lock →
  ``DocumentSource.units`` (segment texts keep the codes' placeholders); the original bytes of an XLIFF or TMX
  file → ``DocumentSource.data`` (exported again in place).
Of a .docx pair: paragraph styles → ``DocumentSource.styles``; the English file → ``DocumentSource.data``
(the template of .docx exports: style definitions, page setup, headers and footers kept).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy.orm import Session

from app.alignment.api import ALIGNERS, signature
from app.errors import InputError
from app.formats.base import Format
from app.formats.registry import FORMATS, by_name, for_filename
from app.model import Bead, Bitext, BitextPair, TextDocument, codes_to_json, plain_text
from app.services.findings import check_and_store
from app.services.links import DEFAULT_ALIGNER, run_aligner
from app.services.projects import project_for_import
from app.services.statuses import initial_status, record_status
from app.storage.models import Comment, Document, DocumentSource, Link, LinkSegment, Segment, User

TEMPLATE_FORMATS = ("xliff", "xliff2", "tmx")  # bilingual formats whose file is kept and exported again in place


@dataclass
class Upload:
    filename: str
    data: bytes


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


MAX_PARAGRAPH_CHARS = 20_000  # the default of the MAX_PARAGRAPH_CHARS setting


def read_document(upload: Upload, name: str | None = None, max_chars: int = MAX_PARAGRAPH_CHARS) -> TextDocument:
    """The one reader of a monolingual upload (.txt, .docx, .html; unknown extensions as text); raises
    InputError naming the file (and the line of a paragraph longer than ``max_chars``)."""
    if not upload.filename:
        raise InputError("no file was chosen")
    doc = document_format(upload.filename, name).read(upload.data, upload.filename)
    for i, text in enumerate(doc.paragraphs):
        if len(text) > max_chars:
            raise InputError(f"{upload.filename}, {doc.where(i)}: a paragraph of {len(text):,} characters (the "
                             f"limit is {max_chars:,}); split it into paragraphs, then import again")
    return doc


def read_bitext(upload: Upload, name: str | None = None, max_chars: int = MAX_PARAGRAPH_CHARS) -> Bitext:
    if not upload.filename:
        raise InputError("no file was chosen")
    bitext = bitext_format(upload.filename, name).read(upload.data, upload.filename)
    if not any(p.zh for p in bitext.pairs):
        raise InputError(f"{upload.filename}: the file has no Chinese text")
    for i, pair in enumerate(bitext.pairs, 1):
        longest = max((len(t) for t in pair.zh + pair.en), default=0)
        if longest > max_chars:
            raise InputError(f"{upload.filename}, unit {i}: a paragraph of {longest:,} characters (the limit is "
                             f"{max_chars:,}); nothing was imported")
    return bitext


def import_document(session: Session, project_name: str, zh: Upload, en: Upload, user: User | None = None,
                    title: str | None = None, *, zh_doc: TextDocument | None = None,
                    en_doc: TextDocument | None = None, aligner: str = DEFAULT_ALIGNER,
                    max_chars: int = MAX_PARAGRAPH_CHARS, progress: StepProgress | None = None) -> Document:
    """Decode both files, align their paragraphs and store everything, or store nothing.

    ``zh_doc``/``en_doc``: the files already read (``import_pair``: .docx, .html).
    ``aligner``: a name in ``app.alignment.api.ALIGNERS`` (callers pass the ALIGN_METHOD setting).
    ``progress(step, fraction)``: told of the steps (encoding, aligning, storing), as a job's progress is.
    """
    report = progress or _no_progress
    zh_doc = zh_doc or read_document(zh, max_chars=max_chars)
    en_doc = en_doc or read_document(en, max_chars=max_chars)
    if aligner not in ALIGNERS:
        raise InputError(f"unknown aligner {aligner!r}; use {' or '.join(ALIGNERS)}")
    report("encoding", 0.0)
    beads, used = run_aligner(list(zh_doc.paragraphs), list(en_doc.paragraphs), aligner,
                              progress=_encoding_then_aligning(report))
    report("storing", 0.0)
    # after the alignment: on SQLite a job's first write takes the database's one write lock, and its
    # progress could not be written until the job commits (app/jobs/progress.py)
    project = project_for_import(session, project_name, user)
    doc = Document(
        project=project,
        title=(title or plain_text(zh_doc.paragraphs[0]))[:300],
        zh_filename=Path(zh.filename).name[:300],
        en_filename=Path(en.filename).name[:300],
        aligner=("level:paragraph|" + signature(method=used))[:200],
        created_by_id=user.id if user else None,
    )
    session.add(doc)
    session.flush()
    zh_segs = add_segments(session, doc, "zh", zh_doc.paragraphs)
    en_segs = add_segments(session, doc, "en", en_doc.paragraphs)
    store_links(session, doc, beads, zh_segs, en_segs)
    check_and_store(session, doc.id)  # the checks run once now, so the document's first page need not run them
    return doc


StepProgress = Callable[[str, float], None]


def _no_progress(_step: str, _fraction: float = 0.0) -> None:
    pass


def _encoding_then_aligning(report: StepProgress) -> Callable[[int, int], None]:
    """The aligner's ``progress(done, total)`` (segments encoded) as steps: encoding, then aligning once
    every segment is encoded (the search that follows reports nothing more)."""

    def tick(done: int, total: int) -> None:
        if total and done >= total:
            report("aligning", 0.0)
        else:
            report("encoding", done / total if total else 0.0)

    return tick


def add_segments(session: Session, doc: Document, side: str, texts) -> list[Segment]:
    segs = [Segment(document_id=doc.id, side=side, position=i, text=t, original=t) for i, t in enumerate(texts)]
    session.add_all(segs)
    session.flush()
    return segs


def store_links(session: Session, doc: Document, beads: list[Bead], zh_segs, en_segs, origin="auto") -> None:
    for pos, bead in enumerate(beads):
        confidence = round(min(max(bead.score, 0.0), 1.0), 4)  # the aligners' beads carry a confidence
        link = Link(document_id=doc.id, position=pos, origin=origin, confidence=confidence,
                    status=initial_status(any(en_segs[j].text for j in bead.tgt)))
        link.members = [LinkSegment(segment=zh_segs[i]) for i in bead.src] + [
            LinkSegment(segment=en_segs[j]) for j in bead.tgt
        ]
        session.add(link)
    session.flush()


def import_pair(session: Session, project_name: str, zh: Upload, en: Upload, user: User | None = None,
                title: str | None = None, zh_format: str | None = None, en_format: str | None = None,
                aligner: str = DEFAULT_ALIGNER, max_chars: int = MAX_PARAGRAPH_CHARS,
                progress: StepProgress | None = None) -> Document:
    """Two monolingual files (.txt, .docx, .html, by extension or by name), aligned as ``import_document``.

    ``progress(step, fraction)``: decoding and splitting (both done by each file's reader), then
    ``import_document``'s steps."""
    report = progress or _no_progress
    report("decoding", 0.0)
    zh_doc = read_document(zh, zh_format, max_chars)
    report("splitting", 0.5)
    en_doc = read_document(en, en_format, max_chars)
    report("splitting", 1.0)
    doc = import_document(session, project_name, zh, en, user=user, title=title, zh_doc=zh_doc,
                          en_doc=en_doc, aligner=aligner, progress=progress)
    if zh_doc.styles or en_doc.styles:
        # the English .docx is kept as the template of .docx exports (styles, page setup, headers, footers)
        template = en.data if en_doc.styles and document_format(en.filename, en_format).name == "docx" else None
        session.add(DocumentSource(document_id=doc.id, format="docx", filename=Path(en.filename).name[:300],
                                   data=template,
                                   styles=json.dumps({"zh": list(zh_doc.styles), "en": list(en_doc.styles)}),
                                   units="{}"))
        session.flush()
    return doc


def import_bitext(session: Session, project_name: str, upload: Upload, user: User | None = None,
                  title: str | None = None, format_name: str | None = None,
                  max_chars: int = MAX_PARAGRAPH_CHARS) -> Document:
    """One bilingual file, its alignment kept as given; see the module docstring for where each field goes."""
    bitext = read_bitext(upload, format_name, max_chars)
    fmt_name = bitext.format or bitext_format(upload.filename, format_name).name
    project = project_for_import(session, project_name, user)
    name = Path(upload.filename).name[:300]
    first_zh = next(plain_text(p.zh[0]) for p in bitext.pairs if p.zh)
    doc = Document(project=project, title=(title or first_zh)[:300], zh_filename=name, en_filename=name,
                   aligner=f"given|{fmt_name}", created_by_id=user.id if user else None)
    session.add(doc)
    session.flush()
    zh_segs = add_segments(session, doc, "zh", [t for p in bitext.pairs for t in p.zh])
    en_segs = add_segments(session, doc, "en", [t for p in bitext.pairs for t in p.en])
    zi = ei = 0
    links: list[tuple[Link, BitextPair]] = []
    for position, pair in enumerate(bitext.pairs):
        link = Link(document_id=doc.id, position=position, origin="manual", confidence=None,
                    status=initial_status(bool(pair.en)))
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
        if pair.status != link.status:  # the file's status, set by the importer; what the file said as a note
            record_status(session, link, pair.status, user, note=_status_note(name, pair))
            link.status_at = pair.changed or link.status_at  # when the file says the status was set
        for note in _notes(pair.note):
            session.add(Comment(document_id=doc.id, link_id=link.id, author_id=user.id if user else None,
                                body=note))
        meta = {k: v for k, v in (("id", pair.unit_id), ("author", pair.author), ("reviewer", pair.reviewer)) if v}
        if pair.codes:  # the inline codes' side table and the file's lock (see services/inline.py)
            meta["codes"] = json.loads(codes_to_json(pair.codes))
        if pair.locked:
            meta["locked"] = True
        if meta:
            units[str(link.id)] = meta
    session.add(DocumentSource(document_id=doc.id, format=fmt_name, filename=name,
                               data=upload.data if fmt_name in TEMPLATE_FORMATS else None,
                               styles="{}", units=json.dumps(units, ensure_ascii=False)))
    session.flush()
    check_and_store(session, doc.id)
    return doc


def import_files(session: Session, project_name: str, uploads: list[Upload], user: User | None = None,
                 title: str | None = None, format_name: str | None = None,
                 aligner: str = DEFAULT_ALIGNER, max_chars: int = MAX_PARAGRAPH_CHARS,
                 progress: StepProgress | None = None) -> Document:
    """One bilingual file or a Chinese and an English file; the format by extension unless named.
    ``progress``: the steps of a pair's import (``import_pair``)."""
    if len(uploads) == 1:
        if not is_bitext(uploads[0].filename, format_name):
            raise InputError(f"{uploads[0].filename}: a monolingual file; give the Chinese and the English file, "
                             "or one bilingual file (.tmx, .xliff, .xlf, .csv, .tsv, .xlsx)")
        return import_bitext(session, project_name, uploads[0], user, title, format_name, max_chars)
    if len(uploads) == 2:
        if format_name and by_name(format_name).kind != "document":
            raise InputError(f"{format_name} is a bilingual format: import one file")
        return import_pair(session, project_name, uploads[0], uploads[1], user, title, format_name, format_name,
                           aligner, max_chars, progress=progress)
    raise InputError("give one bilingual file or two monolingual files (Chinese, then English)")


def _status_note(filename: str, pair: BitextPair) -> str:
    said = [f"reviewer in the file: {pair.reviewer}"] if pair.reviewer else []
    if pair.changed is not None:
        said.append(f"changed {pair.changed:%Y-%m-%d %H:%M}")
    return f"from {filename}" + (f" ({'; '.join(said)})" if said else "")


def _notes(note: str) -> list[str]:
    return [n.strip() for n in (note or "").split("\n\n") if n.strip()]
