"""The request's database session: opened on first use, closed at teardown (the CLI owns its own)."""

from __future__ import annotations

from flask import Flask, current_app, g

from app.services.recheck import Rechecker
from app.storage.db import make_engine, make_sessionmaker


def init_app(app: Flask) -> None:
    """Create the engine, the sessionmaker and the background re-checker for ``app``; close the request session at
    teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["duizhao.engine"] = engine
    app.extensions["duizhao.sessionmaker"] = make_sessionmaker(engine)
    # the document-level checks after a save, in the background (a save answers with its own row's checks)
    app.extensions["duizhao.rechecker"] = Rechecker(app.extensions["duizhao.sessionmaker"])
    app.teardown_appcontext(close_session)


def get_session():
    """The request's database session, opened on first use and closed at teardown."""
    if "db" not in g:
        g.db = current_app.extensions["duizhao.sessionmaker"]()
    return g.db


def close_session(_exc=None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()
