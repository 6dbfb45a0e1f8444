"""Downloads of a document: every export format, the corrected English, the revision and alignment logs."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response

from app.services import exports
from app.storage import queries
from app.storage.models import Document
from app.web.db import get_session

bp = Blueprint("exports", __name__)


@bp.route("/documents/<int:doc_id>/export/<fmt>")
def export(doc_id: int, fmt: str):
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    out = exports.export_document(session, doc.id, fmt)
    filename = out.filename.replace('"', "")
    return Response(out.data, mimetype=out.mimetype, headers={
        "Content-Disposition": f"attachment; filename=\"document-{doc.id}-{_ascii(filename)}\"; "
                               f"filename*=UTF-8''{_quote(filename)}"})


@bp.route("/documents/<int:doc_id>/export.txt")
def export_txt(doc_id: int):
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    return _download(exports.export_text(session, doc.id), "text/plain; charset=utf-8",
                     f"document-{doc.id}-en-corrected.txt")


@bp.route("/documents/<int:doc_id>/revisions.csv")
def export_revisions(doc_id: int):
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    return _download(exports.export_revisions_csv(session, doc.id), "text/csv; charset=utf-8",
                     f"document-{doc.id}-revisions.csv")


@bp.route("/documents/<int:doc_id>/alignment.csv")
def export_log(doc_id: int):
    """The alignment history as CSV."""
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    return _download(exports.export_alignment_csv(session, doc.id), "text/csv; charset=utf-8",
                     f"document-{doc.id}-alignment-log.csv")


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() else "_" for c in name)


def _quote(name: str) -> str:
    return quote(name, safe="")
