"""A worker process killed with kill -9 mid-job: nothing of its work is stored, and its job is marked
failed when a queue starts again. On SqliteHuey and on RedisHuey, with `duizhao worker`'s consumer
(run_worker, one worker process) running the dummy kinds of tests/jobs/kinds.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import jobs
from app.storage import jobs as store
from app.storage.models import Document, Job, Segment
from tests.jobs.conftest import wait_for

pytestmark = pytest.mark.pg

ROOT = Path(__file__).resolve().parents[2]


def _counts(db) -> tuple[int, int]:
    with db.make_session() as s:
        return (s.scalar(select(func.count()).select_from(Document)),
                s.scalar(select(func.count()).select_from(Segment)))


def test_a_killed_worker_leaves_nothing_half_stored(db, make_queue, queue_url, tmp_path):
    name = f"duizhao-test-{uuid.uuid4().hex[:12]}"
    queue = make_queue(queue_url, name=name)
    marker = tmp_path / "rows-flushed"
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen([sys.executable, "-m", "tests.jobs.kinds", db.url, queue_url, name], cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        with db.make_session() as s:
            job, _ = queue.submit(s, "test.insert", project_id=db.project_id, user_id=1,
                                  params={"project_id": db.project_id, "rows": 4, "compute": 2, "pause": 0.02,
                                          "marker": str(marker), "hold": 30})
            s.commit()
            job_id = job.id
        wait_for(marker.exists, timeout=30)  # the document and two rows are flushed, not committed
        with db.make_session() as s:
            running = s.get(Job, job_id)
            assert running.state == "running" and running.step == "storing"
            pid = running.worker_pid
        assert pid != worker.pid and store.pid_alive(pid)  # huey's worker process, forked by the consumer
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not store.pid_alive(pid), timeout=10)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        log.close()

    assert _counts(db) == (0, 0)  # no partial document
    with db.make_session() as s:
        assert s.get(Job, job_id).state == "running"  # nobody knows yet

    again = make_queue(queue_url, name=name)  # the queue starts again
    consumer = jobs.start_consumer(again, workers=1)
    try:
        with db.make_session() as s:
            dead = s.get(Job, job_id)
            assert dead.state == "failed"
            assert dead.message == (f"the worker ({dead.worker_host} pid {pid}) stopped before the job finished; "
                                    "nothing was stored")
            fresh, created = again.submit(s, "test.insert", project_id=db.project_id,
                                          params={"project_id": db.project_id, "pause": 0})
            s.commit()
        done = wait_for(lambda: (j := _get(db, fresh.id)).state in ("done", "failed") and j)
    finally:
        jobs.stop_consumer(consumer)
    assert done.state == "done", done.message  # and the queue goes on working
    assert _counts(db) == (1, 3)


def test_a_queued_job_whose_message_was_lost_is_sent_again_at_start(db, make_queue, queue_url):
    queue = make_queue(queue_url)
    with db.make_session() as s:
        job, _ = queue.submit(s, "test.insert", project_id=db.project_id, params={"project_id": db.project_id,
                                                                                   "pause": 0})
        s.commit()
    queue.huey.flush()  # the message is lost (Redis restarted, say)
    consumer = jobs.start_consumer(queue, workers=1)
    try:
        done = wait_for(lambda: (j := _get(db, job.id)).state in ("done", "failed") and j)
    finally:
        jobs.stop_consumer(consumer)
    assert done.state == "done"


def test_a_running_job_of_another_host_fails_only_when_its_heartbeat_is_old(db):
    from datetime import timedelta

    from app.storage.models import utcnow

    with db.make_session() as s:
        fresh = Job(kind="test.insert", state="running", worker_host="elsewhere", worker_pid=1,
                    heartbeat_at=utcnow())
        old = Job(kind="test.insert", state="running", worker_host="elsewhere", worker_pid=1,
                  heartbeat_at=utcnow() - timedelta(seconds=120))
        here_alive = Job(kind="test.insert", state="running", worker_host=store.this_host(), worker_pid=os.getpid(),
                         heartbeat_at=utcnow() - timedelta(seconds=120))
        s.add_all([fresh, old, here_alive])
        s.commit()
        assert store.fail_stale(s, 60) == [old.id]
        s.commit()
        s.expire_all()
        assert [j.state for j in (fresh, old, here_alive)] == ["running", "failed", "running"]


def _get(db, job_id) -> Job:
    with db.make_session() as s:
        return s.get(Job, job_id)
