"""The document re-checks in a worker process of their own (RECHECK_WORKER "process", the server's default): the
findings a save's cell gets, and the ones a page waits for, come from the worker and equal a run in this process."""

from __future__ import annotations

import os
import pickle
import signal
import time

import pytest

from app import create_app
from app.checks.registry import CHECKS
from app.services import findings
from app.storage.models import Segment
from tests.conftest import TEST_ALIGNER, close_app
from tests.web.test_recheck import _follow, _row_with_document_findings, _save


@pytest.fixture
def worker_app(database_url, tmp_path):
    application = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                              "INSTANCE": tmp_path / "instance", "ALIGN_METHOD": TEST_ALIGNER,
                              "QUEUE_URL": "immediate", "RECHECK_WORKER": "process"})
    rechecker = application.extensions["duizhao.rechecker"]
    rechecker.start()  # as app.serve does
    assert rechecker.wait_ready(60), "the worker process did not start"
    yield application
    close_app(application)


def _as_rows(found):
    return [(f.check, f.message, f.key, f.zh_index, f.en_index, f.zh_span, f.en_span, f.row) for f in found]


def _here(session, doc_id):
    """Every check run in this process (a run with the checks named is never sent to the worker)."""
    return findings.document_findings(session, doc_id, checks=list(CHECKS))


def test_a_save_is_rechecked_in_the_worker_and_its_findings_are_a_full_run(worker_app, session, demo_doc):
    from tests.conftest import AuthActions

    client = worker_app.test_client()
    auth = AuthActions(client)
    auth.login("rita", "reviewer-pass-1")
    rechecker = worker_app.extensions["duizhao.rechecker"]
    link, seg = _row_with_document_findings(session, demo_doc)  # a page's run: sent to the worker
    assert rechecker.worker_pid not in (None, os.getpid())
    assert rechecker.runs >= 1
    text = seg.text + " It followed the Maple Bridge experience."
    answer = _save(client, auth, seg.id, text, seg.version).get_data(as_text=True)
    done = _follow(client, answer, seconds=60)
    assert "term.forbidden" in done and 'class="findings pending"' not in done
    session.expire_all()
    version = session.get(Segment, seg.id).version
    latest = findings.latest_findings(session, demo_doc)
    assert latest.saw(seg.id, version)
    assert _as_rows(latest.findings) == _as_rows(_here(session, demo_doc).findings)
    assert latest.by_link[link.id] and {f.key for f in latest.by_link[link.id]} == \
        {f.key for f in _here(session, demo_doc).by_link[link.id]}


def test_a_page_after_a_dismissal_waits_for_the_worker(worker_app, session, demo_doc):
    from app.storage.models import User

    rechecker = worker_app.extensions["duizhao.rechecker"]
    before = findings.document_findings(session, demo_doc)
    runs = rechecker.runs
    target = next(f for f in before.findings if f.check == "term.drift")
    admin = session.query(User).filter_by(username="admin").one()
    findings.dismiss(session, demo_doc, target.key, target.check, target.message, admin)
    session.commit()
    after = findings.document_findings(session, demo_doc)
    assert rechecker.runs > runs  # the worker ran the checks again
    assert target.key not in {f.key for f in after.findings}
    assert _as_rows(after.findings) == _as_rows(_here(session, demo_doc).findings)


def test_a_worker_that_died_is_replaced(worker_app, session, demo_doc):
    rechecker = worker_app.extensions["duizhao.rechecker"]
    findings.document_findings(session, demo_doc)
    first = rechecker.worker_pid
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while rechecker.ready():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    seg = session.query(Segment).filter_by(document_id=demo_doc, side="en").first()
    seg.text += " Edited."
    seg.version += 1
    session.commit()
    # a page meanwhile runs the checks itself (and asks for a new worker)
    assert findings.document_findings(session, demo_doc).saw(seg.id, seg.version)
    seg.text += " Again."
    seg.version += 1
    session.commit()
    rechecker.request(demo_doc)  # a save's re-check goes to the new worker
    deadline = time.monotonic() + 60
    while not (latest := findings.latest_findings(session, demo_doc)).saw(seg.id, seg.version):
        assert time.monotonic() < deadline and rechecker.failure(demo_doc) is None
        time.sleep(0.05)
    assert rechecker.worker_pid not in (None, first)
    assert _as_rows(latest.findings) == _as_rows(_here(session, demo_doc).findings)


def test_an_unknown_place_for_the_rechecks_is_refused(tmp_path):
    from app.errors import AppError

    with pytest.raises(AppError, match="RECHECK_WORKER must be process or thread"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "INSTANCE": tmp_path, "SECRET_KEY": "x",
                    "RECHECK_WORKER": "cluster"})


def _finding(n: int):
    from app.checks.base import Finding
    from app.model import Issue, Severity

    return Finding(Issue("term.drift", Severity.MINOR, f"message {n}", (0, 2), None, None, {"places": [n]}),
                   ((n,), (n,)), n, n, "中文", "", key=f"k{n}", row=n + 1)


def test_the_wire_sends_a_finding_once_and_then_its_number(monkeypatch):
    import multiprocessing

    from app.services import recheck

    ours, theirs = multiprocessing.Pipe()
    out, back = recheck._Wire(ours), recheck._Wire(theirs)
    first = [_finding(n) for n in range(5)]
    out.send(("ok", {"findings": first, "by_link": {7: first[:2]}}))
    status, got = back.recv()
    assert status == "ok" and got["findings"] == first and got["by_link"][7][0] is got["findings"][0]
    size_first = len(back._got)
    # the next run: three findings as before, two new ones
    second = first[:3] + [_finding(10), _finding(11)]
    out.send(("ok", second))
    _status, again = back.recv()
    assert again == second
    assert again[0] is got["findings"][0]  # the same object: it came as its number
    assert len(back._got) == size_first + 2
    # both sides start again past the limit
    monkeypatch.setattr(recheck._Wire, "RESET_AFTER", 3)
    out.send(("ok", second))
    _status, reset = back.recv()
    assert reset == second and len(back._got) == 5 and reset[0] is not again[0]


def test_the_wire_starts_again_after_a_send_that_failed():
    import multiprocessing

    from app.services import recheck

    ours, theirs = multiprocessing.Pipe()
    out, back = recheck._Wire(ours), recheck._Wire(theirs)
    out.send([_finding(1)])
    back.recv()
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        out.send([_finding(2), lambda: None])  # cannot be pickled: finding 2 never reached the other side
    out.send([_finding(2), _finding(1)])
    assert back.recv() == [_finding(2), _finding(1)]


def _children(pid: int) -> list[str]:
    """The command lines of a process's children (from /proc)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    out.append(f.read().replace(b"\0", b" ").decode())
        except (OSError, ValueError, IndexError):
            continue
    return out


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_the_server_starts_its_worker_and_ctrl_c_ends_both(database_url, tmp_path):
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url, "DUIZHAO_INSTANCE": str(tmp_path / "instance"),
           "DUIZHAO_SECRET_KEY": "test-secret", "DUIZHAO_QUEUE_URL": "immediate"}
    env.pop("DUIZHAO_RECHECK_WORKER", None)  # the default: a worker process
    server = subprocess.Popen([sys.executable, "-m", "app.serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "the server ended at start"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/login", timeout=5) as answer:
                    assert answer.status == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.2)
        while not any("spawn_main" in c for c in _children(server.pid)):
            assert time.monotonic() < deadline, "the server started no re-check worker"
            time.sleep(0.2)
        server.send_signal(signal.SIGINT)
        _out, err = server.communicate(timeout=60)
        assert "Traceback" not in err, err
        while any("spawn_main" in c for c in _children(server.pid)):
            assert time.monotonic() < deadline + 30, "the worker outlived the server"
            time.sleep(0.2)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
        server.stdout.close()
        server.stderr.close()


def test_a_hung_worker_is_replaced(monkeypatch):
    import multiprocessing

    from app.services import recheck

    worker = recheck._Worker("sqlite://")
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    sleeper = context.Process(target=time.sleep, args=(60,), daemon=True)  # never answers
    sleeper.start()
    worker._process, worker._conn, worker._replies, worker._ready = sleeper, ours, recheck._Wire(ours), True
    monkeypatch.setattr(recheck, "ANSWER_SECONDS", 0.5)
    with pytest.raises(RuntimeError, match="no answer"):
        worker.call("run", 1)
    sleeper.join(10)
    assert not sleeper.is_alive() and worker.pid is None  # ended, and the next call starts a new one
    theirs.close()


def test_a_page_before_the_worker_started_runs_the_checks_itself(database_url, tmp_path, session, demo_doc):
    application = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                              "INSTANCE": tmp_path / "instance2", "QUEUE_URL": "immediate",
                              "RECHECK_WORKER": "process"})
    try:
        rechecker = application.extensions["duizhao.rechecker"]
        from sqlalchemy import delete

        from app.storage.models import CheckRun

        session.execute(delete(CheckRun))  # no stored run: the checks must run
        session.commit()
        findings.forget_cached()
        found = findings.document_findings(session, demo_doc)
        assert found.findings and rechecker.worker_pid is None and rechecker.runs == 0
    finally:
        close_app(application)


def test_pages_after_the_workers_warm_up_ask_for_no_more(worker_app, session, demo_doc):
    from tests.conftest import AuthActions

    findings.document_findings(session, demo_doc)  # the worker's run is stored
    findings.forget_cached()  # as a new server process: the next page reads the stored run
    client = worker_app.test_client()
    AuthActions(client).login("rita", "reviewer-pass-1")
    rechecker = worker_app.extensions["duizhao.rechecker"]
    runs = rechecker.runs
    assert client.get(f"/documents/{demo_doc}").status_code == 200
    assert rechecker.busy(demo_doc)  # a warm-up of the worker's memo is on its way
    deadline = time.monotonic() + 30
    while rechecker.busy(demo_doc):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert rechecker.runs == runs + 1
    assert client.get(f"/documents/{demo_doc}").status_code == 200
    assert not rechecker.busy(demo_doc)  # that page asked for no second warm-up
