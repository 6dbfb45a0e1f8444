"""Administration: users and projects (admins only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import services
from app.errors import InputError
from app.storage import access, queries
from app.storage.models import Project, User
from app.web.db import get_session
from app.web.forms import MemberForm, ProjectForm, UserForm
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


def _user(session, user_id: int) -> User:
    return queries.get_or_404(session, User, user_id, "user")


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
def reset(user_id: int):
    """A new generated password, shown once; every session of the user ends."""
    session = get_session()
    user = _user(session, user_id)
    password = services.reset_password(session, user)
    session.commit()
    flash(f"New password for {user.username}: {password} (shown once). Their sessions have ended.", "info")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def set_active(user_id: int):
    """Deactivate (login refused, every session ended) or reactivate an account."""
    session = get_session()
    user = _user(session, user_id)
    active = request.form.get("active") == "1"
    if not active and user.id == current_user.id:
        raise InputError("you cannot deactivate your own account")
    services.set_active(session, user, active)
    session.commit()
    flash(f"{user.username} is {'active again' if active else 'deactivated; their sessions have ended'}.", "info")
    return redirect(url_for("admin.users"))


@bp.route("/projects/<int:project_id>/members", methods=["GET", "POST"])
def members(project_id: int):
    """Who belongs to a project, with their role in it; add, change or remove members."""
    session = get_session()
    project = queries.get_or_404(session, Project, project_id, "project")
    form = MemberForm()
    status = 200
    if request.method == "POST" and request.form.get("remove"):
        user = _user(session, request.form.get("remove", type=int) or 0)
        services.remove_member(session, project, user)
        session.commit()
        flash(f"{user.username} is no longer a member of {project.name}.", "info")
        return redirect(url_for("admin.members", project_id=project.id))
    if form.validate_on_submit():
        user = queries.user_by_name(session, form.username.data.strip())
        if user is None:
            flash(f"There is no user {form.username.data.strip()!r}.", "error")
            status = 400
        else:
            services.add_member(session, project, user, form.role.data)
            session.commit()
            flash(f"{user.username} is a {form.role.data} in {project.name}.", "info")
            return redirect(url_for("admin.members", project_id=project.id))
    elif form.errors:
        status = 400
    return render_template("admin/members.html", project=project, form=form,
                           members=access.project_members(session, project.id),
                           users=queries.list_users(session)), status
