"""The project glossary: browse, search, add, edit, approve, deprecate, history, import and export."""

from __future__ import annotations

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import InputError
from app.services import Upload, background, exports
from app.services import glossary as terms
from app.storage import queries
from app.storage.models import Project, Term
from app.web import jobs
from app.web.db import get_session
from app.web.forms import GlossaryImportForm, TermForm
from app.web.helpers import attachment, can, is_htmx, read_upload, requires

bp = Blueprint("glossary", __name__)


def _input(form: TermForm) -> terms.TermInput:
    return terms.TermInput(**{k: getattr(form, k).data or "" for k in terms.FIELDS})


@bp.route("/projects/<int:project_id>/glossary")
def index(project_id: int):
    session = get_session()
    project = queries.get_or_404(session, Project, project_id, "project")
    glossary = terms.project_glossary(session, project)
    q, status = request.args.get("q", "").strip(), request.args.get("status", "")
    found = terms.search_terms(session, glossary, q, status)
    return render_template("glossary/index.html", project=project, glossary=glossary, terms=found, q=q,
                           status=status, import_form=GlossaryImportForm())


@bp.route("/projects/<int:project_id>/glossary/new", methods=["GET", "POST"])
@requires("propose-term")
def new(project_id: int):
    session = get_session()
    project = queries.get_or_404(session, Project, project_id, "project")
    form = TermForm()
    if request.method == "GET":
        form.zh.data = request.args.get("zh", "")[:200]
        form.en.data = request.args.get("en", "")[:500]
        form.status.data = "approved" if can("approve") else "proposed"
    error = ""
    if form.validate_on_submit():
        try:
            term = terms.add_term(session, project, _input(form), current_user, form.reason.data or "")
            session.commit()
        except InputError as exc:
            session.rollback()
            error = exc.message
            if not is_htmx():
                flash(exc.message, "error")
        else:
            message = f"Added {term.zh} → {term.en} ({term.status})."
            if is_htmx():  # in the review screen's drawer: the grid refreshes its visible rows on this event
                response = make_response(render_template("glossary/_drawer.html", project=project, form=None,
                                                         message=message, error=""))
                response.headers["HX-Trigger"] = "duizhao:glossary-changed"
                return response
            flash(message, "info")
            back = request.args.get("back", "")
            if back.startswith("/") and not back.startswith("//"):
                return redirect(back)
            return redirect(url_for("glossary.index", project_id=project.id))
    if is_htmx():  # the drawer shows the form again with what is wrong (a 200, so htmx swaps it in)
        return render_template("glossary/_drawer.html", project=project, form=form, term=None, message="",
                               error=error or ("; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items())))
    status = 400 if request.method == "POST" else 200
    return render_template("glossary/edit.html", project=project, form=form, term=None), status


@bp.route("/glossary/terms/<int:term_id>/edit", methods=["GET", "POST"])
@requires("propose-term")
def edit(term_id: int):
    session = get_session()
    term = queries.get_or_404(session, Term, term_id, "glossary entry")
    project = session.get(Project, term.glossary.project_id)
    form = TermForm(obj=term) if request.method == "GET" else TermForm()
    if form.validate_on_submit():
        try:
            terms.edit_term(session, term.id, _input(form), current_user, form.reason.data or "")
            session.commit()
        except InputError as exc:
            session.rollback()
            flash(exc.message, "error")
        else:
            flash("Saved the entry.", "info")
            return redirect(url_for("glossary.index", project_id=project.id))
    status = 400 if request.method == "POST" else 200
    return render_template("glossary/edit.html", project=project, form=form, term=term), status


@bp.route("/glossary/terms/<int:term_id>/status", methods=["POST"])
@requires("approve")
def set_status(term_id: int):
    session = get_session()
    term = terms.set_status(session, term_id, request.form.get("status", ""), current_user,
                            request.form.get("reason", ""))
    session.commit()
    flash(f"{term.zh} → {term.en} is now {term.status}.", "info")
    return redirect(url_for("glossary.index", project_id=term.glossary.project_id))


@bp.route("/glossary/terms/<int:term_id>/history")
def history(term_id: int):
    session = get_session()
    term, changes = terms.term_history(session, term_id)
    return render_template("glossary/history.html", term=term, changes=changes,
                           project=session.get(Project, term.glossary.project_id))


@bp.route("/projects/<int:project_id>/glossary/export.<fmt>")
def export(project_id: int, fmt: str):
    """The whole glossary (every status) as CSV, TBX 2008 (tbx) or TBX v3 (tbx3)."""
    session = get_session()
    out = exports.glossary_export(session, queries.get_or_404(session, Project, project_id, "project"), fmt)
    return Response(out.data, mimetype=out.mimetype,
                    headers=attachment(out.filename, out.ascii_filename))


@bp.route("/projects/<int:project_id>/glossary/import", methods=["POST"])
@requires("approve")
def import_file(project_id: int):
    session = get_session()
    project = queries.get_or_404(session, Project, project_id, "project")
    form = GlossaryImportForm()
    if not form.validate_on_submit():
        raise InputError("choose a glossary file (.csv or .tbx)")
    upload = read_upload(form.file.data, "glossary")
    upload = Upload(upload.filename or "glossary.csv", upload.data)
    job, _created = background.submit_glossary_import(jobs.queue(), session, project, upload, current_user)
    session.commit()
    return redirect(url_for("jobs.show", job_id=job.id))
