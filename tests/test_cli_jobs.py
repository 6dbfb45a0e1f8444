"""The command line and jobs (issue 13): imports run as foreground jobs, `duizhao jobs` lists them,
`duizhao worker` runs queued jobs in processes of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from app import jobs
from app.services import Upload, background
from app.storage.models import Document, Job, JobFile, User
from tests.jobs.conftest import wait_for

ROOT = Path(__file__).resolve().parent.parent
ZH, EN = str(ROOT / "corpus/demo/zh.txt"), str(ROOT / "corpus/demo/en.txt")


def test_import_is_a_foreground_job_with_the_same_output(runner, session):
    result = runner.invoke(["import", ZH, EN, "--project", "CLI"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Imported document 1 ") and "18 links" in result.output
    assert result.stderr == ""  # no bar off a terminal: scripts see what they saw before
    job = session.scalar(select(Job))
    assert (job.kind, job.state, job.user_id, job.result_id, job.progress) == ("import", "done", None, 1, 1.0)
    assert job.dedupe_key is None  # a script importing twice gets two documents, as it always did
    assert session.scalar(select(func.count(JobFile.id))) == 0
    result = runner.invoke(["jobs"])
    assert result.exit_code == 0
    fields = result.output.strip().split("\t")
    assert fields[:4] == ["1", "import", "done", "100%"] and fields[5:7] == ["CLI", "cli"]


def test_a_failed_import_is_one_line_exit_2_and_a_failed_job(runner, session, tmp_path):
    bad = tmp_path / "zh.txt"
    bad.write_bytes(b"")
    result = runner.invoke(["import", str(bad), EN, "--project", "X"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "the file is empty" in result.stderr
    assert result.stderr.count("\n") == 1
    assert session.scalar(select(func.count(Document.id))) == 0
    job = session.scalar(select(Job))
    assert job.state == "failed" and "the file is empty" in job.message
    listed = runner.invoke(["jobs", "--limit", "5"]).output
    assert "\tfailed\t" in listed and "the file is empty" in listed


def test_jobs_filters_by_project(runner):
    assert runner.invoke(["import", ZH, EN, "--project", "A"]).exit_code == 0
    assert runner.invoke(["import", ZH, EN, "--project", "B"]).exit_code == 0
    lines = runner.invoke(["jobs", "--project", "B"]).output.strip().splitlines()
    assert len(lines) == 1 and "\tB\t" in lines[0]
    assert len(runner.invoke(["jobs", "--limit", "1"]).output.strip().splitlines()) == 1
    result = runner.invoke(["jobs", "--project", "Nope"])
    assert result.exit_code == 2 and "project 'Nope' does not exist" in result.stderr


def test_glossary_import_and_new_version_are_jobs_too(runner, session, tmp_path):
    assert runner.invoke(["import", ZH, EN, "--project", "G"]).exit_code == 0
    csv_file = tmp_path / "terms.csv"
    csv_file.write_text("zh,en\n检察机关,procuratorial organs\n", encoding="utf-8")
    result = runner.invoke(["glossary", "import", "G", str(csv_file)])
    assert result.exit_code == 0 and "Imported 1 new entries into G (0 already present)." in result.output
    lines = [line for line in Path(EN).read_text(encoding="utf-8").splitlines() if line.strip()]
    lines[3] = lines[3] + " Added."
    v2 = tmp_path / "en-v2.txt"
    v2.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(["import-version", "1", str(v2)])
    assert result.exit_code == 0, result.output
    assert "Document 1: " in result.output and "1 new or changed" in result.output
    kinds = [j.kind for j in session.scalars(select(Job).order_by(Job.id))]
    assert kinds == ["import", "glossary-import", "new-version"]


def test_worker_refuses_an_immediate_queue(runner, monkeypatch):
    monkeypatch.setenv("DUIZHAO_QUEUE_URL", "immediate")
    result = runner.invoke(["worker"])
    assert result.exit_code == 2 and "nothing for a worker to do" in result.stderr


def test_worker_processes_run_queued_jobs(app, session, database_url, tmp_path):
    """A job submitted to the SQLite queue (nobody consuming it) is run by `duizhao worker` started later."""
    queue_url = f"sqlite:///{tmp_path / 'queue.db'}"
    queue = jobs.JobQueue({"DATABASE_URL": database_url, "QUEUE_URL": queue_url, "INSTANCE": tmp_path},
                          make_session=app.extensions["duizhao.sessionmaker"])
    rita = session.scalar(select(User).where(User.username == "rita"))
    uploads = [Upload("zh.txt", Path(ZH).read_bytes()), Upload("en.txt", Path(EN).read_bytes())]
    job, created = background.submit_import(queue, session, "Worked", uploads, rita, aligner="length")
    session.commit()
    assert created and job.state == "queued"
    env = {**os.environ, "DATABASE_URL": database_url, "DUIZHAO_QUEUE_URL": queue_url,
           "DUIZHAO_INSTANCE": str(tmp_path), "DUIZHAO_ALIGN_METHOD": "length"}
    log = tmp_path / "worker.log"
    with log.open("wb") as err:
        worker = subprocess.Popen([sys.executable, "-m", "app.cli", "worker", "--workers", "1"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    try:
        def done():
            session.expire_all()
            return session.get(Job, job.id).state in ("done", "failed")

        wait_for(done, timeout=90, every=0.2)
        finished = session.get(Job, job.id)
        assert finished.state == "done", finished.message
        assert finished.worker_pid not in (None, os.getpid()) and finished.result_id is not None
        assert session.get(Document, finished.result_id).title.startswith("最高检")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    assert "process(es) on the sqlite queue" in log.read_text()
