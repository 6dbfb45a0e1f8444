"""Login throttling with Flask-Limiter: failed attempts per account and per address.

Only failed logins (401) are counted. Storage is in memory by default; with several server
processes, point ``RATELIMIT_STORAGE`` at Redis (``redis://127.0.0.1:6379/1``) so they share counts.
Each application gets its own Limiter (a module-level one would keep the first app's storage prefix).
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

LOGIN_ENDPOINT = "auth.login"


def init_app(app: Flask) -> Limiter:
    """A Limiter for ``app`` whose only limits are the login view's; call after the blueprints."""
    limiter = Limiter(get_remote_address, app=app, storage_uri=app.config["RATELIMIT_STORAGE"],
                      key_prefix=app.config.get("RATELIMIT_KEY_PREFIX") or "duizhao", headers_enabled=True,
                      strategy="moving-window", default_limits=[])
    view = app.view_functions[LOGIN_ENDPOINT]
    view = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account,
                         methods=["POST"], deduct_when=_failed, scope="login-account")(view)
    view = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
                         deduct_when=_failed, scope="login-address")(view)
    app.view_functions[LOGIN_ENDPOINT] = view
    app.extensions["duizhao.limiter"] = limiter
    return limiter


def _account() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()


def _failed(response) -> bool:
    return response.status_code == 401
