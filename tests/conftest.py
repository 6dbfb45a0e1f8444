"""Fixtures: `app`, `client`, `runner`, `session`, `auth` over a real database.

SQLite by default (a temporary file per test, copied from a migrated template);
PostgreSQL when DUIZHAO_TEST_DATABASE_URL is set (`make test` sets it from
DATABASE_URL for its second pass): a fresh `<name>_pytest` database on that server,
migrated once, truncated after each test.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from app.storage.db import make_engine, make_sessionmaker, normalise_url, upgrade
from app.storage.models import Base, User

# Imports in the database tests align with the length-based aligner, which is fast (the app fixture and the
# CLI runner set ALIGN_METHOD; service calls pass aligner="length"); the embedding aligner (the default
# setting) has its own tests in tests/alignment and tests/services/test_services.py.
TEST_ALIGNER = "length"

ROOT = Path(__file__).resolve().parent.parent
PASSWORDS = {"admin": "admin-pass-1", "rita": "reviewer-pass-1", "tom": "translator-pass-1"}
ROLES = {"admin": "admin", "rita": "reviewer", "tom": "translator"}
PG_URL = os.environ.get("DUIZHAO_TEST_DATABASE_URL")


def pytest_collection_modifyitems(config, items):
    """Every test that uses the database (the ``database_url`` fixture, directly or through ``app``,
    ``session``, ``client``, ``runner``…) is marked ``pg``: `make test` runs those again on PostgreSQL."""
    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.pg)


@pytest.fixture(scope="session")
def password_hashes():
    from werkzeug.security import generate_password_hash

    return {name: generate_password_hash(pw) for name, pw in PASSWORDS.items()}


def _seed_users(session, hashes):
    for name, role in ROLES.items():
        session.add(User(username=name, role=role, password_hash=hashes[name]))
    session.commit()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory, password_hashes):
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with make_sessionmaker(engine)() as session:
        _seed_users(session, password_hashes)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_database():
    """A fresh database beside the one DUIZHAO_TEST_DATABASE_URL names; dropped at the end."""
    url = make_url(normalise_url(PG_URL))
    name = f"{url.database}_pytest"
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    test_url = url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(test_url)
    upgrade(engine)
    engine.dispose()
    yield test_url
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(request, tmp_path, password_hashes):
    if PG_URL:
        url = request.getfixturevalue("_pg_database")
        engine = make_engine(url)
        with make_sessionmaker(engine)() as session:
            _seed_users(session, password_hashes)
        yield url
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        template = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "duizhao.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def app(database_url, tmp_path):
    application = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                              "INSTANCE": tmp_path / "instance", "ALIGN_METHOD": TEST_ALIGNER,
                              # jobs run in the submitting request (tests/web/test_jobs_web.py uses real queues)
                              "QUEUE_URL": "immediate",
                              # the re-checks in a thread: a worker process per test app would cost seconds
                              # (tests/web/test_recheck_worker.py runs the worker process)
                              "RECHECK_WORKER": "thread"})
    yield application
    close_app(application)


def close_app(application) -> None:
    """End the app's background re-checks (a run still going holds a connection), then close its engine; and
    drop the process's cached findings, so that they do not pile up over the tests (a heap that grows makes each
    full collection of the garbage collector longer: a timed test once waited a second for one)."""
    from app.services.findings import forget_cached

    application.extensions["duizhao.rechecker"].stop()
    application.extensions["duizhao.engine"].dispose()
    forget_cached()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app, database_url, monkeypatch):
    """A click runner whose commands use the test database."""
    from click.testing import CliRunner

    from app.cli import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DUIZHAO_ALIGN_METHOD", TEST_ALIGNER)
    monkeypatch.setenv("DUIZHAO_INSTANCE", str(app.instance_path))

    class Runner(CliRunner):
        def invoke(self, *args, **kwargs):  # noqa: D102
            return super().invoke(cli, *args, **kwargs)

    return Runner()


@pytest.fixture
def session(app):
    s = app.extensions["duizhao.sessionmaker"]()
    yield s
    s.rollback()
    s.close()


_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def after_job(client, response):
    """A form that queues a job answers at once with the job's page: follow it to the failed job's page
    (its one-line error) or, once the job is done, to its result (``.request.path``: the result's URL)."""
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert re.search(r"/jobs/\d+$", response.headers["Location"]), response.headers["Location"]
    return client.get(response.headers["Location"], follow_redirects=True)


def job_failed(page) -> bool:
    return 'data-state="failed"' in page.get_data(as_text=True)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, username="admin", password=None):
        page = self.client.get("/auth/login").get_data(as_text=True)
        return self.client.post(
            "/auth/login",
            data={"username": username, "password": password or PASSWORDS[username], "csrf_token": csrf_token(page)},
        )

    def logout(self):
        page = self.client.get("/").get_data(as_text=True)
        return self.client.post("/auth/logout", data={"csrf_token": csrf_token(page)})

    def token(self, path="/"):
        return csrf_token(self.client.get(path).get_data(as_text=True))


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def demo_doc(session):
    """The demo project loaded into the test database; returns the document id."""
    from app import services

    admin = session.query(User).filter_by(username="admin").one()
    project, _ = services.ensure_demo(session, ROOT / "corpus", ROOT / "glossary", admin, aligner="length")
    # the admin added the reviewer and the translator to the demo project (tests of outsiders use others)
    for name in ("rita", "tom"):
        services.add_member(session, project, session.query(User).filter_by(username=name).one(), ROLES[name])
    session.commit()
    return project.documents[0].id
