"""Files out: the corrected English (txt, docx, html), both sides (tmx, xliff, xliff2, csv, tsv, xlsx), the
project glossary (tbx, tbx3, glossary-csv), and the logs: revisions, alignment changes and the review report."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, replace
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InputError
from app.formats.registry import FORMATS, by_name
from app.model import Bitext, BitextPair, TextDocument, codes_from_json, plain_text
from app.services import report
from app.services.alignment_view import history_entries
from app.services.findings import document_findings
from app.services.glossary import to_entry
from app.sheets import csv_bytes
from app.storage import queries
from app.storage.models import Comment, Document, DocumentSource, Project

# Every registered format that writes a document, both sides or a glossary, in that order.
EXPORT_FORMATS = tuple(name for kind in ("document", "bitext", "glossary") for name, cls in FORMATS.items()
                       if cls.kind == kind)
EXPORT_LABELS = {  # the "Export as…" menu of the review page (txt has a button of its own)
    "docx": "English Word (.docx)", "html": "English HTML (.html)", "tmx": "TMX 1.4b (.tmx)",
    "xliff": "XLIFF 1.2 (.xlf)", "xliff2": "XLIFF 2.0 (.xlf)", "xlsx": "Excel side by side (.xlsx)",
    "csv": "CSV side by side (.csv)", "tsv": "TSV side by side (.tsv)", "tbx": "Project glossary (TBX 2008)",
    "tbx3": "Project glossary (TBX v3)", "glossary-csv": "Project glossary (CSV)",
}
# A project glossary's downloads, by the short name the CLI and the URLs use: csv, tbx, tbx3.
GLOSSARY_FORMATS = {name.removeprefix("glossary-"): name for name, cls in FORMATS.items() if cls.kind == "glossary"}


@dataclass
class Export:
    data: bytes
    filename: str  # `<title><suffix>`: what the file is (see download_name)
    mimetype: str
    ascii_filename: str = ""  # the same name in ASCII for old clients (a CJK title falls back to document-<id>)


# The logs and report downloads, by the name the CLI, the URLs and the jobs use: what each file is called.
LOG_SUFFIXES = {"revisions-csv": ".revisions.csv", "alignment-csv": ".alignment-log.csv",
                "report-json": ".report.json", "report-csv": ".report.csv", "report-svg": ".report-chart.svg",
                "report-html": ".report.html"}
TITLE_BYTES = 150  # a title is cut to this many UTF-8 bytes, so that the whole name stays within 255
_UNSAFE = set('/\\:*?"<>|')  # path separators and the characters Windows refuses in names
KNOWN_EXTENSIONS = frozenset(e for cls in FORMATS.values() for e in cls.extensions)


def safe_title(title: str) -> str:
    """A title as the stem of a file name: CJK and other letters kept; path separators, reserved and control
    characters dropped; whitespace collapsed; a source file's extension (".txt") and leading or trailing dots
    removed; at most TITLE_BYTES bytes of UTF-8. May be empty."""
    text = "".join(" " if c.isspace() or c in _UNSAFE else c for c in unicodedata.normalize("NFC", title or "")
                   if c.isspace() or (c.isprintable() and unicodedata.category(c) != "Cf"))
    text = " ".join(text.split())
    suffix = PurePath(text).suffix if text else ""
    if suffix.lower() in KNOWN_EXTENSIONS:
        text = text[: -len(suffix)]
    text = text.strip(" .")
    while len(text.encode("utf-8")) > TITLE_BYTES:
        text = text[:-1]
    return text.rstrip(" .")


def download_name(title: str, suffix: str, fallback: str) -> tuple[str, str]:
    """The one rule for the name of a download: `<title><suffix>` (the title made safe, ``fallback`` when
    nothing is left of it), and its ASCII stand-in (``fallback`` + suffix when the title is not ASCII)."""
    stem = safe_title(title) or fallback
    return stem + suffix, (stem if stem.isascii() else fallback) + suffix


def _named(data: bytes, mimetype: str, title: str, suffix: str, fallback: str) -> Export:
    name, ascii_name = download_name(title, suffix, fallback)
    return Export(data, name, mimetype, ascii_name)


def document_file(doc: Document, data: bytes, suffix: str, mimetype: str) -> Export:
    """A download of document ``doc``: `<document title><suffix>`."""
    return _named(data, mimetype, doc.title, suffix, f"document-{doc.id}")


def source_of(session: Session, document_id: int) -> DocumentSource | None:
    return session.scalar(select(DocumentSource).where(DocumentSource.document_id == document_id))


def english_document(session: Session, document_id: int) -> TextDocument:
    """The one builder of the corrected English, with the paragraph styles of a .docx import where positions
    still match."""
    doc = queries.get_or_404(session, Document, document_id, "document")
    source = source_of(session, doc.id)
    styles = json.loads(source.styles).get("en", []) if source is not None else []
    segs = [s for s in queries.document_segments(session, doc.id, "en") if s.text]
    kept = tuple(styles[s.position] if 0 <= s.position < len(styles) else None for s in segs) if styles else ()
    template = source.data if source is not None and source.format == "docx" else None
    # inline codes of a CAT file have no place in a monolingual export: their placeholders are dropped
    return TextDocument(tuple(plain_text(s.text) for s in segs), styles=kept, name=doc.en_filename, template=template)


def export_text(session: Session, document_id: int) -> bytes:
    """The corrected English as plain text."""
    return by_name("txt").write(english_document(session, document_id))


def text_export(session: Session, document_id: int) -> Export:
    """:func:`export_text` as a download."""
    doc = queries.get_or_404(session, Document, document_id, "document")
    fmt = by_name("txt")
    return document_file(doc, export_text(session, doc.id), fmt.suffix, fmt.mimetype)


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
            codes=codes_from_json(json.dumps(meta["codes"])) if meta.get("codes") else (),
            locked=bool(meta.get("locked")),
            findings=tuple(f"{f.issue.severity}: {f.issue.message}" for f in findings.get(link.id, [])),
        ))
    return Bitext(tuple(pairs), name=doc.zh_filename or doc.title)


def export_document(session: Session, document_id: int, format_name: str) -> Export:
    """The document in one of EXPORT_FORMATS (or a log: DOWNLOADS), with a file name and a MIME type."""
    if format_name not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {format_name!r}; known: {', '.join(EXPORT_FORMATS)}")
    doc = queries.get_or_404(session, Document, document_id, "document")
    fmt = by_name(format_name)
    if fmt.kind == "glossary":  # the document's project glossary, every entry with its status
        glossary = queries.project_glossary(session, doc.project_id)
        entries = [to_entry(t) for t in glossary.terms] if glossary is not None else []
        return document_file(doc, fmt.write(entries), fmt.suffix, fmt.mimetype)
    if fmt.kind == "document":
        data = fmt.write(english_document(session, doc.id))
    else:
        bitext = document_bitext(session, doc.id, with_findings=format_name in ("csv", "tsv", "xlsx"))
        source = source_of(session, doc.id)
        if source is not None and source.data and _over_template(source.format, format_name):
            bitext = replace(bitext, template=source.data, name=source.filename)
            own = by_name(source.format)  # the file's own format and version, under its own extension
            ext = PurePath(source.filename).suffix or own.extensions[0]
            return document_file(doc, own.write(bitext), ".zh-en" + ext, own.mimetype)
        data = fmt.write(bitext)
    return document_file(doc, data, fmt.suffix, fmt.mimetype)


def _over_template(source_format: str, format_name: str) -> bool:
    """Whether an export in ``format_name`` is written over the imported file: in the file's own format, or
    "xliff" (the generic XLIFF export, what a .xlf name means) for an XLIFF 2 file, which keeps its version.
    Asking for XLIFF 2 of an XLIFF 1.2 file converts it (a new file)."""
    return source_format == format_name or (source_format, format_name) == ("xliff2", "xliff")


REVISION_COLUMNS = ("revision", "time", "author", "row", "version", "category", "severity", "reason",
                    "origin", "before", "after")


def export_revisions_csv(session: Session, document_id: int) -> bytes:
    """The document's revision log as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese); each
    revision with the review row of its paragraph."""
    queries.get_or_404(session, Document, document_id, "document")
    row_of = queries.english_row_numbers(session, document_id)
    return csv_bytes(REVISION_COLUMNS, ([
        rev.id, rev.created_at.isoformat(timespec="seconds"), rev.author.username if rev.author else "",
        row_of.get(rev.segment_id, ""), rev.version,
        rev.category or "", rev.severity or "", rev.reason, rev.origin, rev.before, rev.after,
    ] for rev in queries.document_revisions(session, document_id)))


ALIGNMENT_LOG_COLUMNS = ("change", "time", "author", "op", "summary", "reason", "before", "after", "undoes",
                         "undone_by")


def export_alignment_csv(session: Session, document_id: int) -> bytes:
    """The document's alignment history as CSV (UTF-8 with BOM), oldest first; links as `[zh]:[en]`."""
    queries.get_or_404(session, Document, document_id, "document")
    return csv_bytes(ALIGNMENT_LOG_COLUMNS, (
        [c.id, c.created_at.isoformat(timespec="seconds"), c.author.username if c.author else "", c.op, c.summary,
         c.reason, " ".join(entry["before"]), " ".join(entry["after"]), c.undoes_id or "", c.undone_by_id or ""]
        for entry in reversed(history_entries(session, document_id, limit=None)) for c in (entry["change"],)))


def glossary_export(session: Session, project: Project, fmt: str) -> Export:
    """A project's whole glossary (every status) in one of GLOSSARY_FORMATS."""
    if fmt not in GLOSSARY_FORMATS:
        raise InputError(f"unknown glossary export {fmt!r}; known: {', '.join(GLOSSARY_FORMATS)}")
    glossary = queries.project_glossary(session, project.id)
    entries = [to_entry(t) for t in glossary.terms] if glossary is not None else []
    out = by_name(GLOSSARY_FORMATS[fmt])
    return _named(out.write(entries), out.mimetype, project.name, out.suffix, f"project-{project.id}")


def export_log(session: Session, document_id: int, name: str, weights: dict[str, float] | None = None,
               threshold: float | None = None) -> Export:
    """One of DOWNLOADS: the revision log, the alignment log, the report as JSON or CSV, or its chart as SVG
    (the report needs the MQM weights and threshold)."""
    if name not in DOWNLOADS:
        raise InputError(f"unknown download {name!r}; known: {', '.join(DOWNLOADS)}")
    doc = queries.get_or_404(session, Document, document_id, "document")
    if name == "revisions-csv":
        return document_file(doc, export_revisions_csv(session, doc.id), LOG_SUFFIXES[name], CSV)
    if name == "alignment-csv":
        return document_file(doc, export_alignment_csv(session, doc.id), LOG_SUFFIXES[name], CSV)
    data = report.report_data(session, doc, weights or {}, threshold or 0.0)
    if name == "report-json":
        body = json.dumps(report.report_json(data), ensure_ascii=False, indent=2).encode("utf-8")
        return document_file(doc, body, LOG_SUFFIXES[name], "application/json")
    if name == "report-svg":  # the chart of fixes by category
        return document_file(doc, str(report.bar_chart(data["by_category"])).encode("utf-8"), LOG_SUFFIXES[name],
                             "image/svg+xml")
    return document_file(doc, report.report_csv(data), LOG_SUFFIXES[name], CSV)


CSV = "text/csv; charset=utf-8"
DOWNLOADS = ("revisions-csv", "alignment-csv", "report-json", "report-csv", "report-svg")
EXPORT_NAMES = EXPORT_FORMATS + DOWNLOADS  # what `duizhao export --format` offers
