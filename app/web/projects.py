"""Projects, documents and import (a pair of files, or one bilingual file)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.errors import InputError
from app.services import imports
from app.services.projects import document_stats, visible_projects
from app.storage import queries
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
    return render_template("projects/index.html", projects=projects, documents=documents, stats=stats)


@bp.route("/import", methods=["GET", "POST"])
@requires("import")
def import_files():
    form = ImportForm()
    if form.validate_on_submit():
        session = get_session()
        zh, en = read_upload(form.zh_file.data), read_upload(form.en_file.data)
        try:
            doc = imports.import_pair(session, form.project.data, zh, en, user=current_user,
                                      title=form.title.data or None, aligner=current_app.config["ALIGN_METHOD"],
                                      max_chars=current_app.config["MAX_PARAGRAPH_CHARS"])
            session.commit()
        except InputError as exc:
            session.rollback()
            flash(f"Nothing was imported. {exc.message}", "error")
            return render_template("projects/import.html", form=form), 400
        flash(f"Imported “{doc.title}”: {document_stats(session, doc.id)['links']} linked paragraphs.",
              "info")
        return redirect(url_for("review.document", doc_id=doc.id))
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
    session = get_session()
    upload = read_upload(form.file.data)
    try:
        doc = imports.import_bitext(session, form.project.data, upload, user=current_user,
                                    title=form.title.data or None,
                                    max_chars=current_app.config["MAX_PARAGRAPH_CHARS"])
        session.commit()
    except InputError as exc:
        session.rollback()
        flash(f"Nothing was imported. {exc.message}", "error")
        return render_template("projects/import.html", form=ImportForm(formdata=None)), 400
    flash(f"Imported “{doc.title}”: {document_stats(session, doc.id)['links']} links as given in "
          f"{upload.filename}.", "info")
    return redirect(url_for("review.document", doc_id=doc.id))
