"""The alignment view: a document's links with their confidence, editing operations, history and undo,
and the upload of a new English version."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import services
from app.errors import InputError
from app.services import alignment as al
from app.services.versions import import_new_version, version_diffs
from app.storage import queries
from app.storage.models import AlignmentChange, Document, Link
from app.web import get_session
from app.web.helpers import is_htmx, requires

bp = Blueprint("alignment", __name__)

# Toolbar buttons send op=<name>; the shift buttons carry side and direction in their value.
SHIFTS = {f"shift-{side}-{d}": (side, d) for side in ("zh", "en") for d in ("up", "down")}


def _method() -> str:
    return current_app.config.get("ALIGN_METHOD") or "embedding"


def _page_size() -> int:
    return current_app.config.get("PAGE_SIZE", 200)


def _context(session, doc: Document, page: int, focus: int | None = None) -> dict:
    rows, pages, page = al.alignment_rows(session, doc.id, page, _page_size())
    marked = [s.id for r in rows for s in r.en if s.needs_review]
    diffs = version_diffs(session, doc.id, marked)
    row_diffs, shown = {}, set()
    for r in rows:  # a stretch's diff is shown on its first row only
        diff = next((diffs[s.id] for s in r.en if s.id in diffs), None)
        if diff is not None and id(diff) not in shown:
            shown.add(id(diff))
            row_diffs[r.link.id] = diff
    return {
        "row_diffs": row_diffs,
        "doc": doc, "rows": rows, "page": page, "pages": pages, "focus": focus,
        "changes": al.history_entries(session, doc.id, limit=50), "weak_threshold": al.WEAK,
        "not_undoable": al.NOT_UNDOABLE,
        "counts": al.alignment_counts(session, doc.id),
    }


@bp.route("/documents/<int:doc_id>/alignment")
def view(doc_id: int):
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    page = request.args.get("page", 1, type=int)
    focus = request.args.get("focus", type=int)
    if focus and not request.args.get("page"):
        page = (focus - 1) // _page_size() + 1
    return render_template("alignment/document.html", **_context(session, doc, page, focus))


@bp.route("/documents/<int:doc_id>/alignment", methods=["POST"])
@requires("edit")
def edit(doc_id: int):
    """Apply one operation from the toolbar (or a history entry's Undo) and show the result."""
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    form = request.form.to_dict()
    op = form.get("op", "")
    if op in SHIFTS:
        op, (form["side"], form["direction"]) = "shift", SHIFTS[op]
    result = al.apply(session, doc.id, op, current_user, form, method=_method())
    focus = _focus(session, doc.id, result, form)
    session.commit()
    message = (result.summary if isinstance(result, AlignmentChange)
               else f"{result} paragraph{'' if result == 1 else 's'} marked as checked.")
    page = (focus - 1) // _page_size() + 1 if focus else request.form.get("page", 1, type=int)
    if is_htmx():
        return render_template("alignment/_body.html", message=message, **_context(session, doc, page, focus))
    flash(message[:1].upper() + message[1:] + ("" if message.endswith(".") else "."), "info")
    return redirect(url_for("alignment.view", doc_id=doc.id, page=page, focus=focus)
                    + (f"#link-{focus}" if focus else ""))


def _focus(session, document_id: int, result, form: dict) -> int | None:
    """The row to select after a change: the first link it produced, else the selected one."""
    if isinstance(result, AlignmentChange):
        number = al.first_link_number(session, result)
        if number is not None:
            return number
    link = session.get(Link, int(form["link"])) if (form.get("link") or "").isdigit() else None
    return link.position + 1 if link is not None and link.document_id == document_id else None


@bp.route("/documents/<int:doc_id>/alignment/version", methods=["POST"])
@requires("import")
def new_version(doc_id: int):
    """Upload a new English version of the document."""
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    upload = request.files.get("en_file")
    if upload is None or not upload.filename:
        raise InputError("choose the new English file (.txt) first")
    data = upload.read()
    result = import_new_version(session, doc.id, services.Upload(upload.filename, data), current_user,
                                method=_method(), reason=request.form.get("reason", ""))
    session.commit()
    flash(result.message(), "info")
    return redirect(url_for("alignment.view", doc_id=doc.id))


@bp.route("/documents/<int:doc_id>/alignment.csv")
def export_log(doc_id: int):
    """The alignment history as CSV."""
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    return Response(al.export_alignment_csv(session, doc.id), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="document-{doc.id}-alignment-log.csv"'})
