"""The findings report (grouped by check and term, with rows), its dismissals, the next-finding jump and a
row's sentence pairs, through the web routes."""

from __future__ import annotations

import html
import re

from app.services import findings
from app.storage.models import Link


def _report_html(client, doc_id, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"/documents/{doc_id}/findings" + (f"?{query}" if query else ""),
                          headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_report_groups_by_check_and_term_with_rows(client, auth, demo_doc, session):
    auth.login("rita")
    page = _report_html(client, demo_doc)
    qa = findings.group_findings(session, demo_doc, 200)
    forbidden = next(c for c in qa.checks if c.check == "term.forbidden")
    two_sessions = next(g for g in forbidden.groups if g.label == "全国两会")
    assert two_sessions.count == 12  # 8 + 3 + 1 occurrences of three forbidden renderings
    assert f'data-group="{two_sessions.ident}"' in page
    assert "×12" in page
    # every occurrence is one line with its 1-based row, linking to its page of the grid
    rows = re.findall(r'data-row="(\d+)"', page)
    assert len(rows) == qa.count == len(findings.document_findings(session, demo_doc).findings)
    assert f'href="/documents/{demo_doc}?page=1#row-1"' in page


def test_full_page_needs_no_script_and_filters_by_severity(client, auth, demo_doc):
    auth.login("tom")
    page = client.get(f"/documents/{demo_doc}/findings?severity=minor").get_data(as_text=True)
    assert "<html" in page and 'id="qa-pane"' in page and "hx-post" not in page
    shown = re.findall(r'class="qa-occ sev-(\w+)"', page)
    assert shown and set(shown) == {"minor"}
    assert "Dismiss" not in page  # a translator may not dismiss


def test_dismiss_group_refreshes_the_rows(client, auth, demo_doc, session):
    auth.login("rita")
    qa = findings.group_findings(session, demo_doc, 200)
    group = next(g for c in qa.checks for g in c.groups if g.label == "控告申诉")
    rows = {o.link_id for o in group.occurrences}
    response = client.post(f"/documents/{demo_doc}/findings/dismiss", data={"group": group.ident},
                           headers={"HX-Request": "true", "X-CSRFToken": auth.token(f"/documents/{demo_doc}")})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_data(as_text=True)
    assert '<section id="qa-pane"' in body and f"Dismissed {group.count} findings." in body
    for link_id in rows:  # each affected row's findings cell, out of band
        assert f'id="findings-{link_id}" hx-swap-oob="true"' in body
    session.expire_all()
    after = findings.group_findings(session, demo_doc, 200)
    assert after.group(group.ident) is None
    assert after.count == qa.count - group.count


def test_translator_cannot_dismiss_a_group(client, auth, demo_doc, session):
    auth.login("tom")
    group = findings.group_findings(session, demo_doc, 200).checks[0].groups[0]
    response = client.post(f"/documents/{demo_doc}/findings/dismiss", data={"group": group.ident},
                           headers={"X-CSRFToken": auth.token(f"/documents/{demo_doc}")})
    assert response.status_code == 403


def test_next_finding_crosses_pages(client, auth, app, demo_doc, session):
    auth.login("tom")
    app.config["PAGE_SIZE"] = 5
    found = findings.document_findings(session, demo_doc)
    flagged = findings.flagged_rows(session, demo_doc, found)
    after = next(r for r in flagged if r > 5)
    data = client.get(f"/documents/{demo_doc}/findings/next?row=5&dir=1&format=json").get_json()
    assert data["row"] == after and data["url"].endswith(f"page={(after - 1) // 5 + 1}#row-{after}")
    back = client.get(f"/documents/{demo_doc}/findings/next?row={after}&dir=-1&format=json").get_json()
    assert back["row"] == max(r for r in flagged if r < after)
    last = client.get(f"/documents/{demo_doc}/findings/next?row={flagged[-1]}&dir=1&format=json").get_json()
    assert last == {"row": None, "url": None}
    redirect = client.get(f"/documents/{demo_doc}/findings/next?row=5")
    assert redirect.status_code == 302 and redirect.headers["Location"].endswith(f"#row-{after}")


def test_sentence_pairs_of_a_row(client, auth, demo_doc, session):
    auth.login("tom")
    link = session.query(Link).filter_by(document_id=demo_doc, position=12).one()  # row 13: Maple Bridge
    body = client.get(f"/links/{link.id}/sentences", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert body.lstrip().startswith('<tr class="sentences-row"')
    assert "Row 13 ·" in body and "sentence pair" in body
    assert "Maple Bridge experience" in body
    page = client.get(f"/links/{link.id}/sentences")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)


def test_identical_findings_in_a_row_are_one_line(client, auth, demo_doc):
    auth.login("rita")
    page = client.get(f"/documents/{demo_doc}").get_data(as_text=True)
    row1 = page.split('id="row-1"')[1].split('id="row-2"')[0]
    path = re.search(r'hx-get="(/links/\d+/findings)"', row1).group(1)  # the row's list loads when opened
    cell = html.unescape(client.get(path, headers={"HX-Request": "true"}).get_data(as_text=True))
    assert cell.count("'National Two Sessions' is a forbidden rendering") == 1
    assert '<span class="times" title="2 identical findings in this row">×2</span>' in cell
    assert "Dismiss ×2" in cell


def test_the_pane_lists_a_few_occurrences_per_group_the_page_all(client, auth, demo_doc, monkeypatch):
    from app.web import findings as web_findings

    monkeypatch.setattr(web_findings, "PANE_OCCURRENCES", 5)
    auth.login("rita")
    pane = _report_html(client, demo_doc)
    group = pane.split('data-group="term.forbidden/term:全国两会"')[1].split("</details>")[0]
    assert group.count('class="qa-occ ') == 5 and "… 7 more: this group alone" in group
    page = client.get(f"/documents/{demo_doc}/findings").get_data(as_text=True)
    group = page.split('data-group="term.forbidden/term:全国两会"')[1].split("</details>")[0]
    assert group.count('class="qa-occ ') == 12 and "more: this group alone" not in group


def test_the_page_lists_a_hundred_a_group_and_one_group_alone_all(client, auth, demo_doc, session, monkeypatch):
    from app.web import findings as web_findings

    monkeypatch.setattr(web_findings, "PAGE_OCCURRENCES", 5)
    auth.login("rita")
    page = client.get(f"/documents/{demo_doc}/findings").get_data(as_text=True)
    group = page.split('data-group="term.forbidden/term:全国两会"')[1].split("</details>")[0]
    assert group.count('class="qa-occ ') == 5
    more = re.search(r'<a href="([^"]+)">… 7 more: this group alone</a>', group)
    alone = client.get(html.unescape(more.group(1))).get_data(as_text=True)
    assert alone.count('class="qa-occ ') == 12 and alone.count('class="qa-group ') == 1
    assert "the whole report" in alone
    assert client.get(f"/documents/{demo_doc}/findings?group=nothing/here").status_code == 400
    # one form per group, a tick per occurrence: the ticked ones are dismissed
    form = re.search(r'<form method="post" action="([^"]+)" class="inline" id="(pick-[^"]+)">.*?name="csrf_token" '
                     r'value="([^"]+)"', alone, re.S)
    keys = re.findall(rf'<input type="checkbox" name="key" value="([^"]+)" form="{form.group(2)}">', alone)
    assert len(keys) == 12 and alone.count('name="csrf_token"') <= 4
    response = client.post(form.group(1), data={"csrf_token": form.group(3), "key": keys[:2], "severity": ""})
    assert response.status_code == 302
    open_keys = {f.key for f in findings.document_findings(session, demo_doc).findings}
    ticked = set(keys[:2])  # identical findings share a key: a key dismisses all of them
    assert not ticked & open_keys and set(keys) - ticked and set(keys) - ticked <= open_keys
