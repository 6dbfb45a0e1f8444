"""The web application: one blueprint per area, registered in one place."""

from __future__ import annotations

import json
import secrets

from flask import Flask, g, render_template, request
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from app import config as settings
from app.errors import AppError
from app.storage.db import make_engine, make_sessionmaker
from app.storage.models import User

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"


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
    conf = settings.load(overrides)
    instance = settings.instance_dir()
    app = Flask(__name__, instance_path=str(instance))
    app.config.update(conf)
    app.config.setdefault("MAX_CONTENT_LENGTH", 2 * conf["MAX_UPLOAD_BYTES"] + 1024 * 1024)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    # A reviewer may keep one page open all day: the CSRF token lives as long as the login session.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)

    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["duizhao.engine"] = engine
    app.extensions["duizhao.sessionmaker"] = make_sessionmaker(engine)

    csrf.init_app(app)
    login_manager.init_app(app)

    from app.web import admin, alignment, auth, glossary, interchange, projects, review, workflow

    for module in (auth, projects, review, interchange, workflow, glossary, alignment, admin):
        app.register_blueprint(module.bp)
    app.register_blueprint(__import__("app.web.mt", fromlist=["bp"]).bp)  # machine translation (issue 7)

    app.teardown_appcontext(_close_session)
    _register_error_handlers(app)

    from app.web.helpers import template_globals

    app.context_processor(template_globals)
    app.jinja_env.filters["fromjson"] = json.loads
    return app


def get_session():
    """The request's database session, opened on first use and closed at teardown."""
    from flask import current_app

    if "db" not in g:
        g.db = current_app.extensions["duizhao.sessionmaker"]()
    return g.db


def _close_session(_exc=None):
    session = g.pop("db", None)
    if session is not None:
        session.close()


@login_manager.user_loader
def _load_user(user_id: str):
    user = get_session().get(User, int(user_id))
    return user if user is not None and user.active else None


def _wants_fragment() -> bool:
    return request.headers.get("HX-Request") == "true"


def _error_page(status: int, title: str, message: str):
    get_session().rollback()
    if _wants_fragment():
        return render_template("error_fragment.html", status=status, title=title, message=message), status
    return render_template("error.html", status=status, title=title, message=message), status


def _register_error_handlers(app: Flask) -> None:
    titles = {400: "Bad request", 403: "Not allowed", 404: "Not found", 405: "Not allowed",
              409: "Conflict", 413: "File too large"}

    @app.errorhandler(AppError)
    def _app_error(exc: AppError):
        return _error_page(exc.status, titles.get(exc.status, "Error"), exc.message)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return _error_page(400, "Form expired", "The form was missing its security token or it expired. "
                           "Reload the page and try again; nothing was saved.")

    @app.errorhandler(413)
    def _too_large(exc):
        limit = app.config["MAX_UPLOAD_BYTES"] / 1048576
        return _error_page(413, "File too large", f"The upload is larger than allowed ({limit:.0f} MB per "
                           "file). Nothing was stored.")

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return _error_page(exc.code or 500, titles.get(exc.code, exc.name), exc.description or exc.name)

    @app.before_request
    def _require_login():
        if request.endpoint in (None, "static", "auth.login") or current_user.is_authenticated:
            return None
        return login_manager.unauthorized()
