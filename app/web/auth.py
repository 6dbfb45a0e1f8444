"""Login and logout; a session lives as long as the user's session epoch does not move."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from app import services
from app.storage.models import User
from app.web.db import get_session
from app.web.forms import LoginForm

bp = Blueprint("auth", __name__, url_prefix="/auth")
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(user_id: str):
    """The session's user, unless the account was deactivated or its sessions were ended since login."""
    user = get_session().get(User, int(user_id))
    if user is None or not user.active or session.get("epoch") != user.session_epoch:
        return None
    return user


def start_session(user: User) -> None:
    """Log ``user`` in on this browser, with the epoch their sessions now have."""
    login_user(user)
    session["epoch"] = user.session_epoch
    session.permanent = True  # expires after SESSION_HOURS


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("projects.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in; failed attempts are throttled per account and per address (app/web/limits.py)."""
    if current_user.is_authenticated:
        return redirect(url_for("projects.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(get_session(), form.username.data, form.password.data)
        if user is not None:
            start_session(user)
            return redirect(_safe_next(form.next.data))
        flash("Wrong user name or password.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out everywhere: every session of this user ends, copied cookies included."""
    services.end_sessions(current_user)
    get_session().commit()
    logout_user()
    session.pop("epoch", None)
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
