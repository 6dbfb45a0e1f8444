"""One place that turns errors into pages: AppError, an expired form, a too-large upload, any HTTP error."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.errors import AppError
from app.web.db import get_session
from app.web.helpers import is_htmx

TITLES = {400: "Bad request", 403: "Not allowed", 404: "Not found", 405: "Not allowed", 409: "Conflict",
          413: "File too large", 429: "Too many attempts"}


def error_page(status: int, title: str, message: str):
    get_session().rollback()
    template = "error_fragment.html" if is_htmx() else "error.html"
    return render_template(template, status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(AppError)
    def _app_error(exc: AppError):
        return error_page(exc.status, TITLES.get(exc.status, "Error"), exc.message)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return error_page(400, "Form expired", "The form was missing its security token or it expired. "
                          "Reload the page and try again; nothing was saved.")

    @app.errorhandler(413)
    def _too_large(exc):
        limit = app.config["MAX_UPLOAD_BYTES"] / 1048576
        return error_page(413, "File too large", f"The upload is larger than allowed ({limit:.0f} MB per "
                          "file). Nothing was stored.")

    @app.errorhandler(429)
    def _too_many(exc):
        return error_page(429, "Too many attempts", "Too many failed logins. Wait a minute, then try again.")

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return error_page(exc.code or 500, TITLES.get(exc.code, exc.name), exc.description or exc.name)
