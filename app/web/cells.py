"""The cells of the review grid rendered after a change, with fresh findings (review and panel use them)."""

from __future__ import annotations

import time

from flask import current_app, render_template

from app.services import findings, inline, links, review
from app.storage import queries
from app.storage.models import Link, Segment


def _codes(session, seg: Segment, link: Link | None = None) -> dict:
    """The cell's inline codes: the link's table and lock, and the source's placeholders in order; and its row
    (``link``: the segment's paragraph link, when the caller has it)."""
    link = link or review.link_of_segment(session, seg.id)
    if link is None:
        return {"codes": None, "source_codes": "", "locked": False, "row_number": "?"}
    codes = inline.link_codes(session, seg.document_id, link.id)
    zh = sorted((m.segment for m in link.members if m.segment.side == "zh"), key=lambda s: s.position)
    return {"codes": codes, "source_codes": review.source_codes(zh), "locked": codes.locked,
            "row_number": links.number(link)}


def page_findings(session, document_id: int):
    """The document's findings for a page; read from the stored run (a new process), the checks run once more in
    the background so that the next save's re-check is incremental."""
    found = findings.document_findings(session, document_id)
    if found.from_store:
        current_app.extensions["duizhao.rechecker"].request(document_id, warm=True)
    return found


def cell_locked(session, seg: Segment) -> bool:
    """Whether the paragraph is locked in its CAT file (read-only)."""
    return _codes(session, seg)["locked"]


def findings_td(session, link: Link, oob: bool = False, found=None, wait: tuple[int, int, int] | None = None,
                opened: bool | None = None, codes=None, gave_up: str = "") -> str:
    """The findings cell of ``link``'s row, opened (out of band when ``oob``), from the current check run.
    ``wait`` (segment id, version, when the save was answered in ms since the epoch): the findings are a save's
    first answer, and the cell asks again until the document-level checks have seen that version; ``gave_up``:
    why it stopped asking."""
    found = found or findings.document_findings(session, link.document_id)
    codes = codes if codes is not None else inline.link_codes(session, link.document_id, link.id)
    return render_template("review/_findings.html", link=link, oob=oob, open=not oob if opened is None else opened,
                           row_findings=found.by_link.get(link.id, []), codes=codes, wait=wait,
                           pending=found.pending, poll_ms=POLL_MS, gave_up=gave_up)


def fresh_cell(session, seg: Segment, saved: bool, with_findings: bool, oob: bool = False, quick: bool = False):
    """The English cell as saved now (out of band when ``oob``), plus (out of band) its row's findings and status,
    all from a fresh check run; ``quick`` (a save's answer): the row's own per-link checks at once, and the
    document-level checks in the background (services/recheck.py), which the findings cell then asks for."""
    link = review.link_of_segment(session, seg.id)
    if quick and link is not None:
        found = findings.link_findings_now(session, link, changed=saved)
        if found.pending:
            current_app.extensions["duizhao.rechecker"].request(seg.document_id)
    else:
        found = findings.document_findings(session, seg.document_id)
    count = queries.revision_count(session, seg.id)
    extra = _codes(session, seg, link)
    html = render_template("review/_en_cell.html", seg=seg, saved=saved, revision_count=count, oob=oob,
                           marks=found.prepare_marks([seg]).marks.get(seg.id), **extra)
    if with_findings and link is not None:
        # Table cells must travel in a <template> for htmx to swap them out of band.
        html += "<template>" + findings_td(session, link, oob=True, found=found, codes=extra["codes"],
                                           wait=(seg.id, seg.version, int(time.time() * 1000)))
        html += render_template("panel/_status.html", link=link, oob=True) + "</template>"
    return html


POLL_MS = 500  # how often a findings cell asks for the document-level checks after a save (review/_findings.html)
GIVE_UP_SECONDS = 30  # after this long it stops asking and says so


def awaited_findings(session, link: Link, seg: Segment, version: int, since_ms: int,
                     shown: dict[int, str] | None = None):
    """What a save's findings cell gets when it asks again: the complete findings once a run has seen ``version``
    of ``seg`` (with the English view's highlights, out of band, when the cell still shows that version); None
    (nothing to swap: ask again) while the run is on its way, asking for one if none is (another process made the
    save); after ``GIVE_UP_SECONDS``, or when the run failed, the row's own checks with a message. ``shown``: the
    other rows in the reviewer's view (link id -> ``row_signature`` of the findings the grid shows); those whose
    findings the save changed (a drift count, a consistency finding) come too, out of band."""
    latest = findings.latest_findings(session, link.document_id)
    complete = latest if latest is not None and latest.saw(seg.id, version) else None
    rechecker = current_app.extensions["duizhao.rechecker"]
    failure = rechecker.failure(link.document_id)
    waiting = failure is None and time.time() * 1000 - since_ms < GIVE_UP_SECONDS * 1000
    if complete is None and waiting:
        if rechecker.busy(link.document_id):
            return None
        now = findings.link_findings_now(session, link)  # complete when a run saw the document as it is now
        if now.pending:
            rechecker.request(link.document_id)
            return None
        complete = now
    if complete is not None:
        html = findings_td(session, link, found=complete, opened=False)  # as the save's answer left it
        oob = ""
        if seg.version == version:
            extra = _codes(session, seg, link)
            oob += render_template("review/_en_view.html", seg=seg, view_oob=True,
                                   marks=complete.prepare_marks([seg]).marks.get(seg.id), **extra)
        changed = [lid for lid, sig in (shown or {}).items()
                   if lid != link.id and sig != findings.row_signature(complete.by_link.get(lid, []))]
        if changed:
            for other in queries.links_of_document(session, link.document_id, changed):
                oob += findings_td(session, other, oob=True, found=complete, opened=False)
        return html + ("<template>" + oob + "</template>" if oob else "")
    return findings_td(session, link, found=findings.link_findings_now(session, link),
                       gave_up=failure or "the document checks are taking long")
