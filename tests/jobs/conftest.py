"""Fixtures for the job tests: a database with a project, and queues on SQLite and on Redis.

The Redis tests use the server on 127.0.0.1:6379 with a queue name of their own; they skip when it
does not answer, and fail under CI=true.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest

import tests.jobs.kinds  # noqa: F401  (registers the dummy kinds)
from app import jobs
from app.storage.db import make_engine, make_sessionmaker
from app.storage.models import Project

REDIS_URL = os.environ.get("DUIZHAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        reason = f"no Redis at {REDIS_URL} ({exc})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " but CI=true: start redis-server")
        pytest.skip(reason)


class DB:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.make_session = make_sessionmaker(self.engine)
        with self.make_session() as s:
            project = Project(name="jobs")
            s.add(project)
            s.commit()
            self.project_id = project.id


@pytest.fixture
def db(database_url):
    d = DB(database_url)
    yield d
    d.engine.dispose()


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request, tmp_path):
    """A QUEUE_URL for SqliteHuey (a file of its own) and for RedisHuey."""
    if request.param == "redis":
        redis_or_skip()
        return REDIS_URL
    return f"sqlite:///{tmp_path / 'queue.db'}"


@pytest.fixture
def make_queue(db):
    made = []

    def make(url: str, name: str | None = None, **conf) -> jobs.JobQueue:
        name = name or f"duizhao-test-{uuid.uuid4().hex[:12]}"
        q = jobs.JobQueue({"DATABASE_URL": db.url, "QUEUE_URL": url, "JOB_STALE_SECONDS": 2, **conf},
                          make_session=db.make_session, name=name)
        q.interval = 0.05
        made.append(q)
        return q

    yield make
    for q in made:
        if q.kind == "redis":
            q.huey.storage.flush_all()
        q.dispose()


def wait_for(predicate, timeout: float = 20.0, every: float = 0.02):
    """Poll ``predicate`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"gave up after {timeout} s")
