"""Jobs run by a consumer thread, on SqliteHuey and on RedisHuey: done with moving progress, failed
with nothing stored and a one-line message, each job run once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import jobs
from app.storage import jobs as store
from app.storage.models import Document, Job, Segment
from tests.jobs.conftest import wait_for
from tests.jobs.kinds import TITLE

pytestmark = pytest.mark.pg


def _job(db, job_id) -> Job:
    with db.make_session() as s:
        return s.get(Job, job_id)


def _stored(db) -> tuple[int, int]:
    with db.make_session() as s:
        return (s.scalar(select(func.count()).select_from(Document).where(Document.title == TITLE)),
                s.scalar(select(func.count()).select_from(Segment)))


def _submit(db, queue, send=True, **params) -> int:
    with db.make_session() as s:
        job, created = queue.submit(s, "test.insert", project_id=db.project_id, user_id=1,
                                    params={"project_id": db.project_id, **params}, send=send)
        assert created and job.state == "queued"
        s.commit()
        return job.id


def test_job_runs_to_done_and_its_progress_moves(db, make_queue, queue_url):
    queue = make_queue(queue_url)
    consumer = jobs.start_consumer(queue, workers=1)
    try:
        job_id = _submit(db, queue, rows=3, compute=6, pause=0.06)
        seen = []

        def done():
            job = _job(db, job_id)
            if (job.step, job.progress) not in seen:
                seen.append((job.step, job.progress))
            return job.state in ("done", "failed") and job

        job = wait_for(done)
    finally:
        jobs.stop_consumer(consumer)
    assert job.state == "done", job.message
    assert job.progress == 1.0 and job.message == ""
    assert job.started_at and job.finished_at and job.worker_pid
    assert store.result_of(job) == {"rows": 3}
    moving = sorted({p for step, p in seen if step == "aligning" and 0 < p < 0.75})
    assert len(moving) >= 2, seen  # the bar moved while the job computed
    assert [p for _, p in seen] == sorted(p for _, p in seen)  # and never backwards
    with db.make_session() as s:
        doc = s.get(Document, job.result_id)
        assert doc.title == TITLE
        assert s.scalar(select(func.count()).select_from(Segment).where(Segment.document_id == doc.id)) == 3


@pytest.mark.parametrize("params, message", [
    ({"fail_at": 1}, "row 1: the file says something odd and this is its second line"),
    ({"crash_at": 0}, "ZeroDivisionError: division by zero"),
])
def test_a_failed_job_stores_nothing_and_says_why_in_one_line(db, make_queue, queue_url, params, message):
    queue = make_queue(queue_url)
    consumer = jobs.start_consumer(queue, workers=1)
    try:
        job_id = _submit(db, queue, rows=3, compute=1, pause=0.01, **params)
        job = wait_for(lambda: (j := _job(db, job_id)).state in ("done", "failed") and j)
    finally:
        jobs.stop_consumer(consumer)
    assert job.state == "failed"
    assert job.message == message and "\n" not in job.message
    assert job.result_id is None and job.finished_at
    assert _stored(db) == (0, 0)


def test_an_immediate_queue_runs_the_job_when_the_submit_commits(db, make_queue):
    queue = make_queue("immediate")
    assert jobs.start_consumer(queue) is None
    with db.make_session() as s:
        job, _ = queue.submit(s, "test.insert", project_id=db.project_id, params={"project_id": db.project_id,
                                                                                   "pause": 0})
        assert _job(db, job.id) is None  # not committed yet, nothing sent
        s.commit()
        job_id = job.id
    assert _job(db, job_id).state == "done"
    assert _stored(db) == (1, 3)


def test_a_rolled_back_submit_sends_nothing(db, make_queue, tmp_path):
    queue = make_queue(f"sqlite:///{tmp_path / 'q.db'}")
    with db.make_session() as s:
        queue.submit(s, "test.insert", project_id=db.project_id, params={"project_id": db.project_id})
        s.rollback()
        s.commit()
    assert queue.huey.pending_count() == 0
    with db.make_session() as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 0


def test_a_job_runs_once_however_often_its_message_comes(db, make_queue, tmp_path):
    queue = make_queue(f"sqlite:///{tmp_path / 'q.db'}")
    job_id = _submit(db, queue, pause=0)
    assert queue.huey.pending_count() == 1
    queue.enqueue(job_id)  # a duplicate message, as a resend at start can make
    assert queue.run_here(job_id) == "done"
    assert queue.run_here(job_id) is None
    consumer = jobs.start_consumer(queue, workers=1)
    try:
        wait_for(lambda: queue.huey.pending_count() == 0, timeout=5)
    finally:
        jobs.stop_consumer(consumer)
    assert _stored(db) == (1, 3)


def test_run_here_reports_progress_to_the_caller(db, make_queue, tmp_path):
    """The CLI runs work in the foreground and draws its bar from these calls."""
    queue = make_queue(f"sqlite:///{tmp_path / 'q.db'}")
    job_id = _submit(db, queue, send=False, compute=4, pause=0)
    assert queue.huey.pending_count() == 0  # no consumer will race the foreground run
    calls = []
    assert queue.run_here(job_id, on_progress=lambda step, p: calls.append((step, round(p, 3)))) == "done"
    assert calls[0] == ("aligning", 0.0)
    assert ("aligning", 0.375) in calls and ("storing", 0.75) in calls
    assert calls[-1] == ("storing", 1.0)


def test_recent_jobs_of_a_set_of_projects(db, make_queue, tmp_path):
    from app.storage.models import Project

    queue = make_queue(f"sqlite:///{tmp_path / 'q.db'}")
    with db.make_session() as s:
        other = Project(name="other")
        s.add(other)
        s.flush()
        mine, _ = queue.submit(s, "test.insert", project_id=db.project_id, params={"project_id": db.project_id})
        theirs, _ = queue.submit(s, "test.insert", project_id=other.id, params={"project_id": other.id})
        s.commit()
        assert [j.id for j in store.recent_jobs(s, {db.project_id})] == [mine.id]
        assert {j.id for j in store.recent_jobs(s, None)} == {mine.id, theirs.id}
        assert store.recent_jobs(s, set()) == []
        assert store.recent_jobs(s, None, states=["running"]) == []


def test_an_unknown_kind_or_queue_url_is_refused(db, make_queue, tmp_path):
    from app.errors import AppError

    queue = make_queue(f"sqlite:///{tmp_path / 'q.db'}")
    with db.make_session() as s, pytest.raises(AppError, match="unknown job kind"):
        queue.submit(s, "no-such-kind")
    with pytest.raises(AppError, match="QUEUE_URL"):
        jobs.queue_kind("amqp://localhost")


def test_a_consumer_fails_a_dead_workers_job_every_minute(db, make_queue, tmp_path):
    """The periodic stale check: registered with huey to run every minute, and it fails a running job
    whose worker process is gone (while the queue keeps running, not only when one starts)."""
    import subprocess
    import sys
    from datetime import datetime

    queue = make_queue(f"sqlite:///{tmp_path / 'queue.db'}")
    due = [t.name for t in queue.huey.read_periodic(datetime(2026, 12, 1, 10, 17))]
    assert jobs.queue.STALE_TASK in due
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    job_id = _submit(db, queue, send=False)
    with db.make_session() as s:
        assert store.claim(s, job_id, pid=dead.pid)
        s.commit()
    alive_id = _submit(db, queue, send=False)
    with db.make_session() as s:
        assert store.claim(s, alive_id)  # this process: alive
        s.commit()
    assert queue.fail_stale() == [job_id]
    assert _job(db, job_id).state == "failed" and "stopped before the job finished" in _job(db, job_id).message
    assert _job(db, alive_id).state == "running"
