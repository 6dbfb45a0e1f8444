"""Administration: users and projects (admins only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from app import services
from app.errors import InputError
from app.storage import queries
from app.web.db import get_session
from app.web.forms import ProjectForm, UserForm
from app.web.helpers import requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@requires("admin")
def _admins_only():
    return None


@bp.route("/users", methods=["GET", "POST"])
def users():
    session = get_session()
    form = UserForm()
    status = 200
    if form.validate_on_submit():
        try:
            user, password = services.create_user(session, form.username.data, form.role.data,
                                                  form.password.data or None)
            session.commit()
        except InputError as exc:
            session.rollback()
            flash(exc.message, "error")
            status = 400
        else:
            shown = "" if form.password.data else f" Their password: {password} (shown once)."
            flash(f"Added {user.username} as {user.role}.{shown}", "info")
            return redirect(url_for("admin.users"))
    elif form.errors:
        status = 400
    return render_template("admin/users.html", users=queries.list_users(session), form=form), status


@bp.route("/projects", methods=["GET", "POST"])
def projects():
    session = get_session()
    form = ProjectForm()
    status = 200
    if form.validate_on_submit():
        try:
            if queries.project_by_name(session, form.name.data.strip()) is not None:
                raise InputError(f"project {form.name.data.strip()!r} already exists")
            services.get_or_create_project(session, form.name.data)
            session.commit()
        except InputError as exc:
            session.rollback()
            flash(exc.message, "error")
            status = 400
        else:
            flash(f"Created project {form.name.data.strip()}.", "info")
            return redirect(url_for("admin.projects"))
    return render_template("admin/projects.html", projects=queries.list_projects(session), form=form), status
