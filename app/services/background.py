"""Long work as jobs (issue 13): the job kinds the services register, and the submits the web and CLI share.

Each kind wraps a service function; it runs inside the job's one transaction (committed with *done*, or
rolled back when it raises). Uploaded files travel in ``job_files`` (a worker on another machine cannot
read this one's disk) and are deleted when the job ends. A submit checks what is cheap to check (the
user's right to import into the project) at once, so a refusal needs no job.

Kinds: ``mt-backcheck`` (machine-translate every Chinese paragraph of a document not yet in the MT cache, then
the back-check), ``import`` (a pair of files or one bilingual file), ``new-version`` (a document's new English),
``realign`` (a long stretch of links, or to the end), ``export`` (a long document's export or report
download, kept in ``job_files`` as the job's result), ``glossary-import`` (a project's glossary from CSV/TBX).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app import jobs, mt
from app.errors import InputError, NotFound
from app.formats.registry import for_filename
from app.services import glossary as terms
from app.services import mt as mt_service
from app.services import realign
from app.services.auth import ensure_admin, require
from app.services.exports import DOWNLOADS, EXPORT_NAMES, export_document, export_log
from app.services.imports import MAX_PARAGRAPH_CHARS, Upload, import_bitext, import_files, is_bitext, read_bitext
from app.services.links import DEFAULT_ALIGNER
from app.services.projects import document_stats
from app.services.versions import import_new_version
from app.storage import access, queries
from app.storage import jobs as store
from app.storage.models import Job, Link, Project, User

IMPORT_STEPS = {"decoding": 1, "splitting": 1, "encoding": 4, "aligning": 3, "storing": 1}
PAIR_ROLES = ("zh", "en")


def _user(session: Session, job: Job) -> User | None:
    """Who submitted the job; None for the command line (which the machine trusts)."""
    return session.get(User, job.user_id) if job.user_id is not None else None


def _uploads(session: Session, job: Job) -> list[Upload]:
    return [Upload(f.filename, f.data) for f in store.files_of(session, job.id)]


# -- import ---------------------------------------------------------------------------------------

@jobs.register("import", steps=IMPORT_STEPS)
def import_job(session: Session, job: Job, progress, *, project: str, title: str | None = None,
               format_name: str | None = None, aligner: str = DEFAULT_ALIGNER,
               max_chars: int = MAX_PARAGRAPH_CHARS, files: list[str] | None = None, bilingual: bool = False) -> dict:
    """Import a pair of files (aligned) or one bilingual file (its alignment kept); ``bilingual``: the file
    was given as bilingual (the web's bilingual form), else one file or two as ``import_files`` takes them."""
    uploads = _uploads(session, job)
    user = _user(session, job)
    bilingual = bilingual or (len(uploads) == 1 and is_bitext(uploads[0].filename, format_name))
    if bilingual and len(uploads) == 1:
        progress("decoding")
        read_bitext(uploads[0], format_name, max_chars)  # a bad file fails here, before anything is stored
        progress("storing")
        doc = import_bitext(session, project, uploads[0], user, title, format_name, max_chars)
    else:
        doc = import_files(session, project, uploads, user, title, format_name, aligner, max_chars, progress=progress)
    progress("storing", 1.0)
    links = document_stats(session, doc.id)["links"]
    how = f"{links} links as given in {uploads[0].filename}" if bilingual else f"{links} linked paragraphs"
    return {"result_id": doc.id, "project_id": doc.project_id, "summary": f"Imported “{doc.title}”: {how}."}


def submit_import(queue: jobs.JobQueue, session: Session, project: str, uploads: list[Upload], user: User | None,
                  *, title: str | None = None, format_name: str | None = None, aligner: str = DEFAULT_ALIGNER,
                  max_chars: int = MAX_PARAGRAPH_CHARS, bilingual: bool = False, dedupe: bool = True,
                  send: bool = True) -> tuple[Job, bool]:
    """Queue an import (or join the same one: the same user, project, title and files within the dedupe
    window); the caller commits. Refuses at once a user who may not import into ``project``."""
    name = (project or "").strip()
    if not name or len(name) > 200:
        raise InputError("project name: 1–200 characters")
    existing = queries.project_by_name(session, name)
    if user is not None:
        require(user, "create-project" if existing is None else "import", existing.id if existing else None)
    params = {"project": name, "title": title or None, "format_name": format_name or None, "aligner": aligner,
              "max_chars": int(max_chars), "files": [u.filename for u in uploads],
              "bilingual": bool(bilingual)}
    key = None
    if dedupe:
        key = jobs.content_key("import", user.id if user else "", name, title or "", format_name or "", bilingual,
                               *(part for u in uploads for part in (u.filename, u.data)))
    job, created = queue.submit(session, "import", project_id=existing.id if existing else None,
                                user_id=user.id if user else None, params=params, dedupe_key=key, send=send)
    if created:
        roles = ("file",) if len(uploads) == 1 else PAIR_ROLES if len(uploads) == 2 else ()
        for i, upload in enumerate(uploads):
            store.add_file(session, job.id, roles[i] if i < len(roles) else f"file{i}", upload.filename, upload.data)
    return job, created


# -- a new English version ------------------------------------------------------------------------

@jobs.register("new-version", steps={"decoding": 1, "aligning": 3, "storing": 1})
def new_version_job(session: Session, job: Job, progress, *, document_id: int, method: str = DEFAULT_ALIGNER,
                    reason: str = "", max_chars: int = MAX_PARAGRAPH_CHARS) -> dict:
    """Replace a document's English by a new version; unchanged paragraphs keep their history."""
    (upload,) = _uploads(session, job)
    progress("decoding")
    progress("aligning")
    result = import_new_version(session, document_id, upload, _user(session, job), method=method, reason=reason,
                                max_chars=max_chars)
    progress("storing", 1.0)
    return {"result_id": document_id, "summary": result.message()}


def submit_new_version(queue: jobs.JobQueue, session: Session, document_id: int, upload: Upload, user: User | None,
                       *, method: str = DEFAULT_ALIGNER, reason: str = "", max_chars: int = MAX_PARAGRAPH_CHARS,
                       dedupe: bool = True, send: bool = True) -> tuple[Job, bool]:
    """Queue a new English version of a document (or join the same submit); the caller commits."""
    project_id = access.project_of(session, "document", document_id)
    if project_id is None:
        raise NotFound(f"document {document_id} does not exist")
    if user is not None:
        require(user, "import", project_id)
    key = jobs.content_key("new-version", user.id if user else "", document_id, method, reason, upload.filename,
                           upload.data) if dedupe else None
    job, created = queue.submit(session, "new-version", project_id=project_id, user_id=user.id if user else None,
                                params={"document_id": document_id, "method": method, "reason": reason,
                                        "max_chars": int(max_chars)}, dedupe_key=key, send=send)
    if created:
        store.add_file(session, job.id, "en", upload.filename, upload.data)
    return job, created


# -- re-align ------------------------------------------------------------------------------------

REALIGN_INLINE_LINKS = 50  # a re-alignment of a longer stretch (or to the end of the document) is a job


def realign_stretch(session: Session, document_id: int, link_id: int | None, last_id: int | None) -> int | None:
    """How many links a re-alignment from ``link_id`` to ``last_id`` (None: to the end) covers; None when
    a link is not in the document (the re-alignment itself then says so)."""
    first = session.get(Link, link_id) if link_id is not None else None
    last = session.get(Link, last_id) if last_id is not None else None
    if first is None or first.document_id != document_id or (last_id is not None and (
            last is None or last.document_id != document_id)):
        return None
    if last is None:
        return queries.count_links(session, document_id) - first.position
    return abs(last.position - first.position) + 1


def is_long_realign(session: Session, document_id: int, link_id: int | None, last_id: int | None) -> bool:
    size = realign_stretch(session, document_id, link_id, last_id)
    return size is not None and size > REALIGN_INLINE_LINKS


@jobs.register("realign", steps={"aligning": 4, "storing": 1})
def realign_job(session: Session, job: Job, progress, *, document_id: int, link_id: int, last_id: int | None = None,
                method: str = DEFAULT_ALIGNER, reason: str = "") -> dict:
    """Re-run the aligner over a stretch of a document's links; manual links stay as they are."""
    progress("aligning")
    change = realign.realign(session, document_id, link_id, _user(session, job), last_id, method, reason)
    progress("storing", 1.0)
    return {"result_id": document_id, "focus": realign.first_link_number(session, change),
            "summary": change.summary[:1].upper() + change.summary[1:] + "."}


def submit_realign(queue: jobs.JobQueue, session: Session, document_id: int, link_id: int | None,
                   last_id: int | None, user: User | None, *, method: str = DEFAULT_ALIGNER, reason: str = "",
                   send: bool = True) -> tuple[Job, bool]:
    """Queue a re-alignment (a second submit of the same stretch joins it); the caller commits."""
    project_id = access.project_of(session, "document", document_id)
    if project_id is None:
        raise NotFound(f"document {document_id} does not exist")
    require(user, "align", project_id)
    if link_id is None:
        raise InputError("no link was selected")
    key = jobs.content_key("realign", user.id if user else "", document_id, link_id, last_id, method, reason)
    return queue.submit(session, "realign", project_id=project_id, user_id=user.id if user else None,
                        params={"document_id": document_id, "link_id": link_id, "last_id": last_id, "method": method,
                                "reason": reason}, dedupe_key=key, send=send)


# -- exports and report downloads of long documents -------------------------------------------------

EXPORT_INLINE_LINKS = 2000  # the web exports a document with more links than this as a job


def is_large_document(session: Session, document_id: int) -> bool:
    return queries.count_links(session, document_id) > EXPORT_INLINE_LINKS


@jobs.register("export", steps={"exporting": 4, "storing": 1})
def export_job(session: Session, job: Job, progress, *, document_id: int, fmt: str, weights: dict | None = None,
               threshold: float | None = None) -> dict:
    """Write a document in an export format, or one of its logs or report downloads, kept with the job."""
    progress("exporting")
    if fmt in DOWNLOADS:
        out = export_log(session, document_id, fmt, weights, threshold)
    else:
        out = export_document(session, document_id, fmt)
    progress("storing")
    name = out.filename  # as the web's export route names it
    row = store.add_file(session, job.id, store.RESULT_ROLE, name, out.data, out.mimetype)
    return {"result_id": row.id, "document_id": document_id, "filename": name, "ascii_filename": out.ascii_filename,
            "bytes": len(out.data), "summary": f"Exported {name} ({len(out.data):,} bytes)."}


def submit_export(queue: jobs.JobQueue, session: Session, document_id: int, fmt: str, user: User | None, *,
                  weights: dict | None = None, threshold: float | None = None, send: bool = True) -> Job:
    """Queue an export of a document (each submit its own file: the document may change meanwhile)."""
    project_id = access.project_of(session, "document", document_id)
    if project_id is None:
        raise NotFound(f"document {document_id} does not exist")
    if fmt not in EXPORT_NAMES:
        raise InputError(f"unknown export format {fmt!r}; known: {', '.join(EXPORT_NAMES)}")
    job, _ = queue.submit(session, "export", project_id=project_id, user_id=user.id if user else None,
                          params={"document_id": document_id, "fmt": fmt, "weights": weights, "threshold": threshold},
                          send=send)
    return job


def job_result_ascii_name(job: Job) -> str:
    """The ASCII stand-in of an export job's file name ("" for jobs that did not record one)."""
    return store.result_of(job).get("ascii_filename", "")


def job_result_file(session: Session, job: Job):
    """The file an export job wrote; None when there is none (not done yet, or another kind of job)."""
    files = store.files_of(session, job.id, store.RESULT_ROLE)
    return files[0] if files and job.state == "done" else None


# -- a glossary ------------------------------------------------------------------------------------

@jobs.register("glossary-import", steps={"decoding": 1, "storing": 3})
def glossary_import_job(session: Session, job: Job, progress, *, project_id: int) -> dict:
    """Add the entries of a CSV or TBX file to a project's glossary; entries already there are skipped."""
    (upload,) = _uploads(session, job)
    progress("decoding")
    entries = for_filename(upload.filename, "glossary").read(upload.data, upload.filename)
    progress("storing")
    project = queries.get_or_404(session, Project, project_id, "project")
    user = _user(session, job)
    if user is None:  # the command line: the entries are recorded as the first admin's
        user, _ = ensure_admin(session)
    added = terms.import_entries(session, project, entries, user, upload.filename)
    progress("storing", 1.0)
    return {"result_id": project_id, "added": added, "skipped": len(entries) - added,
            "summary": f"Imported {added} new entries from {upload.filename} ({len(entries) - added} already present)."}


def submit_glossary_import(queue: jobs.JobQueue, session: Session, project: Project, upload: Upload,
                           user: User | None, *, dedupe: bool = True, send: bool = True) -> tuple[Job, bool]:
    """Queue a glossary import into ``project`` (or join the same submit); the caller commits."""
    if user is not None:
        require(user, "approve", project.id)
    for_filename(upload.filename, "glossary")  # an unknown extension is refused at once
    key = jobs.content_key("glossary-import", user.id if user else "", project.id, upload.filename,
                           upload.data) if dedupe else None
    job, created = queue.submit(session, "glossary-import", project_id=project.id, user_id=user.id if user else None,
                                params={"project_id": project.id}, dedupe_key=key, send=send)
    if created:
        store.add_file(session, job.id, "file", upload.filename, upload.data)
    return job, created


# -- MT back-check ---------------------------------------------------------------------------------

@jobs.register("mt-backcheck", steps={"translating": 9, "checking": 1})
def mt_backcheck_job(session: Session, job: Job, progress, *, document_id: int) -> dict:
    """Translate the document's uncached Chinese paragraphs (cached in ``mt_cache``), then run the back-check."""
    translated = mt_service.translate_document(session, document_id, progress)
    progress("checking")
    result = mt_service.document_backcheck(session, document_id)
    return {"result_id": document_id, "summary": f"Translated {translated} paragraphs; {len(result.findings)} "
            "links far below the document's median."}


def submit_mt_backcheck(queue: jobs.JobQueue, session: Session, document_id: int, user: User | None, *,
                        dedupe: bool = True, send: bool = True) -> tuple[Job, bool]:
    """Queue the MT back-check of a document (or join the running one); the caller commits. Refused at once
    when no zh→en model is installed."""
    project_id = access.project_of(session, "document", document_id)
    if project_id is None:
        raise NotFound(f"document {document_id} does not exist")
    if user is not None:
        require(user, "view", project_id)
    avail = mt.availability()
    if not avail:
        raise InputError(avail.reason)
    key = jobs.content_key("mt-backcheck", document_id, avail.model_id) if dedupe else None
    return queue.submit(session, "mt-backcheck", project_id=project_id, user_id=user.id if user else None,
                        params={"document_id": document_id}, dedupe_key=key, send=send)
