"""Machine translation in the review screen: a suggestion per link, copying it in, the document back-check."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app import mt
from app.errors import Conflict, InputError
from app.services import background
from app.services import mt as mt_service
from app.storage import queries
from app.storage.models import Link
from app.web.db import get_session
from app.web.helpers import document_or_404, is_htmx, requires

bp = Blueprint("mt", __name__)


@bp.app_context_processor
def _mt_globals() -> dict:
    return {"mt_status": mt.availability}


def _fragment(link_id: int, message: str = "", status: int = 200):
    session = get_session()
    avail = mt.availability()
    if not avail:
        queries.get_or_404(session, Link, link_id, "link")
        return render_template("mt/_suggestion.html", hint=avail.reason, link_id=link_id), status
    suggestion = mt_service.link_suggestion(session, link_id)
    session.commit()  # keep the new mt_cache rows
    return render_template("mt/_suggestion.html", s=suggestion, link_id=link_id, message=message,
                           model_id=avail.model_id), status


@bp.route("/links/<int:link_id>/mt")
def suggestion(link_id: int):
    """The "MT suggestion" fragment for a link (or the one-line install hint)."""
    return _fragment(link_id)


@bp.route("/links/<int:link_id>/mt/copy", methods=["POST"])
@requires("edit")
def copy(link_id: int):
    """Copy the link's MT into its English paragraph (a revision with origin MT)."""
    session = get_session()
    try:
        base = int(request.form.get("base_version", ""))
    except ValueError as exc:
        raise InputError("base_version must be a number") from exc
    try:
        rev = mt_service.copy_suggestion(session, link_id, base, current_user)
        session.commit()
    except Conflict:
        session.rollback()
        return _fragment(link_id, "Someone saved this paragraph after you opened it: the suggestion was not "
                                  "copied. Reload the page to see their text.", 409)
    link = session.get(Link, link_id)
    if not is_htmx():
        return redirect(url_for("review.document", doc_id=link.document_id) + f"#row-{link.position + 1}")
    message = f"Copied into the English (v{rev.version}, origin MT)." if rev else "The English already says this."
    return _fragment(link_id, message)


@bp.route("/documents/<int:doc_id>/mt-check")
def backcheck(doc_id: int):
    """The MT back-check of a document: links far below its median chrF to the machine translation. The page
    never translates: while paragraphs are missing from the MT cache it offers the job that translates them."""
    session, doc = document_or_404(doc_id)
    avail = mt.availability()
    result, pending, total = None, 0, 0
    if avail:
        pending = mt_service.pending_count(session, doc.id)
        total = len(set(mt_service.document_texts(session, doc.id)))
        if not pending:
            result = mt_service.document_backcheck(session, doc.id)
    return render_template("mt/backcheck.html", doc=doc, findings=result.findings if result else [],
                           row_of_zh=result.row_of_zh if result else {}, hint=avail.reason, model_id=avail.model_id,
                           pending=pending, total=total)


@bp.route("/documents/<int:doc_id>/mt-check", methods=["POST"])
@requires("view")
def start_backcheck(doc_id: int):
    """Start (or join) the job that machine-translates the document and runs the back-check."""
    session, doc = document_or_404(doc_id)
    job, _created = background.submit_mt_backcheck(current_app.extensions["duizhao.queue"], session, doc.id,
                                                   current_user)
    session.commit()
    return redirect(url_for("jobs.show", job_id=job.id))
