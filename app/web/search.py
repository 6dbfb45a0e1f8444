"""Search and replace in the English, with a preview of every hit; fix propagation uses it too."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import InputError
from app.services import search as search_service
from app.storage import queries
from app.web.helpers import document_or_404, is_htmx, requires

bp = Blueprint("search", __name__)


def _search_args():
    args = request.values
    return dict(pattern=args.get("q", ""), replacement=args.get("replace", ""), regex=args.get("regex") == "1",
                case=args.get("case") == "1", whole_word=args.get("word") == "1", fit=args.get("exact") != "1")


@bp.route("/documents/<int:doc_id>/search")
def search(doc_id: int):
    """Search the English (plain or regex, case, whole words) and preview every replacement."""
    session, doc = document_or_404(doc_id)
    opts = _search_args()
    propagate = request.args.get("propagate") == "1"
    hits, error = [], ""
    if opts["pattern"]:
        try:
            hits = search_service.find_hits(session, doc.id, **opts)
        except InputError as exc:
            error = exc.message
    row_of = queries.english_row_numbers(session, doc.id)
    template = "search/_search.html" if is_htmx() else "search/search.html"
    return render_template(template, doc=doc, hits=hits, error=error, propagate=propagate, row_of=row_of,
                           warned=sum(1 for h in hits if h.warnings), q=opts["pattern"], replace=opts["replacement"],
                           regex=opts["regex"], case=opts["case"], word=opts["whole_word"], exact=not opts["fit"])


@bp.route("/documents/<int:doc_id>/replace", methods=["POST"])
@requires("edit")
def replace(doc_id: int):
    """Apply the selected replacements; one revision per paragraph (category terminology for propagation)."""
    session, doc = document_or_404(doc_id)
    opts = _search_args()
    propagate = request.form.get("propagate") == "1"
    revisions = search_service.apply_hits(
        session, doc.id, opts["pattern"], opts["replacement"], set(request.form.getlist("hit")), current_user,
        regex=opts["regex"], case=opts["case"], whole_word=opts["whole_word"], fit=opts["fit"],
        category="terminology/inconsistent-with-termbase" if propagate else None,
        severity="major" if propagate else None,
        reason=f"fix propagated: “{opts['pattern']}” → “{opts['replacement']}”" if propagate else "",
    )
    session.commit()
    flash(f"Replaced in {len(revisions)} paragraph(s); each change is a revision you can revert.", "info")
    target = url_for("review.document", doc_id=doc.id)
    if is_htmx():
        return Response("", headers={"HX-Redirect": target})
    return redirect(target)
