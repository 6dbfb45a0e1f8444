"""The link panel: a link's status, its comments, and the revisions of its English with revert."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import InputError
from app.services import review, statuses
from app.storage import queries
from app.storage.models import Link, Segment
from app.web.cells import fresh_cell
from app.web.db import get_session
from app.web.helpers import is_htmx, requires

bp = Blueprint("panel", __name__)


@bp.route("/links/<int:link_id>/status", methods=["POST"])
@requires("edit")
def set_status(link_id: int):
    session = get_session()
    link = statuses.set_status(session, link_id, request.form.get("status", ""), current_user)
    session.commit()
    if is_htmx():
        return render_template("panel/_status.html", link=link, oob=False)
    return redirect(url_for("review.document", doc_id=link.document_id) + f"#row-{link.position + 1}")


def _panel(session, link: Link, message: str = ""):
    segments = sorted((m.segment for m in link.members), key=lambda s: (s.side != "zh", s.position))
    histories = [review.segment_history(session, s.id) for s in segments if s.side == "en"]
    return render_template("panel/_panel.html", link=link, histories=histories, message=message,
                           comments=review.link_comments(session, link.id),
                           status_changes=statuses.status_history(session, link.id))


@bp.route("/segments/<int:seg_id>/panel")
def segment_panel(seg_id: int):
    """Everything about the link of one English paragraph: statuses, comments, revisions with revert."""
    session = get_session()
    queries.get_or_404(session, Segment, seg_id, "segment")
    link = review.link_of_segment(session, seg_id)
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
    review.add_comment(session, link.document_id, link.id, request.form.get("body", ""), current_user)
    session.commit()
    if not is_htmx():
        return redirect(url_for("review.document", doc_id=link.document_id) + f"#row-{link.position + 1}")
    return _panel(session, link, "Comment added.")


@bp.route("/comments/<int:comment_id>/resolve", methods=["POST"])
@requires("edit")
def resolve_comment(comment_id: int):
    session = get_session()
    comment = review.resolve_comment(session, comment_id, request.form.get("resolved") == "1", current_user)
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
    review.revert(session, seg_id, to_version, base, current_user)
    session.commit()
    seg = session.get(Segment, seg_id)
    link = review.link_of_segment(session, seg_id)
    if not is_htmx():
        flash(f"Restored version {to_version}.", "info")
        return redirect(url_for("review.document", doc_id=seg.document_id) + f"#row-{link.position + 1}")
    # The row's English, findings and status travel out of band: the revert can change all three.
    return _panel(session, link, f"Restored version {to_version} as version {seg.version}.") + fresh_cell(
        session, seg, saved=False, with_findings=True, oob=True, quick=True)
