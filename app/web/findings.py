"""Findings as a QA report: grouped by check and term with each occurrence's row, jump to the next finding,
dismiss one or a whole group; and the sentence pairs of a paragraph row.

The report opens in the review screen's side panel (htmx) and as a printable page without scripts. The
template global ``finding_lines`` (a row's identical findings as one line with ×N) is registered here, for
review/_findings.html wherever it is rendered.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from app.errors import InputError
from app.model import Severity
from app.services import findings, inline, sentences
from app.storage import queries
from app.storage.models import Document, Link
from app.web.db import get_session
from app.web.helpers import document_or_404, is_htmx, requires

bp = Blueprint("findings", __name__)
PANE_OCCURRENCES = 20  # occurrences the side panel lists per group
PAGE_OCCURRENCES = 100  # and the page (a group alone, ``?group=``, lists them all)
bp.add_app_template_global(findings.row_lines, "finding_lines")
bp.add_app_template_global(findings.row_signature, "findings_sig")
bp.add_app_template_global(sentences.sentence_marks, "sentence_marks")


def _page_size() -> int:
    return int(current_app.config["PAGE_SIZE"])


def _severity() -> str:
    value = request.values.get("severity", "")
    return value if value in Severity.ordered() else ""


def _report(session, doc, severity: str):
    return findings.group_findings(session, doc.id, _page_size(), severity)


@bp.route("/documents/<int:doc_id>/findings")
def report(doc_id: int):
    """Open findings grouped by check, then by term or message, with each occurrence's row (pane or page; the page
    lists ``PAGE_OCCURRENCES`` a group, and ``?group=`` one group with all of its occurrences)."""
    session, doc = document_or_404(doc_id)
    qa = _report(session, doc, _severity())
    if is_htmx():
        return render_template("review/_qa.html", doc=doc, qa=qa, limit=PANE_OCCURRENCES)
    ident = request.args.get("group", "")
    if ident:  # one group with every occurrence
        group = qa.group(ident)
        if group is None:
            raise InputError("that group has no open findings (dismissed already?)")
        qa = findings.only_group(qa, group)
    return render_template("review/findings.html", doc=doc, qa=qa, limit=None if ident else PAGE_OCCURRENCES,
                           group=ident)


def _cells(session, doc_id: int, link_ids) -> Markup:
    """The findings cells of these links from a fresh check run, to swap in out of band."""
    found = findings.document_findings(session, doc_id)
    table = inline.document_codes(session, doc_id)
    html = []
    for link_id in link_ids:
        link = session.get(Link, link_id)
        if link is None:
            continue
        html.append(render_template("review/_findings.html", link=link, oob=True, open=False,
                                    row_findings=found.by_link.get(link.id, []),
                                    codes=table.get(link.id)))
    # Table cells must travel in a <template> for htmx to swap them out of band.
    return Markup("<template>" + "".join(html) + "</template>") if html else Markup("")


@bp.route("/documents/<int:doc_id>/findings/dismiss", methods=["POST"])
@requires("approve")
def dismiss(doc_id: int):
    """Dismiss one finding (``key``, repeated for a row's identical ones) or a whole group (``group``, under the
    report's ``severity`` filter); the rows they were on get fresh findings cells."""
    session, doc = document_or_404(doc_id)
    severity = _severity()
    found = findings.document_findings(session, doc.id)
    link_of = {id(f): link_id for link_id, fs in found.by_link.items() for f in fs}
    ident = request.form.get("group", "")
    if ident:
        group = _report(session, doc, severity).group(ident)
        if group is None:
            raise InputError("that group has no open findings (dismissed already?)")
        chosen = [o.finding for o in group.occurrences]
    else:
        keys = set(" ".join(request.form.getlist("key")).split())  # a row's identical findings: keys with spaces
        if not keys:
            raise InputError("choose a finding to dismiss")
        chosen = [f for f in found.findings if f.key in keys]
        if not chosen:
            raise InputError("that finding is not open (dismissed already?)")
    affected = list(dict.fromkeys(link_of[id(f)] for f in chosen if id(f) in link_of))
    findings.dismiss_many(session, doc.id, chosen, current_user, request.form.get("reason", ""))
    session.commit()
    message = f"Dismissed {len(chosen)} finding{'s' if len(chosen) != 1 else ''}."
    if not is_htmx():
        flash(message, "info")
        if request.form.get("target") == "row" and affected:
            link = session.get(Link, affected[0])
            return redirect(url_for("review.document", doc_id=doc.id, page=link.position // _page_size() + 1)
                            + f"#row-{link.position + 1}")
        return redirect(url_for("findings.report", doc_id=doc.id, severity=severity or None))
    cells = _cells(session, doc.id, affected) if affected else Markup("")
    if request.form.get("target") == "row":
        return cells
    pane = render_template("review/_qa.html", doc=doc, qa=_report(session, doc, severity), message=message,
                           limit=PANE_OCCURRENCES)
    return Markup(pane) + cells


@bp.route("/documents/<int:doc_id>/findings/next")
def next_finding(doc_id: int):
    """The next (``dir=1``) or previous (``dir=-1``) row with open findings after ``row``: a redirect to its page
    of the grid, or with ``format=json`` its row, page and address (row null when there is none)."""
    session, doc = document_or_404(doc_id)
    row = request.args.get("row", 0, type=int)
    step = -1 if request.args.get("dir", "1") == "-1" else 1
    found = findings.document_findings(session, doc.id)
    flagged = findings.flagged_rows(session, doc.id, found)
    ahead = [r for r in flagged if (r > row if step > 0 else r < row)]
    target = (min(ahead) if step > 0 else max(ahead)) if ahead else None
    url = None
    if target is not None:
        url = url_for("review.document", doc_id=doc.id, page=(target - 1) // _page_size() + 1) + f"#row-{target}"
    if request.args.get("format") == "json":
        return jsonify({"row": target, "url": url})
    if url is None:
        flash(f"No open finding {'after' if step > 0 else 'before'} row {row}.", "info")
        url = url_for("review.document", doc_id=doc.id, page=max(row - 1, 0) // _page_size() + 1) + f"#row-{row}"
    return redirect(url)


@bp.route("/links/<int:link_id>/sentences")
def sentence_view(link_id: int):
    """A paragraph row's sentence pairs (Chinese beside English) with its findings in their sentences."""
    session = get_session()
    view = sentences.sentence_pairs(session, link_id, current_app.config["ALIGN_METHOD"])
    found = findings.document_findings(session, view.link.document_id).prepare_marks(view.zh + view.en)
    codes = inline.link_codes(session, view.link.document_id, view.link.id)
    doc = queries.get_or_404(session, Document, view.link.document_id, "document")
    template = "review/_sentences.html" if is_htmx() else "review/sentences.html"
    return render_template(template, view=view, marks=found.marks, codes=codes, doc=doc)
