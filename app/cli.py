"""The `duizhao` command: thin click commands over services and the engine."""

from __future__ import annotations

import contextlib
import json as jsonlib
import sys
from pathlib import Path

import click
from sqlalchemy.engine import make_url
from werkzeug.security import check_password_hash

from app import config as settings
from app import jobs, mt, services
from app.alignment.api import ALIGNERS, LEVELS, align_texts, signature
from app.alignment.gale_church import align_lengths
from app.checks.mt import check_mt
from app.checks.runner import check_texts, findings_to_csv, findings_to_json, findings_to_text, reaches
from app.config import mqm_weights
from app.errors import AppError, InputError
from app.formats.registry import FORMATS, for_filename
from app.model import Severity
from app.segmentation import split_paragraphs
from app.services import Upload, background, exports
from app.services import glossary as terms
from app.services.exports import EXPORT_NAMES, GLOSSARY_FORMATS
from app.services.search import replace_all
from app.storage import access, queries
from app.storage import jobs as job_store
from app.storage.db import make_engine, make_sessionmaker, require_current, upgrade
from app.storage.models import PROJECT_ROLES, ROLES, Document, Project
from app.textio import decode_bytes

ROOT = Path(__file__).resolve().parent.parent


class AppGroup(click.Group):
    """A click group that turns every AppError into a one-line message and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AppError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            ctx.exit(2)


@click.group(cls=AppGroup)
@click.pass_context
def cli(ctx):
    """duizhao: review Chinese→English translations side by side."""
    ctx.obj = settings.load()  # every setting, read once for the command


def conf() -> dict:
    """The settings of the running command."""
    return click.get_current_context().find_root().obj


class Store:
    """The database for one command: an engine and a session the command commits."""

    def __init__(self, migrate: bool = False):
        self.url = conf()["DATABASE_URL"]
        if self.url.startswith("sqlite:///"):
            Path(self.url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(self.url)
        if migrate:
            upgrade(self.engine)
        else:
            require_current(self.engine)
        self.session = make_sessionmaker(self.engine)()

    def __enter__(self):
        return self.session

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self.session.commit()
        else:
            self.session.rollback()
        self.session.close()
        self.engine.dispose()


def run_job(store: Store, label: str, submit):
    """Run a job in the foreground with a progress bar on stderr, so scripts see no change: ``submit(queue)``
    adds the job (not sent to any queue), which runs here; returns the done job, or raises its error."""
    queue = jobs.JobQueue(conf(), make_session=make_sessionmaker(store.engine))
    job, _ = submit(queue)
    store.session.commit()
    shown = {"percent": 0}
    # On a terminal only: a script reading stderr sees what it saw before jobs (the one-line error).
    bar = click.progressbar(length=100, label=label, file=sys.stderr) if sys.stderr.isatty() else None
    with bar if bar is not None else contextlib.nullcontext():
        def on_progress(step: str, fraction: float) -> None:
            percent = int(100 * fraction)
            if bar is not None and percent > shown["percent"]:
                bar.label = f"{label}: {step}"
                bar.update(percent - shown["percent"])
                shown["percent"] = percent

        queue.run_here(job.id, on_progress=on_progress)
    store.session.expire_all()
    job = job_store.get_job(store.session, job.id)
    if job.state != "done":
        raise InputError(job.message or f"job {job.id} did not finish ({job.state})")
    return job


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None


@cli.command("init-db")
def init_db():
    """Create or migrate the database to the newest schema."""
    with Store(migrate=True) as _session:
        pass
    click.echo(f"Database ready: {_display_url(conf()['DATABASE_URL'])}")


def _display_url(url: str) -> str:

    return make_url(url).render_as_string(hide_password=True)


@cli.group("user", cls=AppGroup)
def user_group():
    """Manage users."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="reviewer", show_default=True)
@click.option("--password", envvar="DUIZHAO_NEW_PASSWORD", help="Password; generated and printed when omitted.")
@click.option("--project", "projects", multiple=True, metavar="NAME",
              help="Make the user a member of this existing project, with the same role (repeatable).")
def user_add(name, role, password, projects):
    """Add a user NAME with a role; admins see every project, others only those they are members of."""
    with Store() as session:
        user, pw = services.create_user(session, name, role, password)
        for project_name in projects:
            if role != "admin":
                services.add_member(session, _project(session, project_name), user, role)
    member = f" Member of {', '.join(projects)}." if projects and role != "admin" else ""
    click.echo(f"Added {user.username} ({user.role}).{member}" + ("" if password else f" Password: {pw}"))


def _user(session, name: str):
    return _existing(queries.user_by_name(session, name), f"user {name!r}")


def _existing(obj, what: str):
    """``obj``, or an InputError saying that ``what`` does not exist."""
    if obj is None:
        raise InputError(f"{what} does not exist")
    return obj


@user_group.command("reset")
@click.argument("name")
def user_reset(name):
    """Give user NAME a new generated password (printed once); their sessions end."""
    with Store() as session:
        password = services.reset_password(session, _user(session, name))
    click.echo(f"New password for {name}: {password}. Their sessions have ended.")


@user_group.command("deactivate")
@click.argument("name")
def user_deactivate(name):
    """Refuse user NAME's logins and end their sessions (nothing they did is removed)."""
    _set_active(name, False, "deactivated; their sessions have ended")


@user_group.command("activate")
@click.argument("name")
def user_activate(name):
    """Let user NAME log in again."""
    _set_active(name, True, "active again")


def _set_active(name: str, active: bool, said: str) -> None:
    with Store() as session:
        services.set_active(session, _user(session, name), active)
    click.echo(f"{name} is {said}.")


@cli.group("project", cls=AppGroup)
def project_group():
    """Manage project membership."""


@project_group.command("add-member")
@click.argument("project")
@click.argument("username")
@click.option("--role", type=click.Choice(PROJECT_ROLES), required=True, help="The user's role in the project.")
def project_add_member(project, username, role):
    """Make USERNAME a member of PROJECT with a role (or change their role)."""
    with Store() as session:
        services.add_member(session, _project(session, project), _user(session, username), role)
    click.echo(f"{username} is a {role} in {project}.")


@project_group.command("members")
@click.argument("project")
def project_members(project):
    """List the members of PROJECT with their roles."""
    with Store() as session:
        for member in access.project_members(session, _project(session, project).id):
            click.echo(f"{member.user.username}\t{member.role}")


@user_group.command("list")
def user_list():
    """List users and their roles."""
    with Store() as session:
        for user in queries.list_users(session):
            click.echo(f"{user.username}\t{user.role}\t{'active' if user.active else 'inactive'}")


IMPORT_FORMATS = [name for name, cls in FORMATS.items() if cls.kind in ("document", "bitext")]


@cli.command("import")
@click.argument("zh_file")
@click.argument("en_file", required=False)
@click.option("--project", required=True, help="Project name; created when new.")
@click.option("--title", help="Document title; defaults to the first Chinese paragraph.")
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS),
              help="File format; by default chosen by the file extension.")
def import_cmd(zh_file, en_file, project, title, fmt):
    """Import a Chinese source ZH_FILE and its English rendering EN_FILE (.txt, .docx, .html), or ONE
    bilingual file (.tmx, .xliff/.xlf, .csv, .tsv, .xlsx) whose alignment is kept as given."""

    uploads = [services.Upload(name, _read(name)) for name in (zh_file, en_file) if name]
    store = Store()
    with store as session:
        job = run_job(store, "Importing", lambda queue: background.submit_import(
            queue, session, project, uploads, None, title=title, format_name=fmt, aligner=conf()["ALIGN_METHOD"],
            max_chars=conf()["MAX_PARAGRAPH_CHARS"], dedupe=False, send=False))
        doc = session.get(Document, job.result_id)
        stats = services.document_stats(session, doc.id)
    click.echo(f"Imported document {doc.id} “{doc.title}” into {project}: {stats['links']} links.")


@cli.command("export")
@click.argument("document", type=int)
@click.option("--format", "fmt", type=click.Choice(EXPORT_NAMES), default="txt", show_default=True)
@click.option("-o", "--output", type=click.Path(writable=True),
              help="File to write, or a directory to write the file into under its own name "
                   "(<title>.zh-en.tmx, <title>.report.json…); stdout if omitted.")
def export_cmd(document, fmt, output):
    """Export DOCUMENT (its id): the corrected English (txt, docx, html), both sides (tmx, xliff, xliff2,
    csv, tsv, xlsx with statuses and open findings), the project glossary (tbx, tbx3, glossary-csv), the
    revision log (revisions-csv), the alignment log (alignment-csv) or the review report (report-json,
    report-csv)."""

    with Store() as session:
        if fmt in exports.DOWNLOADS:
            out = exports.export_log(session, document, fmt, mqm_weights(conf()["MQM_WEIGHTS"]),
                                     conf()["MQM_THRESHOLD"])
        else:
            out = exports.export_document(session, document, fmt)
    _write(out, output, f"{len(out.data)} bytes")


def _write(out: exports.Export, output: str | None, what: str) -> None:
    """An export to stdout, to the file ``output``, or into the directory ``output`` under its own name."""
    if not output:
        sys.stdout.buffer.write(out.data)
        return
    path = Path(output) / out.filename if Path(output).is_dir() else Path(output)
    path.write_bytes(out.data)
    click.echo(f"Wrote {path} ({what}).", err=True)


@cli.command("demo")
def demo():
    """Migrate the database, create the first admin and load the demo project once."""
    password_file = conf()["INSTANCE"] / "admin-password"
    chosen = conf()["ADMIN_PASSWORD"] or None
    with Store(migrate=True) as session:
        admin, new_password = services.ensure_admin(session, chosen)
        project, created = services.ensure_demo(session, ROOT / "corpus", ROOT / "glossary", admin,
                                                aligner=conf()["ALIGN_METHOD"])
    if new_password and not chosen:
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text(new_password + "\n")
        password_file.chmod(0o600)
    click.echo(("Loaded" if created else "Reusing") + f" the demo project “{project.name}”.")
    click.echo(f"Login: {admin.username} / {_admin_password_hint(admin, new_password, password_file)}")


def _admin_password_hint(admin, new_password, password_file: Path) -> str:

    if new_password:
        return new_password
    if conf()["ADMIN_PASSWORD"]:
        return "(the password in DUIZHAO_ADMIN_PASSWORD)"
    if password_file.exists():
        saved = password_file.read_text().strip()
        if check_password_hash(admin.password_hash, saved):
            return saved
    return "(the password you set; it was printed when the database was created)"


@cli.command("check")
@click.argument("zh_file", type=click.Path(dir_okay=False))
@click.argument("en_file", type=click.Path(dir_okay=False))
@click.option("--glossary", "glossaries", multiple=True, type=click.Path(dir_okay=False),
              help="Glossary CSV (glossary/README.md) or TBX; repeat for several.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "text"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(Severity.ordered()), default=None,
              help="Exit 1 when a finding is at least this severe.")
def check_cmd(zh_file, en_file, glossaries, fmt, fail_on):
    """Align ZH_FILE and EN_FILE by paragraph and run every QA check; no database needed."""
    entries = []
    for path in glossaries:
        entries.extend(for_filename(path, "glossary").read(_read(path), path))
    zh_text = decode_bytes(_read(zh_file), zh_file)
    en_text = decode_bytes(_read(en_file), en_file)
    findings = check_texts(zh_text, en_text, entries)
    render = {"json": findings_to_json, "csv": findings_to_csv, "text": findings_to_text}[fmt]
    out = render(findings)
    click.echo(out, nl=not out.endswith("\n"))
    if fail_on and reaches(findings, fail_on):
        click.get_current_context().exit(1)


@cli.group("glossary", cls=AppGroup)
def glossary_group():
    """Import and export a project's glossary (CSV, TBX 2008, TBX v3)."""


@glossary_group.command("import")
@click.argument("project")
@click.argument("file", type=click.Path(dir_okay=False))
def glossary_import(project, file):
    """Add the entries of FILE (.csv or .tbx) to PROJECT's glossary; entries already there are skipped."""
    upload = Upload(Path(file).name, _read(file))
    store = Store()
    with store as session:
        proj = _project(session, project)
        job = run_job(store, "Importing the glossary", lambda queue: background.submit_glossary_import(
            queue, session, proj, upload, None, dedupe=False, send=False))
        result = job_store.result_of(job)
    click.echo(f"Imported {result['added']} new entries into {project} ({result['skipped']} already present).")


@glossary_group.command("export")
@click.argument("project")
@click.option("--format", "fmt", type=click.Choice(list(GLOSSARY_FORMATS)), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(writable=True),
              help="File, or a directory to write <project>.tbx2008.tbx (…) into; stdout if omitted.")
def glossary_export(project, fmt, output):
    """Write PROJECT's glossary (every entry, with its status)."""
    with Store() as session:
        proj = _project(session, project)
        out = exports.glossary_export(session, proj, fmt)
        glossary = terms.project_glossary(session, proj)
        entries = glossary.terms if glossary else []
    _write(out, output, f"{len(entries)} entries")


def _project(session, name: str):
    return _existing(queries.project_by_name(session, name), f"project {name!r}")


@cli.command("import-version")
@click.argument("document", type=int)
@click.argument("en_file")
@click.option("--user", "username", default="admin", show_default=True,
              help="Who imports it (a reviewer or admin); recorded in the alignment history.")
@click.option("--method", type=click.Choice(list(ALIGNERS)), default=None,
              help="Aligner for the changed stretches (default: the ALIGN_METHOD setting).")
@click.option("--reason", default="", help="Why; recorded in the alignment history.")
def import_version_cmd(document, en_file, username, method, reason):
    """Import a new English version EN_FILE of DOCUMENT (its id); unchanged paragraphs keep their history."""
    upload_data = _read(en_file)
    store = Store()
    with store as session:
        user = _user(session, username)
        job = run_job(store, "Importing the new version", lambda queue: background.submit_new_version(
            queue, session, document, Upload(en_file, upload_data), user, method=method or conf()["ALIGN_METHOD"],
            reason=reason, max_chars=conf()["MAX_PARAGRAPH_CHARS"], dedupe=False, send=False))
        summary = job_store.result_of(job)["summary"]
    click.echo(f"Document {document}: {summary}")


@cli.command("replace")
@click.argument("document", type=int)
@click.argument("pattern")
@click.argument("replacement")
@click.option("--regex", is_flag=True, help="PATTERN is a regular expression (REPLACEMENT may use \\1, \\g<name>).")
@click.option("--case", is_flag=True, help="Match case.")
@click.option("--words", is_flag=True, help="Whole words only.")
@click.option("--exact", is_flag=True, help="Replace as typed: no fitting of articles, repeated words and capitals.")
@click.option("--user", "username", default="admin", show_default=True,
              help="Who makes the change (allowed to edit in the document's project); the revisions' author.")
@click.option("--reason", default="", help="Why; recorded with each revision.")
@click.option("--dry-run", is_flag=True, help="Count what would change; change nothing.")
def replace_cmd(document, pattern, replacement, regex, case, words, exact, username, reason, dry_run):
    """Search and replace in DOCUMENT's English, as the review page's search and replace does: one revision per
    changed paragraph, inline codes untouched, locked segments left alone; each replacement fitted to the words
    around it, with its grammar warnings printed."""
    with Store() as session:
        user = queries.user_by_name(session, username)
        if user is None:
            raise InputError(f"user {username!r} does not exist")
        result = replace_all(session, document, pattern, replacement, user, regex=regex, case=case,
                             whole_word=words, reason=reason, dry_run=dry_run, fit=not exact)
        row_of = queries.english_row_numbers(session, document)
        if dry_run:
            session.rollback()
    for hit in result.hits:
        for note in hit.warnings:
            click.echo(f"row {row_of.get(hit.segment_id, '?')}: ⚠ {note.kind}: {note.text} "
                       f"(“{hit.removed}” → “{hit.replacement}”)")
    warned = sum(1 for h in result.hits if h.warnings)
    verb = "would change" if dry_run else "changed"
    click.echo(f"Document {document}: {len(result.hits)} hits; {verb} {result.paragraphs} paragraphs"
               + (f"; {warned} hits with a grammar warning." if warned else "."))


@cli.command("mt")
@click.argument("zh_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File; stdout if omitted.")
@click.option("--en", "en_file", type=click.Path(dir_okay=False),
              help="The human English: align by length and print the MT back-check (mt.divergent) findings.")
def mt_cmd(zh_file, output, en_file):
    """Machine-translate ZH_FILE paragraph by paragraph (needs the mt extra and a zh→en Argos model)."""
    avail = mt.availability()
    if not avail:
        raise mt.MTUnavailable(avail.reason)
    zh = split_paragraphs(decode_bytes(_read(zh_file), zh_file))
    if not zh:
        raise InputError(f"{zh_file}: no paragraphs to translate")
    translations = mt.translate(zh)
    text = "".join(t.replace("\n", " ") + "\n" for t in translations)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    elif not en_file:
        click.echo(text, nl=False)
    if en_file:
        en = split_paragraphs(decode_bytes(_read(en_file), en_file))
        out = findings_to_text(check_mt(zh, en, align_lengths(zh, en), translations))
        click.echo(out, nl=not out.endswith("\n"))


@cli.command("align")
@click.argument("zh_file", type=click.Path(dir_okay=False))
@click.argument("en_file", type=click.Path(dir_okay=False))
@click.option("--presplit", is_flag=True, help="Each input line is one segment; no further splitting.")
@click.option("--level", type=click.Choice(LEVELS), default="paragraph", show_default=True)
@click.option("--method", type=click.Choice(list(ALIGNERS)), default=settings.DEFAULTS["ALIGN_METHOD"],
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["links", "tsv", "json"]), default="links", show_default=True,
              help="links: `[zh ids]:[en ids]` per line (MAC-Dev's gold format); tsv: confidence, zh, en; json.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File; stdout if omitted.")
def align_cmd(zh_file, en_file, presplit, level, method, fmt, output):
    """Align ZH_FILE with EN_FILE (no database needed); a progress bar on stderr for long inputs."""
    zh_text = decode_bytes(_read(zh_file), zh_file)
    en_text = decode_bytes(_read(en_file), en_file)
    bar = None
    state = {"shown": 0}

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if total < 200:  # short inputs finish before a bar would help
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Aligning", file=sys.stderr)
            bar.__enter__()
        bar.update(done - state["shown"])
        state["shown"] = done

    try:
        result = align_texts(zh_text, en_text, level=level, presplit=presplit, method=method, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    zh, en = result.zh_segments, result.en_segments
    if fmt == "links":
        text = "".join(b.as_links() + "\n" for b in result.beads)
    elif fmt == "tsv":
        text = "".join(f"{b.score:.3f}\t{' '.join(zh[i] for i in b.src)}\t{' '.join(en[j] for j in b.tgt)}\n"
                       for b in result.beads)
    else:
        text = jsonlib.dumps({"signature": signature(method=method), "level": result.level,
                              "links": [{"zh": list(b.src), "en": list(b.tgt), "confidence": round(b.score, 4),
                                         "zh_text": [zh[i] for i in b.src], "en_text": [en[j] for j in b.tgt]}
                                        for b in result.beads]}, ensure_ascii=False, indent=1) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(result.beads)} links to {output}.", err=True)
    else:
        click.echo(text, nl=False)


@cli.command("worker")
@click.option("--workers", type=int, default=None, help="Jobs run at once (default: the QUEUE_WORKERS setting).")
def worker_cmd(workers):
    """Run the job queue's consumer processes until Ctrl+C or SIGTERM (with QUEUE_URL=redis://…, on any
    machine that reaches the database and Redis)."""
    with Store() as _session:  # the database must be migrated before a worker takes jobs
        pass
    queue = jobs.JobQueue(conf())
    if queue.kind == "immediate":
        raise InputError("QUEUE_URL=immediate runs each job where it is submitted: there is nothing for a worker "
                         "to do (set it to redis://HOST:PORT/DB, or leave it empty for instance/queue.db)")
    count = workers or int(conf()["QUEUE_WORKERS"])
    click.echo(f"duizhao worker: {count} process(es) on the {queue.kind} queue; Ctrl+C stops them.", err=True)
    jobs.run_worker(queue=queue, workers=count)


@cli.command("jobs")
@click.option("--project", help="Only this project's jobs.")
@click.option("--limit", type=int, default=20, show_default=True)
def jobs_cmd(project, limit):
    """List recent jobs, newest first: id, kind, state, progress, step, project, who, when, message."""
    with Store() as session:
        ids = [_project(session, project).id] if project else None
        rows = job_store.recent_jobs(session, ids, limit=limit)
        names = dict(session.query(Project.id, Project.name).all())
        for job in rows:
            who = job.user.username if job.user else "cli"
            where = names.get(job.project_id) or job_store.params_of(job).get("project") or "-"
            click.echo("\t".join([str(job.id), job.kind, job.state, f"{round(100 * job.progress)}%", job.step or "-",
                                   where, who, f"{job.created_at:%Y-%m-%d %H:%M:%S}", job.message]))


def main(argv=None):
    """Console-script entry point."""
    return cli.main(args=argv, prog_name="duizhao")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
