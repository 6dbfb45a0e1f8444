"""The review screen: linked paragraphs side by side, in-place edits, findings, drift, candidates, history."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.config import mqm_weights
from app.errors import Conflict, InputError
from app.services import findings, links, projects, report, review, statuses
from app.storage import queries
from app.storage.models import Document, Link, Segment
from app.textdiff import word_diff
from app.web.cells import awaited_findings, cell_locked, findings_td, fresh_cell, page_findings
from app.web.db import get_session
from app.web.forms import SegmentForm
from app.web.helpers import MarkTitles, document_or_404, is_htmx, requires

bp = Blueprint("review", __name__)


@bp.route("/documents/<int:doc_id>")
def document(doc_id: int):
    session, doc = document_or_404(doc_id)
    page = request.args.get("page", 1, type=int)
    show = request.args.get("show", "all")
    check = request.args.get("check", "")
    status = request.args.get("status", "")
    reviewer = request.args.get("reviewer", "")
    found = page_findings(session, doc.id)
    only = None
    if show == "flagged":
        only = found.flagged_links()
    if check:
        only = {lid for lid, fs in found.by_link.items() if any(f.check == check for f in fs)} & (only or set(
            found.by_link))
    rows, pages = review.review_rows(session, doc.id, page, current_app.config["PAGE_SIZE"], only, status, reviewer,
                                     current_app.config["WEAK_LINK"])
    found.prepare_marks([seg for row in rows for seg in row.zh + row.en])
    counts = queries.revision_counts(session, doc.id)
    conf = current_app.config
    return render_template(
        "review/document.html", doc=doc, rows=rows, page=min(max(page, 1), pages), pages=pages,
        stats=projects.document_stats(session, doc.id), revision_counts=counts, form=SegmentForm(),
        found=found, titles=MarkTitles(), show=show, check=check, status=status, reviewer=reviewer,
        reviewers=review.reviewers(session, doc.id), statuses=statuses.status_counts(session, doc.id),
        open_comments=review.open_comment_counts(session, doc.id),
        verdict=report.verdict(report.quality_score(session, doc.id, mqm_weights(conf["MQM_WEIGHTS"]),
                                                    conf["MQM_THRESHOLD"]), found.findings),
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
        rev = review.save_segment(
            session, seg_id, mine, base, current_user, reason=form.reason.data or "",
            category=form.category.data or None, severity=form.severity.data or None,
            seconds=form.seconds.data,
        )
        if form.confirm.data:
            link = review.link_of_segment(session, seg_id)
            if link is not None:
                statuses.set_status(session, link.id, statuses.confirm_status(current_user, g.project_id), current_user)
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
        return fresh_cell(session, seg, saved=rev is not None, with_findings=True, quick=True)
    flash("Saved." if rev else "No change to save.", "info")
    link_pos = _row_of(session, seg)
    return redirect(url_for("review.document", doc_id=seg.document_id) + f"#row-{link_pos}")


def _row_of(session, seg: Segment) -> int:
    link = review.link_of_segment(session, seg.id)
    return links.number(link) if link else 1


@bp.route("/segments/<int:seg_id>/history")
def history(seg_id: int):
    session = get_session()
    seg, entries = review.segment_history(session, seg_id)
    template = "review/_history.html" if is_htmx() else "review/history.html"
    doc = session.get(Document, seg.document_id)
    return render_template(template, seg=seg, entries=entries, doc=doc, row_number=_row_of(session, seg))


@bp.route("/segments/<int:seg_id>/cell")
def cell(seg_id: int):
    """The English cell of one segment as saved now (htmx); without htmx, a page with its editor."""
    session = get_session()
    seg = queries.get_or_404(session, Segment, seg_id, "segment")
    if seg.side != "en":
        raise InputError("only English segments have an editable cell")
    if is_htmx():
        return fresh_cell(session, seg, saved=False, with_findings=True)
    link = review.link_of_segment(session, seg.id)
    zh = sorted((m.segment for m in link.members if m.segment.side == "zh"), key=lambda s: s.position) if link else []
    back = url_for("review.document", doc_id=seg.document_id) + f"#row-{_row_of(session, seg)}"
    return render_template("review/edit.html", seg=seg, zh=zh, back=back, locked=cell_locked(session, seg),
                           row_number=_row_of(session, seg))


@bp.route("/documents/<int:doc_id>/rows")
def rows(doc_id: int):
    """Rows of the grid as they are now, out of band (``?links=3,4,5``): the visible rows after a glossary change."""
    session, doc = document_or_404(doc_id)
    wanted = {int(x) for x in request.args.get("links", "").split(",") if x.isdigit()}
    if len(wanted) > current_app.config["PAGE_SIZE"]:
        raise InputError("ask for at most one page of rows")
    if not wanted:
        return ""
    found = findings.document_findings(session, doc.id)
    shown, _ = review.review_rows(session, doc.id, 1, len(wanted), wanted, weak=current_app.config["WEAK_LINK"])
    found.prepare_marks([seg for row in shown for seg in row.zh + row.en])
    counts = queries.revision_counts(session, doc.id)
    # Table rows must travel in a <template> for htmx to swap them out of band.
    return "<template>" + "".join(render_template("review/_row.html", row=row, oob=True, found=found,
                                                  revision_counts=counts) for row in shown) + "</template>"


@bp.route("/links/<int:link_id>/findings")
def findings_cell(link_id: int):
    """The findings cell of one row, opened (the grid loads a row's list of findings when it is opened); with
    ``seg`` and ``v``, once the document-level checks have seen that version of the segment (after a save)."""
    session = get_session()
    link = queries.get_or_404(session, Link, link_id, "link")
    seg_id = request.args.get("seg", type=int)
    if seg_id is not None:  # a save's answer asking for the document-level checks that follow it
        seg = queries.get_or_404(session, Segment, seg_id, "segment")
        if seg.document_id != link.document_id:
            raise InputError("that segment belongs to another document")
        cell = awaited_findings(session, link, seg, request.args.get("v", 0, type=int),
                                request.args.get("since", 0, type=int), _shown_rows(request.args.get("rows", "")))
        return cell if cell is not None else ("", 204)  # not yet: the cell asks again
    return findings_td(session, link)


def _shown_rows(value: str) -> dict[int, str]:
    """``rows=12:0a1b2c3d,13:...`` (the rows in view and their findings' signatures), at most a page of them."""
    out = {}
    for item in value.split(",")[:current_app.config["PAGE_SIZE"]]:
        lid, _, sig = item.partition(":")
        if lid.isdigit() and len(sig) <= 16:
            out[int(lid)] = sig
    return out


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
    session, doc = document_or_404(doc_id)
    report = findings.drift_report(session, doc.id)
    glossary = queries.project_glossary(session, doc.project_id)
    return render_template("review/drift.html", doc=doc, report=report,
                           has_glossary=glossary is not None and bool(glossary.terms))


@bp.route("/documents/<int:doc_id>/candidates")
def candidates(doc_id: int):
    """Glossary candidates found in the document: repeated terms and their renderings, drifting first."""
    session, doc = document_or_404(doc_id)
    found = findings.glossary_candidates(session, doc.id)
    row_of_en = queries.english_position_rows(session, doc.id)
    return render_template("review/candidates.html", doc=doc, candidates=found, row_of_en=row_of_en)


@bp.route("/documents/<int:doc_id>/history")
def document_history(doc_id: int):
    """Every revision and status change of the document, newest first, with diffs and revert."""
    session, doc = document_or_404(doc_id)
    row_of = queries.english_row_numbers(session, doc.id)
    current = {s.id: s.version for s in queries.document_segments(session, doc.id, "en")}
    revisions = list(reversed(queries.document_revisions(session, doc.id)))
    page = request.args.get("page", 1, type=int)
    per_page = 100
    pages = max(1, -(-len(revisions) // per_page))
    page = min(max(page, 1), pages)
    shown = [(r, word_diff(r.before, r.after)) for r in revisions[(page - 1) * per_page: page * per_page]]
    return render_template("review/document_history.html", doc=doc, entries=shown, row_of=row_of, current=current,
                           page=page, pages=pages, total=len(revisions))
