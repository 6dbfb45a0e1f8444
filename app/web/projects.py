"""Projects, documents and import."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app import services
from app.errors import InputError
from app.services import interchange
from app.storage import queries
from app.web import get_session
from app.web.forms import ImportForm
from app.web.helpers import requires

bp = Blueprint("projects", __name__)


@bp.route("/")
def index():
    session = get_session()
    projects = queries.list_projects(session)
    documents = queries.list_documents(session)
    stats = {d.id: services.document_stats(session, d.id) for d in documents}
    return render_template("projects/index.html", projects=projects, documents=documents, stats=stats)


@bp.route("/import", methods=["GET", "POST"])
@requires("import")
def import_files():
    form = ImportForm()
    if form.validate_on_submit():
        session = get_session()
        zh = services.Upload(form.zh_file.data.filename or "", form.zh_file.data.read())
        en = services.Upload(form.en_file.data.filename or "", form.en_file.data.read())
        try:
            doc = interchange.import_pair(session, form.project.data, zh, en, user=current_user,
                                          title=form.title.data or None)
            session.commit()
        except InputError as exc:
            session.rollback()
            flash(f"Nothing was imported. {exc.message}", "error")
            return render_template("projects/import.html", form=form), 400
        flash(f"Imported “{doc.title}”: {services.document_stats(session, doc.id)['links']} linked paragraphs.",
              "info")
        return redirect(url_for("review.document", doc_id=doc.id))
    status = 400 if form.errors else 200
    return render_template("projects/import.html", form=form), status
