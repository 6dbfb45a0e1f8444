"""Login throttling with Flask-Limiter, per account and per address; unknown user names take as long
as known ones (issue 11)."""

from __future__ import annotations

import os
import statistics
import time
import uuid

import pytest

from app import services
from tests.conftest import PASSWORDS, AuthActions, close_app


def _app(database_url, tmp_path, monkeypatch, **overrides):
    from app import create_app

    monkeypatch.setenv("DUIZHAO_INSTANCE", str(tmp_path / "instance"))
    conf = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k", **overrides}
    return create_app(conf)


def test_failed_logins_per_account_then_429(app, client):
    auth = AuthActions(client)
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(limit):
        assert auth.login("rita", "wrong-password").status_code == 401
    blocked = auth.login("rita")  # even the right password is refused now
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Too many" in blocked.get_data(as_text=True)
    assert AuthActions(app.test_client()).login("tom").status_code == 302  # another account is not blocked


def test_successful_logins_are_not_counted(app, client):
    auth = AuthActions(client)
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(limit + 2):
        assert auth.login("rita").status_code == 302
        auth.logout()


def test_failed_logins_per_address(database_url, tmp_path, monkeypatch):
    app = _app(database_url, tmp_path, monkeypatch, LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    auth = AuthActions(app.test_client())
    for name in ("rita", "tom", "nobody"):
        assert auth.login(name, "wrong-password").status_code == 401
    assert auth.login("admin").status_code == 429
    close_app(app)


def _redis_url() -> str | None:
    import redis

    url = "redis://127.0.0.1:6379/1"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running on 127.0.0.1:6379 but CI=true")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return url


def test_two_processes_share_counts_through_redis(database_url, tmp_path, monkeypatch):
    """Two app instances (two server processes) with Redis storage see each other's failures."""
    url = _redis_url()
    prefix = f"duizhao-test-{uuid.uuid4().hex}"
    first = _app(database_url, tmp_path, monkeypatch, RATELIMIT_STORAGE=url, RATELIMIT_KEY_PREFIX=prefix,
                 LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
    second = _app(database_url, tmp_path, monkeypatch, RATELIMIT_STORAGE=url, RATELIMIT_KEY_PREFIX=prefix,
                  LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
    assert AuthActions(first.test_client()).login("rita", "wrong-password").status_code == 401
    assert AuthActions(second.test_client()).login("rita", "wrong-password").status_code == 401
    assert AuthActions(first.test_client()).login("rita").status_code == 429
    assert AuthActions(second.test_client()).login("rita").status_code == 429
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"*{prefix}*"))
    assert keys  # the counts really are in Redis
    client.delete(*keys)
    for app in (first, second):
        close_app(app)


def test_unknown_user_takes_as_long_as_a_known_one(session):
    def timed(name):
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            assert services.authenticate(session, name, "wrong-password") is None
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    services.authenticate(session, "nobody", "x")  # warm the dummy hash
    known, unknown = timed("rita"), timed("no-such-user")
    assert unknown > known * 0.5, (known, unknown)
    assert services.authenticate(session, "rita", PASSWORDS["rita"]) is not None
