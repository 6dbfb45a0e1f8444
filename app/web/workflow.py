"""Review workflow: statuses, the link panel (history with revert, comments), search and replace, the report."""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import services
from app.config import mqm_weights
from app.errors import InputError
from app.services import findings, workflow
from app.storage import queries
from app.storage.models import Document, Link, Segment
from app.web import get_session
from app.web.helpers import is_htmx, requires

bp = Blueprint("workflow", __name__)


@bp.route("/links/<int:link_id>/status", methods=["POST"])
@requires("edit")
def set_status(link_id: int):
    session = get_session()
    link = workflow.set_status(session, link_id, request.form.get("status", ""), current_user)
    session.commit()
    if is_htmx():
        return render_template("review/_status.html", link=link, oob=False)
    return redirect(url_for("review.document", doc_id=link.document_id) + f"#row-{link.position + 1}")


def _panel(session, link: Link, message: str = ""):
    segments = sorted((m.segment for m in link.members), key=lambda s: (s.side != "zh", s.position))
    histories = [services.segment_history(session, s.id) for s in segments if s.side == "en"]
    return render_template("review/_panel.html", link=link, histories=histories, message=message,
                           comments=workflow.link_comments(session, link.id),
                           status_changes=workflow.status_history(session, link.id))


@bp.route("/segments/<int:seg_id>/panel")
def segment_panel(seg_id: int):
    """Everything about the link of one English paragraph: statuses, comments, revisions with revert."""
    session = get_session()
    queries.get_or_404(session, Segment, seg_id, "segment")
    link = workflow.link_of_segment(session, seg_id)
    if link is None:
        raise InputError("this paragraph is not linked")
    return _panel(session, link)


@bp.route("/links/<int:link_id>/panel")
def link_panel(link_id: int):
    session = get_session()
    return _panel(session, queries.get_or_404(session, Link, link_id, "link"))


@bp.route("/links/<int:link_id>/comments", methods=["POST"])
@requires("edit")
def add_comment(link_id: int):
    session = get_session()
    link = queries.get_or_404(session, Link, link_id, "link")
    workflow.add_comment(session, link.document_id, link.id, request.form.get("body", ""), current_user)
    session.commit()
    if not is_htmx():
        return redirect(url_for("review.document", doc_id=link.document_id) + f"#row-{link.position + 1}")
    return _panel(session, link, "Comment added.")


@bp.route("/comments/<int:comment_id>/resolve", methods=["POST"])
@requires("edit")
def resolve_comment(comment_id: int):
    session = get_session()
    comment = workflow.resolve_comment(session, comment_id, request.form.get("resolved") == "1", current_user)
    session.commit()
    link = session.get(Link, comment.link_id) if comment.link_id else None
    if link is None or not is_htmx():
        return redirect(url_for("review.document", doc_id=comment.document_id))
    return _panel(session, link, "Comment resolved." if comment.resolved else "Comment reopened.")


@bp.route("/segments/<int:seg_id>/revert", methods=["POST"])
@requires("edit")
def revert(seg_id: int):
    """Restore an earlier version; the revert is a new revision and nothing is lost."""
    session = get_session()
    to_version = request.form.get("to_version", type=int)
    base = request.form.get("base_version", type=int)
    if to_version is None or base is None:
        raise InputError("choose the version to restore")
    workflow.revert(session, seg_id, to_version, base, current_user)
    session.commit()
    seg = session.get(Segment, seg_id)
    link = workflow.link_of_segment(session, seg_id)
    if not is_htmx():
        flash(f"Restored version {to_version}.", "info")
        return redirect(url_for("review.document", doc_id=seg.document_id) + f"#row-{link.position + 1}")
    from app.web.review import render_cell

    return _panel(session, link, f"Restored version {to_version} as version {seg.version}.") + render_cell(
        session, seg, oob=True)


# ---------------------------------------------------------------- search and replace


def _search_args():
    args = request.values
    return dict(pattern=args.get("q", ""), replacement=args.get("replace", ""), regex=args.get("regex") == "1",
                case=args.get("case") == "1", whole_word=args.get("word") == "1")


@bp.route("/documents/<int:doc_id>/search")
def search(doc_id: int):
    """Search the English (plain or regex, case, whole words) and preview every replacement."""
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    opts = _search_args()
    propagate = request.args.get("propagate") == "1"
    hits, error = [], ""
    if opts["pattern"]:
        try:
            hits = workflow.find_hits(session, doc.id, **opts)
        except InputError as exc:
            error = exc.message
    row_of = _row_of_en(session, doc.id)
    template = "review/_search.html" if is_htmx() else "review/search.html"
    return render_template(template, doc=doc, hits=hits, error=error, propagate=propagate, row_of=row_of,
                           q=opts["pattern"], replace=opts["replacement"], regex=opts["regex"], case=opts["case"],
                           word=opts["whole_word"])


@bp.route("/documents/<int:doc_id>/replace", methods=["POST"])
@requires("edit")
def replace(doc_id: int):
    """Apply the selected replacements; one revision per paragraph (category terminology for propagation)."""
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    opts = _search_args()
    propagate = request.form.get("propagate") == "1"
    revisions = workflow.apply_hits(
        session, doc.id, opts["pattern"], opts["replacement"], set(request.form.getlist("hit")), current_user,
        regex=opts["regex"], case=opts["case"], whole_word=opts["whole_word"],
        category="terminology/inconsistent-with-termbase" if propagate else None,
        severity="major" if propagate else None,
        reason=f"fix propagated: “{opts['pattern']}” → “{opts['replacement']}”" if propagate else "",
    )
    session.commit()
    flash(f"Replaced in {len(revisions)} paragraph(s); each change is a revision you can revert.", "info")
    target = url_for("review.document", doc_id=doc.id)
    if is_htmx():
        return Response("", headers={"HX-Redirect": target})
    return redirect(target)


def _row_of_en(session, doc_id: int) -> dict[int, int]:
    """English segment id -> review row number."""
    return {seg_id: row for seg_id, (_position, row) in queries.english_rows(session, doc_id).items()}


# ---------------------------------------------------------------- report


def _report_data(session, doc: Document) -> dict:
    conf = current_app.config
    score = workflow.quality_score(session, doc.id, mqm_weights(conf["MQM_WEIGHTS"]), conf["MQM_THRESHOLD"])
    per_link, effort = workflow.edit_effort(session, doc.id)
    revisions = queries.document_revisions(session, doc.id)
    row_of = _row_of_en(session, doc.id)
    by_category: dict[str, int] = {}
    for (category, _severity), n in score.errors.items():
        by_category[category] = by_category.get(category, 0) + n
    open_findings = findings.document_findings(session, doc.id).findings
    from app.textdiff import word_diff

    fixes = [dict(row=row_of.get(r.segment_id), version=r.version, author=r.author.username if r.author else "",
                  time=r.created_at, category=r.category, severity=r.severity, reason=r.reason, origin=r.origin,
                  before=r.before, after=r.after, seconds=r.seconds, diff=word_diff(r.before, r.after))
             for r in revisions]
    return dict(doc=doc, score=score, effort=effort, per_link=per_link, fixes=fixes, by_category=by_category,
                findings=open_findings, statuses=workflow.status_counts(session, doc.id),
                stats=services.document_stats(session, doc.id), signature=workflow.EFFORT_SIGNATURE,
                links=queries.document_links(session, doc.id))


@bp.route("/documents/<int:doc_id>/report")
def report(doc_id: int):
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    data = _report_data(session, doc)
    return render_template("review/report.html", standalone=False, **data)


@bp.route("/documents/<int:doc_id>/report.<fmt>")
def report_download(doc_id: int, fmt: str):
    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    data = _report_data(session, doc)
    name = f"document-{doc.id}-review-report.{fmt}"
    if fmt == "html":
        body = render_template("review/report_standalone.html", standalone=True, **data).encode("utf-8")
        mimetype = "text/html; charset=utf-8"
    elif fmt == "json":
        body = json.dumps(_report_json(data), ensure_ascii=False, indent=2).encode("utf-8")
        mimetype = "application/json"
    elif fmt == "csv":
        body = _report_csv(data)
        mimetype = "text/csv; charset=utf-8"
    else:
        raise InputError(f"unknown report format {fmt!r}; known: html, csv, json")
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _report_json(data: dict) -> dict:
    score, effort = data["score"], data["effort"]
    return {
        "document": {"id": data["doc"].id, "title": data["doc"].title, "project": data["doc"].project.name},
        "statuses": data["statuses"],
        "score": {"penalty": score.penalty, "source_chars": score.source_chars,
                  "per_1000_chars": score.per_thousand, "threshold": score.threshold, "passed": score.passed,
                  "weights": score.weights,
                  "errors": [{"category": c, "severity": s, "count": n} for (c, s), n in sorted(score.errors.items())]},
        "effort": {"chrf": effort.chrf, "ter": effort.ter, "bleu": effort.bleu, "seconds": effort.seconds,
                   "signature": data["signature"]},
        "fixes": [{k: (v.isoformat() if k == "time" else v) for k, v in f.items() if k != "diff"}
                  for f in data["fixes"]],
        "open_findings": [f.as_dict() for f in data["findings"]],
    }


def _report_csv(data: dict) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["kind", "row", "author", "time", "category", "severity", "reason", "before", "after", "message"])
    for f in data["fixes"]:
        w.writerow(["fix", f["row"], f["author"], f["time"].isoformat(timespec="seconds"), f["category"] or "",
                    f["severity"] or "", f["reason"], services._csv_safe(f["before"]),
                    services._csv_safe(f["after"]), ""])
    for f in data["findings"]:
        w.writerow(["open finding", "", "", "", f.check, str(f.severity), "", services._csv_safe(f.zh_text),
                    services._csv_safe(f.en_text), f.message])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@bp.app_template_filter("bar_chart")
def bar_chart(counts: dict, width: int = 420) -> str:
    """A small horizontal bar chart as inline SVG, drawn on the server."""
    from markupsafe import Markup, escape

    if not counts:
        return Markup("")
    top = max(counts.values()) or 1
    bar_h, gap, label_w = 18, 6, 190
    height = len(counts) * (bar_h + gap)
    parts = [f'<svg class="chart" role="img" aria-label="fixes by category" width="{width + label_w + 40}" '
             f'height="{height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (name, n) in enumerate(sorted(counts.items(), key=lambda kv: -kv[1])):
        y = i * (bar_h + gap)
        w = max(2, int(width * n / top))
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{escape(name)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#4a6fd1"/>'
                     f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="12">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))





@bp.route("/documents/<int:doc_id>/history")
def document_history(doc_id: int):
    """Every revision and status change of the document, newest first, with diffs and revert."""
    from app.textdiff import word_diff

    session = get_session()
    doc = queries.get_or_404(session, Document, doc_id, "document")
    row_of = _row_of_en(session, doc.id)
    current = {s.id: s.version for s in queries.document_segments(session, doc.id, "en")}
    revisions = list(reversed(queries.document_revisions(session, doc.id)))
    page = request.args.get("page", 1, type=int)
    per_page = 100
    pages = max(1, -(-len(revisions) // per_page))
    page = min(max(page, 1), pages)
    shown = [(r, word_diff(r.before, r.after)) for r in revisions[(page - 1) * per_page: page * per_page]]
    return render_template("review/document_history.html", doc=doc, entries=shown, row_of=row_of, current=current,
                           page=page, pages=pages, total=len(revisions))
