"""Downloads of a document: every export format, the corrected English, the revision and alignment logs."""

from __future__ import annotations

from flask import Blueprint, Response

from app.services import background, exports
from app.web import jobs
from app.web.db import get_session
from app.web.helpers import attachment, document_or_404

bp = Blueprint("exports", __name__)


@bp.route("/documents/<int:doc_id>/export/<fmt>")
def export(doc_id: int, fmt: str):
    session, doc = document_or_404(doc_id)
    if fmt in exports.EXPORT_FORMATS and background.is_large_document(session, doc.id):
        return jobs.submit_export(doc.id, fmt)
    return _send(exports.export_document(session, doc.id, fmt))


@bp.route("/documents/<int:doc_id>/export.txt")
def export_txt(doc_id: int):
    """The corrected English as plain text."""
    return _send(exports.text_export(get_session(), doc_id))


@bp.route("/documents/<int:doc_id>/revisions.csv")
def export_revisions(doc_id: int):
    """The revision log as CSV."""
    return _send(exports.export_log(get_session(), doc_id, "revisions-csv"))


@bp.route("/documents/<int:doc_id>/alignment.csv")
def export_log(doc_id: int):
    """The alignment history as CSV."""
    return _send(exports.export_log(get_session(), doc_id, "alignment-csv"))


def _send(out: exports.Export) -> Response:
    return Response(out.data, mimetype=out.mimetype, headers=attachment(out.filename, out.ascii_filename))
