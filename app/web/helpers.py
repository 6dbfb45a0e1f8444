"""Small helpers shared by the blueprints."""

from __future__ import annotations

from functools import wraps

from flask import abort, request
from flask_login import current_user

from app import services
from app.model import ERROR_CATEGORIES, FIX_SEVERITIES


def requires(action: str):
    """Decorator: 403 unless the current user's role allows ``action``."""

    def deco(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not services.can(current_user if current_user.is_authenticated else None, action):
                abort(403, f"Your role does not allow this ({action}).")
            return view(*args, **kwargs)

        return wrapper

    return deco


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def template_globals() -> dict:
    user = current_user if current_user.is_authenticated else None
    return {
        "can": lambda action: services.can(user, action),
        "ERROR_CATEGORIES": ERROR_CATEGORIES,
        "FIX_SEVERITIES": FIX_SEVERITIES,
    }
