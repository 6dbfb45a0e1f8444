"""The web application: one blueprint per area (templates in templates/<blueprint>/), registered in one place."""

from __future__ import annotations

import json
import secrets

from flask import Flask, request
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect

from app import config as settings
from app.web import admin, alignment, auth, db, errors, exports, glossary, mt, panel, projects, report, review, search
from app.web.helpers import template_globals

BLUEPRINTS = (auth, projects, review, panel, search, report, exports, glossary, alignment, mt, admin)
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
    app.config.setdefault("MAX_CONTENT_LENGTH", 2 * conf["MAX_UPLOAD_BYTES"] + 1024 * 1024)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    # A reviewer may keep one page open all day: the CSRF token lives as long as the login session.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)

    db.init_app(app)
    csrf.init_app(app)
    auth.login_manager.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    errors.init_app(app)
    app.before_request(_require_login)
    app.context_processor(template_globals)
    app.jinja_env.filters["fromjson"] = json.loads
    return app


def _require_login():
    if request.endpoint in (None, "static", "auth.login") or current_user.is_authenticated:
        return None
    return auth.login_manager.unauthorized()
