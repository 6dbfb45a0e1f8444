"""The web application: one blueprint per area (templates in templates/<blueprint>/), registered in one place."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from flask import Flask, request
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect

from app import config as settings
from app.web import (
    access,
    account,
    admin,
    alignment,
    auth,
    db,
    errors,
    exports,
    findings,
    glossary,
    jobs,
    limits,
    mt,
    panel,
    projects,
    report,
    review,
    search,
)
from app.web.helpers import template_globals

BLUEPRINTS = (auth, account, projects, review, findings, panel, search, report, exports, glossary, alignment, mt, jobs,
              admin)
csrf = CSRFProtect()


def _secret_key(instance) -> str:
    """A secret kept under instance/ so sessions survive a restart."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def build_app(overrides: dict | None = None) -> Flask:
    """The application with every setting from ``config.load(overrides)``: the overrides win."""
    conf = settings.load(overrides)
    instance = conf["INSTANCE"]
    app = Flask(__name__, instance_path=str(instance))
    app.config.update(conf)
    # Flask holds these keys already (as None), so they are set, not defaulted: a request larger than two
    # files at the limit is refused (413) before it is read; cookies are HttpOnly, SameSite=Lax, and
    # Secure when asked; a login lasts SESSION_HOURS.
    app.config["MAX_CONTENT_LENGTH"] = conf.get("MAX_CONTENT_LENGTH") or 2 * int(conf["MAX_UPLOAD_BYTES"]) + 65536
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = str(conf["SECURE_COOKIES"]).lower() in ("1", "true", "yes")
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=float(conf["SESSION_HOURS"]))
    # A reviewer may keep one page open all day: the CSRF token lives as long as the login session.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)

    db.init_app(app)
    jobs.init_app(app)
    csrf.init_app(app)
    auth.login_manager.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    limits.init_app(app)
    errors.init_app(app)
    app.before_request(_require_login)
    app.teardown_request(_close_uploads)
    app.context_processor(template_globals)
    app.jinja_env.filters["fromjson"] = json.loads
    return app


def _close_uploads(_exc=None) -> None:
    """Close the request's uploaded files (large ones are temporary files), read or not."""
    for storage in request.__dict__.get("files", {}).values():
        storage.close()


def _require_login():
    """Anonymous users go to the login page; members only reach their projects' ids (app/web/access.py)."""
    if request.endpoint in (None, "static", "auth.login"):
        return None
    if not current_user.is_authenticated:
        return auth.login_manager.unauthorized()
    access.check_request(db.get_session())
    return None
