"""Exactly once: a second submit with the same key joins the first job."""

from __future__ import annotations

import pytest

from app import jobs
from app.storage import jobs as store
from app.storage.models import Job

pytestmark = pytest.mark.pg


@pytest.fixture
def queue(make_queue, tmp_path):
    return make_queue(f"sqlite:///{tmp_path / 'q.db'}")


def _submit(db, queue, key):
    with db.make_session() as s:
        job, created = queue.submit(s, "test.insert", project_id=db.project_id,
                                    params={"project_id": db.project_id, "pause": 0}, dedupe_key=key)
        s.commit()
        return job.id, created


def test_a_second_submit_joins_the_queued_running_or_just_finished_job(db, queue):
    key = jobs.content_key("import", db.project_id, b"zh bytes", b"en bytes")
    first, created = _submit(db, queue, key)
    assert created
    assert _submit(db, queue, key) == (first, False)
    with db.make_session() as s:
        assert store.claim(s, first)
        s.commit()
    assert _submit(db, queue, key) == (first, False)  # running
    with db.make_session() as s:
        store.finish(s, first, result_id=7)
        s.commit()
    assert _submit(db, queue, key) == (first, False)  # done within the window: lands on its result
    assert queue.huey.pending_count() == 1  # one message for all those submits
    other, created = _submit(db, queue, jobs.content_key("import", db.project_id, b"other", b"files"))
    assert created and other != first


def test_after_a_failure_or_the_window_a_submit_starts_afresh(db, queue):
    key = "form-token-1"
    first, _ = _submit(db, queue, key)
    with db.make_session() as s:
        store.fail(s, first, "boom")
        s.commit()
    second, created = _submit(db, queue, key)
    assert created and second != first
    with db.make_session() as s:
        store.claim(s, second)
        store.finish(s, second)
        s.commit()
    queue.dedupe_seconds = 0
    third, created = _submit(db, queue, key)
    assert created and third not in (first, second)


def test_two_racing_submits_make_one_job(db, queue, monkeypatch):
    """The loser of a race (its look-up saw nothing) hits the unique index and joins the winner."""
    first, _ = _submit(db, queue, "race")
    real = store._active_with_key
    calls = []

    def blind_once(session, kind, key, since):
        calls.append(since)
        return None if len(calls) == 1 else real(session, kind, key, since)

    monkeypatch.setattr(store, "_active_with_key", blind_once)
    with db.make_session() as s:
        job, created = queue.submit(s, "test.insert", project_id=db.project_id, params={}, dedupe_key="race")
        s.commit()
        assert (job.id, created) == (first, False)
        assert s.query(Job).count() == 1
