"""The review screen: linked paragraphs side by side, in-place edits, history and export."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import services
from app.config import mqm_weights
from app.errors import Conflict, InputError
from app.services import findings, workflow
from app.storage import queries
from app.storage.models import Document, Segment
from app.textdiff import word_diff
from app.web import get_session
from app.web.forms import SegmentForm
from app.web.helpers import is_htmx, requires

bp = Blueprint("review", __name__)


@bp.route("/documents/<int:doc_id>")
def document(doc_id: int):
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    page = request.args.get("page", 1, type=int)
    show = request.args.get("show", "all")
    check = request.args.get("check", "")
    status = request.args.get("status", "")
    reviewer = request.args.get("reviewer", "")
    found = findings.document_findings(session, doc.id)
    only = None
    if show == "flagged":
        only = found.flagged_links()
    if check:
        only = {lid for lid, fs in found.by_link.items() if any(f.check == check for f in fs)} & (only or set(
            found.by_link))
    all_links = queries.document_links(session, doc.id)
    if status or reviewer:
        chosen = {link.id for link in all_links if (not status or link.status == status)
                  and (not reviewer or (link.status_by and link.status_by.username == reviewer))}
        only = chosen if only is None else only & chosen
    reviewers = sorted({link.status_by.username for link in all_links if link.status_by})
    rows, pages = services.review_rows(session, doc.id, page, current_app.config["PAGE_SIZE"], only)
    found.prepare_marks([seg for row in rows for seg in row.zh + row.en])
    counts = queries.revision_counts(session, doc.id)
    conf = current_app.config
    return render_template(
        "review/document.html", doc=doc, rows=rows, page=min(max(page, 1), pages), pages=pages,
        stats=services.document_stats(session, doc.id), revision_counts=counts, form=SegmentForm(),
        found=found, show=show, check=check, status=status, reviewer=reviewer, reviewers=reviewers,
        statuses=workflow.status_counts(session, doc.id),
        open_comments=workflow.open_comment_counts(session, doc.id),
        score=workflow.quality_score(session, doc.id, mqm_weights(conf["MQM_WEIGHTS"]), conf["MQM_THRESHOLD"]),
    )


@bp.route("/segments/<int:seg_id>", methods=["POST"])
@requires("edit")
def save(seg_id: int):
    session = get_session()
    form = SegmentForm()
    if not form.validate():
        raise InputError("; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items()))
    mine = form.text.data or ""
    base = form.base_version.data if form.base_version.data is not None else -1
    try:
        rev = services.save_segment(
            session, seg_id, mine, base, current_user, reason=form.reason.data or "",
            category=form.category.data or None, severity=form.severity.data or None,
            seconds=form.seconds.data,
        )
        if form.confirm.data:
            link = workflow.link_of_segment(session, seg_id)
            if link is not None:
                workflow.set_status(session, link.id, workflow.confirm_status(current_user), current_user)
        session.commit()
    except Conflict as exc:
        session.rollback()
        theirs = exc.current
        last = queries.segment_revisions(session, theirs.id)
        context = dict(seg=theirs, mine=mine, last=last[-1] if last else None,
                       diff=word_diff(theirs.text, mine), form=SegmentForm())
        template = "review/_conflict.html" if is_htmx() else "review/conflict.html"
        return render_template(template, **context), 409
    seg = session.get(Segment, seg_id)
    if is_htmx():
        return _cell(session, seg, saved=rev is not None, with_findings=True)
    flash("Saved." if rev else "No change to save.", "info")
    link_pos = _row_of(session, seg)
    return redirect(url_for("review.document", doc_id=seg.document_id) + f"#row-{link_pos}")


def _link_of(session, seg: Segment):
    return workflow.link_of_segment(session, seg.id)


def _row_of(session, seg: Segment) -> int:
    link = _link_of(session, seg)
    return link.position + 1 if link else 1


@bp.route("/segments/<int:seg_id>/history")
def history(seg_id: int):
    session = get_session()
    seg, entries = services.segment_history(session, seg_id)
    template = "review/_history.html" if is_htmx() else "review/history.html"
    doc = session.get(Document, seg.document_id)
    return render_template(template, seg=seg, entries=entries, doc=doc)


@bp.route("/documents/<int:doc_id>/export.txt")
def export_txt(doc_id: int):
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    return _download(services.export_text(session, doc.id), "text/plain; charset=utf-8",
                     f"document-{doc.id}-en-corrected.txt")


@bp.route("/documents/<int:doc_id>/revisions.csv")
def export_revisions(doc_id: int):
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    return _download(services.export_revisions_csv(session, doc.id), "text/csv; charset=utf-8",
                     f"document-{doc.id}-revisions.csv")


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/segments/<int:seg_id>/cell")
def cell(seg_id: int):
    """The editable English cell of one segment, as saved now."""
    session = get_session()
    seg = queries.get_or_404(session, Segment, seg_id, "segment")
    if seg.side != "en":
        raise InputError("only English segments have an editable cell")
    return _cell(session, seg, saved=False, with_findings=True)


def render_cell(session, seg: Segment, oob: bool = False) -> str:
    """The English cell of ``seg`` as saved now (out of band when ``oob``), with fresh highlights."""
    found = findings.document_findings(session, seg.document_id)
    count = len(queries.segment_revisions(session, seg.id))
    return render_template("review/_en_cell.html", seg=seg, form=SegmentForm(), saved=False, revision_count=count,
                           marks=found.prepare_marks([seg]).marks.get(seg.id), oob=oob)


def _cell(session, seg: Segment, saved: bool, with_findings: bool):
    """The English cell as saved now, plus (out of band) its row's findings, both from a fresh check run."""
    found = findings.document_findings(session, seg.document_id)
    count = len(queries.segment_revisions(session, seg.id))
    html = render_template("review/_en_cell.html", seg=seg, form=SegmentForm(), saved=saved, revision_count=count,
                           marks=found.prepare_marks([seg]).marks.get(seg.id))
    link = _link_of(session, seg)
    if with_findings and link is not None:
        # Table cells must travel in a <template> for htmx to swap them out of band.
        html += "<template>" + render_template("review/_findings.html", link=link, oob=True, open=False,
                                               row_findings=found.by_link.get(link.id, []))
        html += render_template("review/_status.html", link=link, oob=True) + "</template>"
    return html


@bp.route("/documents/<int:doc_id>/dismiss", methods=["POST"])
@requires("approve")
def dismiss(doc_id: int):
    """Dismiss one finding; it stays dismissed on later runs."""
    session = get_session()
    findings.dismiss(session, doc_id, request.form.get("key", ""), request.form.get("check", ""),
                     request.form.get("message", ""), current_user, request.form.get("reason", ""))
    session.commit()
    if is_htmx():
        return '<li class="finding-item dismissed muted">Dismissed.</li>'
    flash("Finding dismissed.", "info")
    return redirect(url_for("review.document", doc_id=doc_id))


@bp.route("/documents/<int:doc_id>/drift")
def drift(doc_id: int):
    """Each glossary term rendered several ways: every rendering, its count and its places."""
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    report = findings.drift_report(session, doc.id)
    row_of_en = {position: row for position, row in queries.english_rows(session, doc.id).values()}
    glossary = queries.project_glossary(session, doc.project_id)
    return render_template("review/drift.html", doc=doc, report=report, row_of_en=row_of_en,
                           has_glossary=glossary is not None and bool(glossary.terms))


@bp.route("/documents/<int:doc_id>/candidates")
def candidates(doc_id: int):
    """Glossary candidates found in the document: repeated terms and their renderings, drifting first."""
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    found = findings.glossary_candidates(session, doc.id)
    row_of_en = {position: row for position, row in queries.english_rows(session, doc.id).values()}
    return render_template("review/candidates.html", doc=doc, candidates=found, row_of_en=row_of_en)
