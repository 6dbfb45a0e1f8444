"""The cells of the review grid rendered after a change, with fresh findings (review and panel use them)."""

from __future__ import annotations

from flask import render_template

from app.services import findings, inline, links, review
from app.storage import queries
from app.storage.models import Link, Segment


def _codes(session, seg: Segment) -> dict:
    """The cell's inline codes: the link's table and lock, and the source's placeholders in order; and its row."""
    link = review.link_of_segment(session, seg.id)
    if link is None:
        return {"codes": None, "source_codes": "", "locked": False, "row_number": "?"}
    codes = inline.link_codes(session, seg.document_id, link.id)
    zh = sorted((m.segment for m in link.members if m.segment.side == "zh"), key=lambda s: s.position)
    return {"codes": codes, "source_codes": review.source_codes(zh), "locked": codes.locked,
            "row_number": links.number(link)}


def cell_locked(session, seg: Segment) -> bool:
    """Whether the paragraph is locked in its CAT file (read-only)."""
    return _codes(session, seg)["locked"]


def findings_td(session, link: Link, oob: bool = False, found=None) -> str:
    """The findings cell of ``link``'s row, opened (out of band when ``oob``), from the current check run."""
    found = found or findings.document_findings(session, link.document_id)
    codes = inline.link_codes(session, link.document_id, link.id)
    return render_template("review/_findings.html", link=link, oob=oob, open=not oob,
                           row_findings=found.by_link.get(link.id, []), codes=codes)


def fresh_cell(session, seg: Segment, saved: bool, with_findings: bool, oob: bool = False):
    """The English cell as saved now (out of band when ``oob``), plus (out of band) its row's findings and status,
    all from a fresh check run."""
    found = findings.document_findings(session, seg.document_id)
    count = len(queries.segment_revisions(session, seg.id))
    extra = _codes(session, seg)
    html = render_template("review/_en_cell.html", seg=seg, saved=saved, revision_count=count, oob=oob,
                           marks=found.prepare_marks([seg]).marks.get(seg.id), **extra)
    link = review.link_of_segment(session, seg.id)
    if with_findings and link is not None:
        # Table cells must travel in a <template> for htmx to swap them out of band.
        html += "<template>" + findings_td(session, link, oob=True, found=found)
        html += render_template("panel/_status.html", link=link, oob=True) + "</template>"
    return html
