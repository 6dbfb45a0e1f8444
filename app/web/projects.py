"""Projects, documents and import (a pair of files, or one bilingual file)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.errors import InputError
from app.services import background
from app.services.projects import document_stats, visible_projects
from app.storage import access, queries
from app.storage import jobs as store
from app.web import jobs
from app.web.db import get_session
from app.web.forms import BilingualImportForm, ImportForm
from app.web.helpers import read_upload, requires

bp = Blueprint("projects", __name__)


@bp.route("/")
def index():
    session = get_session()
    projects = visible_projects(session, current_user)
    documents = [d for p, _n in projects for d in queries.list_documents(session, p.id)]
    stats = {d.id: document_stats(session, d.id) for d in documents}
    running = [jobs.view(j) for j in store.recent_jobs(session, access.visible_project_ids(session, current_user),
                                                        kinds=["import"], states=store.ACTIVE, user_id=current_user.id)]
    return render_template("projects/index.html", projects=projects, documents=documents, stats=stats,
                           running=running)


@bp.route("/import", methods=["GET", "POST"])
@requires("import")
def import_files():
    """The import form; a submit queues an import job and answers at once with the job's page."""
    form = ImportForm()
    if form.validate_on_submit():
        zh, en = read_upload(form.zh_file.data), read_upload(form.en_file.data)
        return _submit(form.project.data, [zh, en], form.title.data, form)
    status = 400 if form.errors else 200
    return render_template("projects/import.html", form=form), status


@bp.route("/import/bilingual", methods=["POST"])
@requires("import")
def import_bilingual():
    form = BilingualImportForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(f"Nothing was imported. {error}", "error")
        return render_template("projects/import.html", form=ImportForm(formdata=None)), 400
    return _submit(form.project.data, [read_upload(form.file.data)], form.title.data, ImportForm(formdata=None),
                   bilingual=True)


def _submit(project: str, uploads, title: str | None, form: ImportForm, bilingual: bool = False):
    """Queue the import (a second submit of the same files joins the first) and go to the job's page."""
    session = get_session()
    try:
        job, _created = background.submit_import(
            jobs.queue(), session, project, uploads, current_user, title=title or None, bilingual=bilingual,
            aligner=current_app.config["ALIGN_METHOD"], max_chars=current_app.config["MAX_PARAGRAPH_CHARS"])
        session.commit()
    except InputError as exc:
        session.rollback()
        flash(f"Nothing was imported. {exc.message}", "error")
        return render_template("projects/import.html", form=form), 400
    return redirect(url_for("jobs.show", job_id=job.id))
