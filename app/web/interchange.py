"""Files in and out: one bilingual file imported with its alignment, a document exported in any format."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from app import services
from app.errors import InputError
from app.services import interchange
from app.storage import queries
from app.storage.models import Document
from app.web import get_session
from app.web.forms import ImportForm
from app.web.helpers import requires

bp = Blueprint("interchange", __name__)


class BilingualImportForm(FlaskForm):
    project = StringField("Project", validators=[DataRequired(), Length(max=200)])
    title = StringField("Title (optional)", validators=[Optional(), Length(max=300)])
    file = FileField("Bilingual file", validators=[FileRequired("Choose the bilingual file.")])


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
    upload = services.Upload(form.file.data.filename or "", form.file.data.read())
    try:
        doc = interchange.import_bitext(session, form.project.data, upload, user=current_user,
                                        title=form.title.data or None)
        session.commit()
    except InputError as exc:
        session.rollback()
        flash(f"Nothing was imported. {exc.message}", "error")
        return render_template("projects/import.html", form=ImportForm(formdata=None)), 400
    flash(f"Imported “{doc.title}”: {services.document_stats(session, doc.id)['links']} links as given in "
          f"{upload.filename}.", "info")
    return redirect(url_for("review.document", doc_id=doc.id))


@bp.route("/documents/<int:doc_id>/export/<fmt>")
def export(doc_id: int, fmt: str):
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    out = interchange.export_document(session, doc.id, fmt)
    filename = out.filename.replace('"', "")
    return Response(out.data, mimetype=out.mimetype, headers={
        "Content-Disposition": f"attachment; filename=\"document-{doc.id}-{_ascii(filename)}\"; "
                               f"filename*=UTF-8''{_quote(filename)}"})


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() else "_" for c in name)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
