"""duizhao: bilingual Chinese→English translation review."""

from __future__ import annotations


def create_app(config: dict | None = None):
    """Build the Flask application; ``config`` overrides settings (tests pass their database here)."""
    from app.web import build_app

    return build_app(config)
