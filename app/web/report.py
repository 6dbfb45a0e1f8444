"""The review report: as a page, and as HTML, JSON and CSV downloads."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template

from app.config import mqm_weights
from app.errors import InputError
from app.services import background, exports
from app.services import report as report_service
from app.storage.models import Document
from app.web import jobs
from app.web.helpers import attachment, document_or_404

bp = Blueprint("report", __name__)


def _mqm() -> tuple[dict[str, float], float]:
    conf = current_app.config
    return mqm_weights(conf["MQM_WEIGHTS"]), conf["MQM_THRESHOLD"]


def _data(session, doc: Document) -> dict:
    return report_service.report_data(session, doc, *_mqm())


@bp.app_template_filter("bar_chart")
def bar_chart(counts: dict, width: int = 420) -> str:
    """A small horizontal bar chart as inline SVG, drawn on the server."""
    return report_service.bar_chart(counts, width)


@bp.route("/documents/<int:doc_id>/report")
def report(doc_id: int):
    session, doc = document_or_404(doc_id)
    data = _data(session, doc)
    return render_template("report/report.html", standalone=False, **data)


@bp.route("/documents/<int:doc_id>/report.<fmt>")
def report_download(doc_id: int, fmt: str):
    session, doc = document_or_404(doc_id)
    data = _data(session, doc)
    if fmt == "html":
        body = render_template("report/standalone.html", standalone=True, **data).encode("utf-8")
        out = exports.document_file(doc, body, exports.LOG_SUFFIXES["report-html"], "text/html; charset=utf-8")
    elif fmt in ("json", "csv"):
        if background.is_large_document(session, doc.id):
            return jobs.submit_export(doc.id, f"report-{fmt}", *_mqm())
        out = exports.export_log(session, doc.id, f"report-{fmt}", *_mqm())
    else:
        raise InputError(f"unknown report format {fmt!r}; known: html, csv, json")
    return Response(out.data, mimetype=out.mimetype, headers=attachment(out.filename, out.ascii_filename))
