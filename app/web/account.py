"""The user's own account: changing the password (which ends the user's other sessions)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app import services
from app.errors import InputError
from app.web.auth import start_session
from app.web.db import get_session
from app.web.forms import PasswordChangeForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/password", methods=["GET", "POST"])
def password():
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        session = get_session()
        try:
            services.change_password(session, current_user, form.current_password.data, form.new_password.data,
                                     form.confirm.data)
        except InputError as exc:
            session.rollback()
            flash(exc.message, "error")
            status = 400
        else:
            session.commit()
            start_session(current_user._get_current_object())  # this session goes on; every other one has ended
            flash("Your password is changed; your other sessions have ended.", "info")
            return redirect(url_for("projects.index"))
    elif form.errors:
        status = 400
    return render_template("account/password.html", form=form), status
