"""A save answers with its own row's per-link checks at once; the document-level checks follow in the background
(services/recheck.py) and the row's findings cell asks for them until a run has seen the save."""

from __future__ import annotations

import html
import re
import threading
import time
from urllib.parse import parse_qs, urlparse

import pytest

from app.checks.runner import PER_LINK_CHECKS
from app.services import findings
from app.services.recheck import Rechecker
from app.storage import queries
from app.storage.models import Link, Segment


class FakeSession:
    """What a Rechecker opens around a run, when the run is a stand-in."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


POLL = re.compile(r'hx-get="([^"]*/findings\?[^"]*seg=[^"]*)" hx-trigger="every (\d+)ms"')


def _save(client, auth, seg_id, text, base):
    return client.post(f"/segments/{seg_id}", data={"text": text, "base_version": base, "csrf_token": auth.token("/")},
                       headers={"HX-Request": "true"})


def _row_with_document_findings(session, doc_id):
    """A link of the demo with a document-level finding and one English paragraph, and that paragraph."""
    found = findings.document_findings(session, doc_id)
    for link_id, fs in found.by_link.items():
        link = session.get(Link, link_id)
        en = [m.segment for m in link.members if m.segment.side == "en"]
        if len(en) == 1 and any(f.check not in PER_LINK_CHECKS for f in fs):
            return link, en[0]
    raise AssertionError("the demo has no row with a document-level finding")


def _checks_in(cell: str) -> list[str]:
    return sorted(re.findall(r"<code>([a-z.-]+)</code>", cell))


def _follow(client, answer: str, seconds: float = 20.0) -> str:
    """Ask for the row's findings as the grid does (every poll interval; 204: not yet) until they come."""
    deadline = time.monotonic() + seconds
    found = POLL.search(answer)
    assert found
    while True:
        assert time.monotonic() < deadline, "the document checks never came"
        time.sleep(int(found.group(2)) / 1000)
        response = client.get(html.unescape(found.group(1)), headers={"HX-Request": "true"})
        if response.status_code != 204:
            assert response.status_code == 200
            return response.get_data(as_text=True)


def test_save_answers_with_its_rows_checks_and_the_document_checks_follow(app, client, auth, session, demo_doc):
    auth.login("rita", "reviewer-pass-1")
    link, seg = _row_with_document_findings(session, demo_doc)
    text = seg.text + " It followed the Maple Bridge experience."  # a forbidden rendering: a per-link finding
    answer = _save(client, auth, seg.id, text, seg.version).get_data(as_text=True)
    assert 'class="findings pending"' in answer and POLL.search(answer)
    first = _checks_in(answer)
    assert "term.forbidden" in first  # the row's own checks are in the answer at once
    assert all(c in PER_LINK_CHECKS for c in first)  # and only those
    assert "document checks" in answer and "running" in answer

    done = _follow(client, answer)
    assert 'class="findings pending"' not in done and f'id="view-{seg.id}" hx-swap-oob="true"' in done
    assert not POLL.search(done)  # the complete cell asks no more
    session.expire_all()
    expected = sorted(f.check for f in findings.document_findings(session, demo_doc).by_link[link.id])
    assert any(c not in PER_LINK_CHECKS for c in expected)
    # identical findings are one line (×N): compare the checks present
    assert sorted(set(_checks_in(done))) == sorted(set(expected))
    assert app.extensions["duizhao.rechecker"].runs >= 1


def test_the_per_link_answer_equals_the_per_link_part_of_a_full_run(session, demo_doc):
    full = findings.document_findings(session, demo_doc)
    with findings._LOCK:
        findings._RESULTS.clear()  # no complete run: every link gets its per-link checks alone
    links = queries.document_links(session, demo_doc)
    assert len(links) > 10
    seen = 0
    for link in links:
        now = findings.link_findings_now(session, link)
        assert now.pending
        mine = sorted((f.check, f.message, f.key, f.zh_span, f.en_span, f.row) for f in now.by_link.get(link.id, []))
        theirs = sorted((f.check, f.message, f.key, f.zh_span, f.en_span, f.row)
                        for f in full.by_link.get(link.id, []) if f.check in PER_LINK_CHECKS)
        assert mine == theirs, link.position
        seen += len(mine)
        # the spans sit on the same segments
        for spans in ("en_spans", "zh_spans"):
            got = {sid: sorted((a, b, f.key) for a, b, f in v) for sid, v in getattr(now, spans).items()}
            want = {sid: sorted((a, b, f.key) for a, b, f in v if f.check in PER_LINK_CHECKS)
                    for sid, v in getattr(full, spans).items() if sid in got or any(
                        f.check in PER_LINK_CHECKS and f in full.by_link.get(link.id, []) for _a, _b, f in v)}
            assert got == {k: v for k, v in want.items() if v}
    assert seen > 10


def test_a_complete_run_answers_at_once_when_it_saw_the_document_as_it_is(session, demo_doc):
    full = findings.document_findings(session, demo_doc)
    link = queries.document_links(session, demo_doc)[3]
    assert findings.link_findings_now(session, link) is full


def test_the_cell_gives_up_with_a_message_when_the_run_fails(app, client, auth, session, demo_doc, monkeypatch):
    auth.login("rita", "reviewer-pass-1")
    _link, seg = _row_with_document_findings(session, demo_doc)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    rechecker = app.extensions["duizhao.rechecker"]
    monkeypatch.setattr(findings, "document_findings", broken)
    answer = _save(client, auth, seg.id, seg.text + " Checked.", seg.version).get_data(as_text=True)
    deadline = time.monotonic() + 10
    while rechecker.failure(demo_doc) is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    url = html.unescape(POLL.search(answer).group(1))
    cell = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "disk on fire" in cell and "reload the page" in cell and not POLL.search(cell)
    # the save itself stands
    session.expire_all()
    assert session.get(Segment, seg.id).text.endswith(" Checked.")


@pytest.mark.parametrize("saves", [40])
def test_saves_close_together_share_runs(monkeypatch, saves):
    calls: list[float] = []
    done = threading.Event()

    def run(_session, doc_id, **_options):
        calls.append(time.monotonic())
        time.sleep(0.05)  # a run's work
        if len(calls) >= 2:
            done.set()

    monkeypatch.setattr(findings, "document_findings", run)
    monkeypatch.setattr(findings, "store_latest", lambda _session, _doc_id: False)
    rechecker = Rechecker(FakeSession, delay=0.0, min_gap=0.3)
    began = time.monotonic()
    last_request = 0.0
    for _ in range(saves):  # 40 saves over about 1 s
        rechecker.request(7)
        last_request = time.monotonic()
        time.sleep(0.025)
    deadline = time.monotonic() + 5
    while (not calls or calls[-1] < last_request) and time.monotonic() < deadline:
        time.sleep(0.02)
    span = last_request - began
    assert calls and calls[-1] >= last_request  # a run started after the last save: it saw every save
    assert len(calls) <= span / 0.3 + 2  # far fewer runs than saves
    assert all(b - a >= 0.3 - 0.01 for a, b in zip(calls, calls[1:], strict=False))  # the gap holds


def test_a_failed_run_is_recorded_and_cleared_by_the_next(monkeypatch):
    state = {"fail": True}

    def run(_session, _doc_id, **_options):
        if state["fail"]:
            raise ValueError("no such table")

    monkeypatch.setattr(findings, "document_findings", run)
    monkeypatch.setattr(findings, "store_latest", lambda _session, _doc_id: False)
    rechecker = Rechecker(FakeSession, delay=0.0, min_gap=0.05)
    rechecker.request(3)
    deadline = time.monotonic() + 5
    while rechecker.failure(3) is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert "no such table" in rechecker.failure(3)
    state["fail"] = False
    rechecker.request(3)
    while rechecker.failure(3) is not None:
        assert time.monotonic() < deadline
        time.sleep(0.01)


@pytest.mark.browser
def test_the_grid_shows_the_document_checks_after_a_save(live_server, browser_page, app):
    from playwright.sync_api import expect

    from tests.web.conftest import open_document

    base, doc_id = live_server
    page = browser_page
    with app.app_context():
        session = app.extensions["duizhao.sessionmaker"]()
        link, seg = _row_with_document_findings(session, doc_id)
        later = sorted({f.check for f in findings.document_findings(session, doc_id).by_link[link.id]
                        if f.check not in PER_LINK_CHECKS})
        session.close()
    open_document(page, base, doc_id)
    asks: list[str] = []
    page.on("request", lambda r: asks.append(r.url) if "seg=" in r.url else None)
    row = page.locator(f"#row-{link.position + 1}")
    row.locator(".en-view").click()
    box = row.locator("textarea[name=text]")
    box.fill(box.input_value() + " Checked.")
    box.focus()
    page.keyboard.press("Control+Enter")
    row.locator(".saved").wait_for()
    cell = row.locator("td.findings")
    # the answer's cell is the row's own checks; the document checks come in the same cell without a reload
    expect(cell).to_have_class("findings pending")  # the save's answer: the document checks are on their way
    expect(cell).to_have_class("findings", timeout=15_000)
    # the swap took nothing from the reviewer: the editor moved on to the next row and keeps the focus
    expect(page.locator(f"#row-{link.position + 2} textarea[name=text]")).to_be_focused()
    cell.locator("summary").click()
    for check in later:
        expect(cell.locator("code", has_text=check).first).to_be_visible()
    assert "Checked." in row.locator(".en-view").inner_text()
    # the cell's asks name the other rows in view with their findings' signatures (the saved row's is left out)
    shown = dict(item.split(":") for item in parse_qs(urlparse(asks[-1]).query)["rows"][0].split(","))
    assert len(shown) >= 3 and str(link.id) not in shown
    assert all(len(sig) == 8 for sig in shown.values())


def test_long_runs_space_the_next_ones_out(monkeypatch):
    calls: list[tuple[float, float]] = []

    def run(_session, _doc_id, **_options):
        began = time.monotonic()
        time.sleep(0.2)  # a long run (a re-trained word alignment)
        calls.append((began, time.monotonic()))

    monkeypatch.setattr(findings, "document_findings", run)
    monkeypatch.setattr(findings, "store_latest", lambda _session, _doc_id: False)
    rechecker = Rechecker(FakeSession, delay=0.0, min_gap=0.05, max_share=0.25)
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:  # saves all the time
        rechecker.request(5)
        time.sleep(0.01)
    while rechecker.busy(5):
        time.sleep(0.02)
    starts = [a for a, _ in calls]
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    # once a run's length is known, runs take at most a quarter of the time (the first one's was not known)
    assert len(calls) >= 3 and all(g >= 0.2 / 0.25 - 0.02 for g in gaps[1:]), gaps
    assert len(calls) <= 3.0 / 0.8 + 3  # the first two back to back, one every 0.8 s, one after the last save


def test_rows_in_view_whose_findings_the_save_changed_come_with_the_answer(client, auth, session, demo_doc):
    """A save that adds a rendering of a drifting term changes the drift finding of the term's first row."""
    auth.login("rita", "reviewer-pass-1")
    before = findings.document_findings(session, demo_doc)
    drift = next(f for f in before.findings if f.check == "term.drift")
    first = next(lid for lid, fs in before.by_link.items() if drift in fs)
    rendering = drift.extra["renderings"][0]["text"]
    other = next(link for link in queries.document_links(session, demo_doc)  # a row with the term in its Chinese
                 if link.id != first and len([m for m in link.members if m.segment.side == "en"]) == 1
                 and any(drift.extra["term"] in m.segment.text for m in link.members if m.segment.side == "zh"))
    seg = next(m.segment for m in other.members if m.segment.side == "en")
    old = {first: findings.row_signature(before.by_link[first])}
    answer = _save(client, auth, seg.id, seg.text + f" It follows the {rendering}.", seg.version).get_data(
        as_text=True)
    url = html.unescape(POLL.search(answer).group(1))
    shown = ",".join(f"{lid}:{sig}" for lid, sig in old.items())
    deadline = time.monotonic() + 20
    while True:
        response = client.get(f"{url}&rows={shown}", headers={"HX-Request": "true"})
        if response.status_code == 200:
            break
        assert response.status_code == 204 and time.monotonic() < deadline
        time.sleep(0.1)
    done = response.get_data(as_text=True)
    session.expire_all()
    after = findings.document_findings(session, demo_doc)
    assert findings.row_signature(after.by_link[first]) != old[first]  # the drift count moved
    assert f'id="findings-{first}" hx-swap-oob="true" data-sig="{findings.row_signature(after.by_link[first])}"' in done
    # a row shown as it is does not travel again
    unchanged = next(lid for lid in after.by_link if lid not in (first, other.id))
    response = client.get(f"{url}&rows={unchanged}:{findings.row_signature(after.by_link[unchanged])}",
                          headers={"HX-Request": "true"})
    assert response.status_code == 200 and f'id="findings-{unchanged}"' not in response.get_data(as_text=True)


def _wait_idle(rechecker, doc_id, seconds=20.0):
    deadline = time.monotonic() + seconds
    while rechecker.busy(doc_id):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_new_process_reads_the_stored_run_then_fills_its_memo_in_the_background(app, client, auth, session,
                                                                                   demo_doc):
    from app.storage.models import CheckRun

    auth.login("rita", "reviewer-pass-1")
    full = findings.document_findings(session, demo_doc)  # computed and stored
    assert session.query(CheckRun).filter_by(document_id=demo_doc).count() == 1
    findings.forget_cached()  # a new server process
    rechecker = app.extensions["duizhao.rechecker"]
    runs = rechecker.runs
    assert client.get(f"/documents/{demo_doc}").status_code == 200
    _wait_idle(rechecker, demo_doc)
    assert rechecker.runs == runs + 1  # one warm-up run, in the background
    latest = findings.latest_findings(session, demo_doc)
    assert not latest.from_store and latest.findings == full.findings  # the same findings, computed here
    assert any(len(memo) for _entries, _compiled, memo in findings._PAIR_CACHES.values())


def test_the_last_background_run_of_a_burst_is_stored(app, client, auth, session, demo_doc):
    from app.storage.models import CheckRun

    auth.login("rita", "reviewer-pass-1")
    findings.document_findings(session, demo_doc)
    segs = queries.document_segments(session, demo_doc, "en")[:3]
    for seg in segs:
        assert _save(client, auth, seg.id, seg.text + " Checked.", seg.version).status_code == 200
    rechecker = app.extensions["duizhao.rechecker"]
    _wait_idle(rechecker, demo_doc)
    session.expire_all()
    doc = session.get(findings.Document, demo_doc)
    stored = session.query(CheckRun).filter_by(document_id=demo_doc).one()
    assert stored.key == findings.run_key(findings._fingerprint(session, doc))  # what a new process would read


def test_a_warm_up_does_not_space_out_the_re_checks_after_it(monkeypatch):
    import app.services.recheck as recheck

    monkeypatch.setattr(recheck, "WARM_DELAY_SECONDS", 0.0)
    started: list[tuple[str, float]] = []

    def warm(_session, _doc_id):
        started.append(("warm", time.monotonic()))
        time.sleep(0.3)  # a long run: at a share of 0.1 it would ask for a gap of 3 s

    def run(_session, _doc_id, **_options):
        started.append(("run", time.monotonic()))

    monkeypatch.setattr(findings, "warm", warm)
    monkeypatch.setattr(findings, "document_findings", run)
    monkeypatch.setattr(findings, "store_latest", lambda _session, _doc_id: False)
    rechecker = Rechecker(FakeSession, delay=0.0, min_gap=0.05, max_share=0.1)
    rechecker.request(5, warm=True)
    deadline = time.monotonic() + 5
    while rechecker.busy(5):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    asked = time.monotonic()
    rechecker.request(5)
    while len(started) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert [k for k, _ in started] == ["warm", "run"]
    assert started[1][1] - asked < 0.5  # the re-check after the warm-up went at once
    rechecker.stop()
