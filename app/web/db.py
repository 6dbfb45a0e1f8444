"""The request's database session: opened on first use, closed at teardown (the CLI owns its own)."""

from __future__ import annotations

from flask import Flask, current_app, g

from app.errors import AppError
from app.services.recheck import Rechecker
from app.storage import access
from app.storage.db import make_engine, make_sessionmaker


def init_app(app: Flask) -> None:
    """Create the engine, the sessionmaker and the background re-checker for ``app``; close the request session at
    teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["duizhao.engine"] = engine
    app.extensions["duizhao.sessionmaker"] = make_sessionmaker(engine)
    # the document-level checks after a save, in the background (a save answers with its own row's checks)
    # (in a worker process of their own unless RECHECK_WORKER is "thread")
    where = app.config.get("RECHECK_WORKER", "process")
    if where not in ("process", "thread"):
        raise AppError(f"RECHECK_WORKER must be process or thread, not {where!r}")
    worker = where == "process"
    app.extensions["duizhao.rechecker"] = Rechecker(
        app.extensions["duizhao.sessionmaker"], url_key=str(engine.url),
        worker_url=engine.url.render_as_string(hide_password=False) if worker else None)
    app.teardown_appcontext(close_session)


def get_session():
    """The request's database session, opened on first use and closed at teardown."""
    if "db" not in g:
        g.db = access.remember_roles(current_app.extensions["duizhao.sessionmaker"]())
    return g.db


def close_session(_exc=None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()
