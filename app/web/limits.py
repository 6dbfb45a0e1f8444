"""Login throttling with Flask-Limiter: failed attempts per account and per address.

Only failed logins (401) are counted. Storage is in memory by default; with several server
processes, point ``RATELIMIT_STORAGE`` at Redis (``redis://127.0.0.1:6379/1``) so they share counts.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True,
                  strategy="moving-window")


def init_app(app: Flask) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE"]
    app.config["RATELIMIT_KEY_PREFIX"] = app.config.get("RATELIMIT_KEY_PREFIX") or "duizhao"
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    limiter.init_app(app)


def _account() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()


def _failed(response) -> bool:
    return response.status_code == 401


def login_limits(view):
    """Decorate the login view: N failed attempts per account and M per address, per minute."""
    per_address = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
                                deduct_when=_failed, scope="login-address")
    per_account = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account,
                                methods=["POST"], deduct_when=_failed, scope="login-account")
    return per_address(per_account(view))
