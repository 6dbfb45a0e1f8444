"""Imports through the web as jobs on a real queue (issue 13): SqliteHuey with a consumer thread in the
process, as `make run` has, and RedisHuey (127.0.0.1:6379). The form answers with the job page, the job's
progress fragment leads to the document, a second submit joins the first job, a failure stores nothing and
says why in one line."""

from __future__ import annotations

import io
import re
import time
import uuid
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from app import create_app, jobs
from app.storage import jobs as store
from app.storage.models import Document, Job, JobFile, Project, User
from tests.conftest import TEST_ALIGNER, close_app
from tests.jobs.conftest import REDIS_URL, redis_or_skip, wait_for

ROOT = Path(__file__).resolve().parents[2]
ZH = (ROOT / "corpus/demo/zh.txt").read_bytes()
EN = (ROOT / "corpus/demo/en.txt").read_bytes()


@pytest.fixture(params=["sqlite", "redis"])
def app(request, database_url, tmp_path):
    """The application with the default kind of queue (a SQLite file) or Redis, and one consumer thread."""
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    if request.param == "redis":
        redis_or_skip()
        url = REDIS_URL
    application = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                              "INSTANCE": tmp_path / "instance", "ALIGN_METHOD": TEST_ALIGNER, "QUEUE_URL": url,
                              "RECHECK_WORKER": "thread"})
    # a queue name of its own (Redis is shared by every test)
    queue = jobs.JobQueue(application.config, make_session=application.extensions["duizhao.sessionmaker"],
                          name=f"duizhao-web-test-{uuid.uuid4().hex[:12]}")
    application.extensions["duizhao.queue"] = queue
    queue.interval = 0.05
    consumer = jobs.start_consumer(queue, workers=1)
    yield application
    jobs.stop_consumer(consumer, timeout=10)
    if queue.kind == "redis":
        queue.huey.storage.flush_all()
    queue.dispose()
    close_app(application)


def _post(client, auth, zh=("zh.txt", ZH), en=("en.txt", EN), project="Queued", title=""):
    data = {"project": project, "title": title, "csrf_token": auth.token("/import"),
            "zh_file": (io.BytesIO(zh[1]), zh[0]), "en_file": (io.BytesIO(en[1]), en[0])}
    return client.post("/import", data=data, content_type="multipart/form-data")


def _job_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    match = re.fullmatch(r"/jobs/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def _state(session, job_id: int) -> Job:
    session.expire_all()
    return session.get(Job, job_id)


def _documents(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Document.id)))


def test_import_answers_with_the_job_page_and_lands_on_the_document(client, auth, session):
    auth.login("rita")
    started = time.monotonic()
    response = _post(client, auth)
    answered = time.monotonic() - started
    job_id = _job_id(response)
    assert answered < 1.0, f"the form took {answered:.2f} s to answer"

    page = client.get(f"/jobs/{job_id}")
    if page.status_code == 200:  # still running: the page polls its progress fragment
        html = page.get_data(as_text=True)
        assert f'hx-get="/jobs/{job_id}/progress"' in html and 'hx-trigger="every 500ms"' in html
        assert "<progress" in html and "decoding" in html and "aligning" in html and "storing" in html

    def redirected():
        r = client.get(f"/jobs/{job_id}/progress", headers={"HX-Request": "true"})
        return r.headers.get("HX-Redirect")

    target = wait_for(redirected, timeout=60, every=0.1)
    job = _state(session, job_id)
    assert job.state == "done" and job.progress == 1.0 and target == f"/documents/{job.result_id}"
    assert job.project_id == session.scalar(select(Project.id).where(Project.name == "Queued"))
    assert session.scalar(select(func.count(JobFile.id)).where(JobFile.job_id == job_id)) == 0  # uploads dropped
    landed = client.get(f"/jobs/{job_id}", follow_redirects=True)
    assert landed.request.path == target
    html = landed.get_data(as_text=True)
    assert "18 linked paragraphs" in html and "枫桥经验" in html


def test_a_second_submit_of_the_same_files_joins_the_first_job(client, auth, session):
    auth.login("rita")
    before = _documents(session)
    first, second = _job_id(_post(client, auth)), _job_id(_post(client, auth))
    assert first == second
    wait_for(lambda: _state(session, first).state == "done", timeout=60, every=0.1)
    assert _job_id(_post(client, auth)) == first  # done within the dedupe window: the same document
    other = _job_id(_post(client, auth, title="Another title"))  # another form: another job
    assert other != first
    wait_for(lambda: _state(session, other).state == "done", timeout=60, every=0.1)
    assert _documents(session) == before + 2
    assert session.scalar(select(func.count(Job.id))) == 2


def test_a_failed_import_stores_nothing_and_says_why_in_one_line(client, auth, session):
    auth.login("rita")
    before = _documents(session)
    job_id = _job_id(_post(client, auth, zh=("zh.png", b"\x89PNG\r\n\x1a\n\x00\x00"), project="Never"))
    wait_for(lambda: _state(session, job_id).state == "failed", timeout=60, every=0.1)
    job = _state(session, job_id)
    assert "\n" not in job.message and job.message.startswith("zh.png: looks like a binary file")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Nothing was imported. zh.png: looks like a binary file" in page and "hx-trigger" not in page
    assert _documents(session) == before
    assert session.scalar(select(Project.id).where(Project.name == "Never")) is None  # no empty project either
    assert session.scalar(select(func.count(JobFile.id)).where(JobFile.job_id == job_id)) == 0
    # the same files again start afresh: a failed job is not joined
    assert _job_id(_post(client, auth, zh=("zh.png", b"\x89PNG\r\n\x1a\n\x00\x00"), project="Never")) != job_id


def test_a_translator_is_refused_before_any_job_exists(client, auth, session):
    auth.login("tom")
    assert _post(client, auth).status_code == 403
    assert session.scalar(select(func.count(Job.id))) == 0


def test_the_document_list_shows_running_imports_to_members_only(client, auth, session, demo_doc):
    rita = session.scalar(select(User).where(User.username == "rita"))
    demo = session.get(Document, demo_doc).project
    job, _ = store.create_or_join(session, "import", project_id=demo.id, user_id=rita.id,
                                  params={"project": demo.name, "files": ["big-zh.txt", "big-en.txt"]})
    session.commit()
    assert store.claim(session, job.id)  # as a worker would (the consumer never saw this job)
    store.touch(session, job.id, step="aligning", progress=0.42)
    session.commit()
    auth.login("rita")
    page = client.get("/").get_data(as_text=True)
    assert "Importing now" in page and "big-zh.txt + big-en.txt" in page and "42%" in page
    assert f'href="/jobs/{job.id}"' in page and "aligning" in page
    fragment = client.get(f"/jobs/{job.id}/progress", headers={"HX-Request": "true"})
    assert "HX-Redirect" not in fragment.headers
    html = fragment.get_data(as_text=True)
    assert 'value="42"' in html and 'hx-trigger="every 500ms"' in html
    assert re.search(r'class="done">\s*✓ decoding', html) and re.search(r'class="current">\s*▸ aligning', html)
    auth.logout()
    from app import services

    services.create_user(session, "olga", "reviewer", "outsider-pass-1")
    session.commit()
    auth.login("olga", "outsider-pass-1")
    assert "Importing now" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/jobs/{job.id}").status_code == 404


def test_the_jobs_page_lists_recent_jobs(client, auth, session):
    auth.login("rita")
    job_id = _job_id(_post(client, auth))
    wait_for(lambda: _state(session, job_id).state == "done", timeout=60, every=0.1)
    page = client.get("/jobs").get_data(as_text=True)
    assert f'href="/jobs/{job_id}"' in page and "Import" in page and "Queued" in page and "done" in page


def test_a_long_realignment_is_a_job_and_a_short_one_is_not(client, auth, session, demo_doc, monkeypatch):
    from app.services import background
    from app.storage.models import AlignmentChange, Link

    monkeypatch.setattr(background, "REALIGN_INLINE_LINKS", 5)
    first = session.scalar(select(Link.id).where(Link.document_id == demo_doc, Link.position == 0))
    third = session.scalar(select(Link.id).where(Link.document_id == demo_doc, Link.position == 2))
    auth.login("rita")
    path = f"/documents/{demo_doc}/alignment"
    short = client.post(path, data={"csrf_token": auth.token(path), "op": "realign", "link": first, "last": third},
                        headers={"HX-Request": "true"})
    assert short.status_code == 200 and "re-aligned links 1–3" in short.get_data(as_text=True)
    assert session.scalar(select(func.count(Job.id))) == 0
    long = client.post(path, data={"csrf_token": auth.token(path), "op": "realign", "link": first},
                       headers={"HX-Request": "true"})  # to the end: 18 links
    assert long.status_code == 204
    job_id = int(re.fullmatch(r"/jobs/(\d+)", long.headers["HX-Redirect"]).group(1))
    wait_for(lambda: _state(session, job_id).state == "done", timeout=60, every=0.1)
    landed = client.get(f"/jobs/{job_id}", follow_redirects=True)
    assert landed.request.path == path and "Re-aligned links 1–18" in landed.get_data(as_text=True)
    session.expire_all()
    assert [c.op for c in session.scalars(select(AlignmentChange).order_by(AlignmentChange.id))] == ["realign"] * 2


@pytest.mark.parametrize("path, name", [("export/tmx", "{title}.zh-en.tmx"),
                                        ("report.json", "{title}.report.json")])
def test_exports_of_a_long_document_are_jobs_with_the_file_kept(client, auth, session, demo_doc, monkeypatch,
                                                                 path, name):
    from app.services import background

    auth.login("rita")
    inline = client.get(f"/documents/{demo_doc}/{path}")
    assert inline.status_code == 200 and "attachment" in inline.headers["Content-Disposition"]
    monkeypatch.setattr(background, "EXPORT_INLINE_LINKS", 5)  # the demo's 18 links make a long document
    job_id = _job_id(client.get(f"/documents/{demo_doc}/{path}"))
    assert client.get(f"/jobs/{job_id}/download").status_code in (200, 400)  # 400 until it is done
    wait_for(lambda: _state(session, job_id).state == "done", timeout=60, every=0.1)
    page = client.get(f"/jobs/{job_id}")  # a file: the page stays and offers it
    assert page.status_code == 200 and f'href="/jobs/{job_id}/download" download' in page.get_data(as_text=True)
    fragment = client.get(f"/jobs/{job_id}/progress", headers={"HX-Request": "true"})
    assert "HX-Redirect" not in fragment.headers and "hx-trigger" not in fragment.get_data(as_text=True)
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == inline.mimetype
    if path.startswith("report"):
        import json

        assert json.loads(download.data) == json.loads(inline.data)
    else:
        assert download.data == inline.data
    def filename(response):  # the UTF-8 name; the plain one is ASCII, document-<id> for the demo's CJK title
        header = response.headers["Content-Disposition"]
        assert f'filename="document-{demo_doc}.' in header
        return unquote(re.search(r"filename\*=UTF-8''(\S+)", header).group(1))

    title = "最高检党组召开扩大会议 (12 March 2024)"
    assert filename(download) == filename(inline) == name.format(title=title)
