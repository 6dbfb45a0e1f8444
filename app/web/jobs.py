"""Jobs (issue 13): the page a long action answers with at once, its progress fragment (polled by htmx),
and the list of recent jobs. One JobQueue per application, in ``app.extensions["duizhao.queue"]``."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app import jobs
from app.errors import InputError
from app.services import background
from app.storage import access
from app.storage import jobs as store
from app.storage.models import Job
from app.web.db import get_session
from app.web.helpers import attachment, is_htmx

bp = Blueprint("jobs", __name__)

# Where a finished job leads: its kind → a function of the job giving the URL of its result.
RESULTS = {
    "import": lambda job: url_for("review.document", doc_id=job.result_id),
    "new-version": lambda job: url_for("alignment.view", doc_id=job.result_id),
    "glossary-import": lambda job: url_for("glossary.index", project_id=job.result_id),
    "realign": lambda job: _focused(job),
    "export": lambda job: url_for("jobs.download", job_id=job.id),
    "mt-backcheck": lambda job: url_for("mt.backcheck", doc_id=job.result_id),
}
# Kinds whose result is a file: their page stays and offers the download instead of leading away.
DOWNLOADS = {"export"}
# Where to try again after a failure.
RETRY = {
    "import": lambda job: url_for("projects.import_files"),
    "new-version": lambda job: url_for("alignment.view", doc_id=store.params_of(job)["document_id"]),
    "glossary-import": lambda job: url_for("glossary.index", project_id=job.project_id),
    "realign": lambda job: url_for("alignment.view", doc_id=store.params_of(job)["document_id"]),
    "export": lambda job: url_for("review.document", doc_id=store.params_of(job)["document_id"]),
    "mt-backcheck": lambda job: url_for("mt.backcheck", doc_id=store.params_of(job)["document_id"]),
}
KIND_NAMES = {"import": "Import", "new-version": "New English version", "glossary-import": "Glossary import",
              "realign": "Re-alignment", "export": "Export", "mt-backcheck": "MT back-check"}


def _focused(job: Job) -> str:
    """The alignment page at the first re-aligned link."""
    focus = store.result_of(job).get("focus")
    if not focus:
        return url_for("alignment.view", doc_id=job.result_id)
    return url_for("alignment.view", doc_id=job.result_id, focus=focus) + f"#link-{focus}"


def init_app(app: Flask) -> None:
    """One job queue for the application (the server starts its consumer: app/serve.py)."""
    app.extensions["duizhao.queue"] = jobs.JobQueue(app.config, make_session=app.extensions["duizhao.sessionmaker"])


def queue() -> jobs.JobQueue:
    return current_app.extensions["duizhao.queue"]


def result_url(job: Job) -> str | None:
    if job.state != "done" or job.result_id is None or job.kind not in RESULTS:
        return None
    return RESULTS[job.kind](job)


def view(job: Job) -> dict:
    """What the page and the fragment show: percent, the kind's steps with the current one, the message."""
    kind = jobs.KINDS.get(job.kind)
    steps = list(kind.weights) if kind else []
    current = steps.index(job.step) if job.step in steps else (len(steps) if job.state == "done" else -1)
    return {"job": job, "percent": round(100 * (job.progress or 0.0)), "steps": steps, "current": current,
            "name": KIND_NAMES.get(job.kind, job.kind), "result_url": result_url(job),
            "retry_url": RETRY[job.kind](job) if job.kind in RETRY else url_for("projects.index")}


def _summary(job: Job) -> str:
    return store.result_of(job).get("summary", "")


def _get(job_id: int) -> Job:
    session = get_session()
    job = store.get_job(session, job_id)
    session.refresh(job)  # progress is written by the worker in transactions of its own
    return job


@bp.route("/jobs/<int:job_id>")
def show(job_id: int):
    """The job's page: a progress bar and its steps while it runs; its result once it is done."""
    job = _get(job_id)
    target = result_url(job)
    if target and job.kind not in DOWNLOADS:
        if _summary(job):
            flash(_summary(job), "info")
        return redirect(target)
    return render_template("jobs/show.html", **view(job))


@bp.route("/jobs/<int:job_id>/progress")
def progress(job_id: int):
    """The progress fragment; once the job is done, htmx is sent on to its result (HX-Redirect)."""
    job = _get(job_id)
    target = result_url(job)
    if target and is_htmx() and job.kind not in DOWNLOADS:
        if _summary(job):
            flash(_summary(job), "info")
        return Response(render_template("jobs/_progress.html", **view(job)), headers={"HX-Redirect": target})
    return render_template("jobs/_progress.html", **view(job))


@bp.route("/jobs/<int:job_id>/download")
def download(job_id: int):
    """The file an export job wrote."""
    job = _get(job_id)
    row = background.job_result_file(get_session(), job)
    if row is None:
        raise InputError(f"job {job.id} has no file to download ({job.state})")
    return Response(row.data, mimetype=row.mimetype or "application/octet-stream",
                    headers=attachment(row.filename, background.job_result_ascii_name(job)))


def submit_export(doc_id: int, fmt: str, weights=None, threshold=None):
    """Queue the export of a long document and go to its job page (which offers the file when done)."""
    session = get_session()
    job = background.submit_export(queue(), session, doc_id, fmt, current_user, weights=weights, threshold=threshold)
    session.commit()
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/jobs")
def index():
    """The newest jobs of the user's projects (and the user's own jobs that have no project yet)."""
    session = get_session()
    ids = access.visible_project_ids(session, current_user)
    rows = store.recent_jobs(session, ids, limit=100, user_id=current_user.id)
    return render_template("jobs/index.html", jobs=[view(j) for j in rows])
