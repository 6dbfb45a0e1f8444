"""Administration: users and projects (admins only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

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


def _form_page(session, form, action, template: str, listing: dict, invalid_status: int = 400):
    """Validate ``form`` and run ``action()`` (it returns the message to flash), committing; on InputError roll
    back and flash the error. Redirects to the page after success, else renders ``template`` again with
    each ``listing`` loader's result."""
    status = 200
    if form.validate_on_submit():
        try:
            message = action()
            session.commit()
        except InputError as exc:
            session.rollback()
            flash(exc.message, "error")
            status = 400
        else:
            flash(message, "info")
            return redirect(url_for(request.endpoint))
    elif form.errors:
        status = invalid_status
    return render_template(template, form=form, **{name: load() for name, load in listing.items()}), status


@bp.route("/users", methods=["GET", "POST"])
def users():
    session = get_session()
    form = UserForm()

    def add():
        user, password = services.create_user(session, form.username.data, form.role.data, form.password.data or None)
        shown = "" if form.password.data else f" Their password: {password} (shown once)."
        return f"Added {user.username} as {user.role}.{shown}"

    return _form_page(session, form, add, "admin/users.html", {"users": lambda: queries.list_users(session)})


@bp.route("/projects", methods=["GET", "POST"])
def projects():
    session = get_session()
    form = ProjectForm()

    def create():
        name = form.name.data.strip()
        if queries.project_by_name(session, name) is not None:
            raise InputError(f"project {name!r} already exists")
        services.get_or_create_project(session, form.name.data)
        return f"Created project {name}."

    return _form_page(session, form, create, "admin/projects.html",
                      {"projects": lambda: queries.list_projects(session)}, invalid_status=200)
