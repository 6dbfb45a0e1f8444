"""The alignment view: a document's links with their confidence, editing operations, history and undo,
and the upload of a new English version."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import InputError
from app.services import alignment_view, background, realign
from app.services.versions import version_diffs
from app.storage.models import Document, Link
from app.web import jobs
from app.web.helpers import document_or_404, is_htmx, read_upload, requires

bp = Blueprint("alignment", __name__)

# Toolbar buttons send op=<name>; the shift buttons carry side and direction in their value.
SHIFTS = {f"shift-{side}-{d}": (side, d) for side in ("zh", "en") for d in ("up", "down")}


def _method() -> str:
    return current_app.config["ALIGN_METHOD"]


def _weak() -> float:
    return float(current_app.config["WEAK_LINK"])


def _page_size() -> int:
    return current_app.config.get("PAGE_SIZE", 200)


def _context(session, doc: Document, page: int, focus: int | None = None) -> dict:
    rows, pages, page = alignment_view.alignment_rows(session, doc.id, _weak(), page, _page_size())
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
        "changes": alignment_view.history_entries(session, doc.id, limit=50), "weak_threshold": _weak(),
        "not_undoable": realign.NOT_UNDOABLE,
        "counts": alignment_view.alignment_counts(session, doc.id, _weak()),
    }


@bp.route("/documents/<int:doc_id>/alignment")
def view(doc_id: int):
    session, doc = document_or_404(doc_id)
    page = request.args.get("page", 1, type=int)
    focus = request.args.get("focus", type=int)
    if focus and not request.args.get("page"):
        page = (focus - 1) // _page_size() + 1
    return render_template("alignment/document.html", **_context(session, doc, page, focus))


@bp.route("/documents/<int:doc_id>/alignment", methods=["POST"])
@requires("edit")
def edit(doc_id: int):
    """Apply one operation from the toolbar (or a history entry's Undo) and show the result."""
    session, doc = document_or_404(doc_id)
    edit = _edit(request.form)
    if edit.op == "realign" and background.is_long_realign(session, doc.id, edit.link, edit.last):
        job, _created = background.submit_realign(jobs.queue(), session, doc.id, edit.link, edit.last, current_user,
                                                  method=_method(), reason=edit.reason)
        session.commit()
        target = url_for("jobs.show", job_id=job.id)
        return Response(status=204, headers={"HX-Redirect": target}) if is_htmx() else redirect(target)
    if edit.op == "checked":
        n = realign.mark_checked(session, doc.id, edit.link, current_user)
        message, focus = f"{n} paragraph{'' if n == 1 else 's'} marked as checked.", _selected(session, doc.id, edit)
    else:
        change = realign.apply(session, doc.id, edit, current_user, method=_method())
        message, focus = change.summary, realign.first_link_number(session, change) or _selected(session, doc.id, edit)
    session.commit()
    page = (focus - 1) // _page_size() + 1 if focus else request.form.get("page", 1, type=int)
    if is_htmx():
        return render_template("alignment/_body.html", message=message, **_context(session, doc, page, focus))
    flash(message[:1].upper() + message[1:] + ("" if message.endswith(".") else "."), "info")
    return redirect(url_for("alignment.view", doc_id=doc.id, page=page, focus=focus)
                    + (f"#link-{focus}" if focus else ""))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _edit(form) -> realign.Edit:
    """The toolbar's form fields as a typed :class:`realign.Edit` (numbers that are not numbers become None)."""
    op, side, direction = form.get("op", ""), form.get("side") or "en", form.get("direction") or ""
    if op in SHIFTS:
        op, (side, direction) = "shift", SHIFTS[op]
    return realign.Edit(op=op, link=_int(form.get("link")), last=_int(form.get("last")),
                        zh_cut=_int(form.get("zh_cut")), en_cut=_int(form.get("en_cut")), side=side,
                        direction=direction, change=_int(form.get("change")), reason=form.get("reason") or "")


def _selected(session, document_id: int, edit: realign.Edit) -> int | None:
    """The row number of the selected link, to keep it selected after a change."""
    link = session.get(Link, edit.link) if edit.link is not None else None
    return link.position + 1 if link is not None and link.document_id == document_id else None


@bp.route("/documents/<int:doc_id>/alignment/version", methods=["POST"])
@requires("import")
def new_version(doc_id: int):
    """Upload a new English version of the document."""
    session, doc = document_or_404(doc_id)
    upload = request.files.get("en_file")
    if upload is None or not upload.filename:
        raise InputError("choose the new English file (.txt) first")
    job, _created = background.submit_new_version(
        jobs.queue(), session, doc.id, read_upload(upload), current_user, method=_method(),
        reason=request.form.get("reason", ""), max_chars=current_app.config["MAX_PARAGRAPH_CHARS"])
    session.commit()
    return redirect(url_for("jobs.show", job_id=job.id))


