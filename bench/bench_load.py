"""Load test of the review screen's save: reviewers saving their own paragraphs through a real HTTP server.

The 1,980-link benchmark document is served by waitress on 127.0.0.1 (a free port, as ``app.serve`` serves:
4 threads, in a server process of its own, which starts the re-check worker process as app.serve does); each
reviewer is a thread with its own logged-in session (a project member with the reviewer
role) that saves its own paragraphs one after another, as the grid does (POST /segments/<id>, htmx: the
answer holds the cell and the row's own per-link findings; the document-level checks follow in the server's
background re-check, and during its think time the reviewer asks for the row's findings again every poll
interval, as the grid does, until they are complete: the time from the save to that is reported too).
Afterwards every acknowledged save is looked up in the database: the revision with that version and text, and
the paragraph's final text and version.

Pacing: a think time drawn uniformly from [--think-min, --think-max] seconds between a reviewer's saves
(default 1-3 s, mean 2 s: a fast professional confirms a paragraph every 10-30 s, so this is 5-15 times a
human pace), and the same test again with no think time at all (each reviewer saves as fast as answers come).

Runs on SQLite (a temporary file) and on PostgreSQL when --database-url or DATABASE_URL names a server: the
test creates its own database there (``duizhao_load_<pid>``) and drops it afterwards; when the server cannot
be reached the PostgreSQL rows are skipped with a line saying why.
Usage: python bench/bench_load.py [--reviewers 20] [--saves 50] [--database-url URL] [--no-sqlite]
"""

from __future__ import annotations

import argparse
import html
import http.client
import logging
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEADLINE_SECONDS = 600  # one run stops by itself after this long, whatever is left
SERVER_THREADS = 4  # app.serve's default


@dataclass
class Reviewer:
    """One reviewer's session and the saves the server acknowledged."""

    name: str
    segments: list[tuple[int, str, int]]  # segment id, text, version at the start
    cookie: str = ""
    latencies: list[float] = field(default_factory=list)
    acked: list[tuple[int, int, str]] = field(default_factory=list)  # segment id, version, text
    errors: list[str] = field(default_factory=list)
    fresh: list[float] = field(default_factory=list)  # seconds from a save to its row's complete findings
    stale: int = 0  # saves whose complete findings had not come by the end of the think time
    polls: int = 0


def _request(conn: http.client.HTTPConnection, method: str, path: str, form: dict, cookie: str, htmx: bool):
    body = urllib.parse.urlencode(form)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Connection": "keep-alive"}
    if cookie:
        headers["Cookie"] = cookie
    if htmx:
        headers["HX-Request"] = "true"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    cookies = [c.split(";", 1)[0] for k, c in response.getheaders() if k.lower() == "set-cookie"]
    return response.status, data, cookies


def _login(port: int, reviewer: Reviewer, password: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    status, _data, cookies = _request(conn, "POST", "/auth/login",
                                      {"username": reviewer.name, "password": password}, "", False)
    conn.close()
    if status not in (200, 302) or not cookies:
        raise RuntimeError(f"login of {reviewer.name} failed: HTTP {status}")
    reviewer.cookie = "; ".join(cookies)


def _work(port: int, reviewer: Reviewer, saves: int, think: tuple[float, float], start: threading.Event,
          stop_at: float, seed: int) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    versions = {sid: version for sid, _text, version in reviewer.segments}
    texts = {sid: text for sid, text, _version in reviewer.segments}
    start.wait()
    for n in range(saves):
        if time.monotonic() > stop_at:
            reviewer.errors.append("deadline reached")
            break
        wait = rng.uniform(*think) if think[1] > 0 else 0.0
        if n == 0:
            time.sleep(wait)
        sid = reviewer.segments[n % len(reviewer.segments)][0]
        text = f"{texts[sid]} [{reviewer.name} edit {n}]"
        t = time.perf_counter()
        try:
            status, data, _ = _request(conn, "POST", f"/segments/{sid}",
                                       {"text": text, "base_version": versions[sid]}, reviewer.cookie, True)
        except (OSError, http.client.HTTPException) as exc:
            reviewer.errors.append(f"{type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        reviewer.latencies.append(time.perf_counter() - t)
        if status == 200:
            versions[sid] += 1
            reviewer.acked.append((sid, versions[sid], text))
        else:
            reviewer.errors.append(f"HTTP {status}: {data[:200]!r}")
            continue
        if wait:  # the think time: the grid asks for the document-level checks meanwhile, as the browser does
            conn = _follow(conn, port, reviewer, data, t, t + wait)
            time.sleep(max(0.0, t + wait - time.perf_counter()))
    conn.close()


POLL_RE = re.compile(rb'hx-get="([^"]*/findings\?[^"]*seg=[^"]*)" hx-trigger="every (\d+)ms"')


def _follow(conn, port: int, reviewer: Reviewer, answer: bytes, began: float, until: float):
    """Ask for the row's findings as the grid does after a save (every poll interval) until they include the
    document-level checks, or until the reviewer's think time is over; the time to complete findings is kept."""
    found = POLL_RE.search(answer)
    if found is None:  # complete already
        reviewer.fresh.append(time.perf_counter() - began)
        return conn
    url, every = html.unescape(found.group(1).decode()), int(found.group(2)) / 1000
    while True:
        time.sleep(every)
        if time.perf_counter() > until:
            reviewer.stale += 1
            return conn
        try:
            status, answer, _ = _request(conn, "GET", url, {}, reviewer.cookie, True)
        except (OSError, http.client.HTTPException) as exc:
            reviewer.errors.append(f"poll: {type(exc).__name__}: {exc}")
            conn.close()
            return http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        reviewer.polls += 1
        if status == 204:  # not yet
            continue
        if status != 200 or b"not shown" in answer:
            reviewer.errors.append(f"poll: HTTP {status} {answer[:120]!r}")
            return conn
        reviewer.fresh.append(time.perf_counter() - began)
        return conn


def _serve_child(url: str, recheck: str | None) -> int:
    """``--serve``: this process is the server, as ``app.serve`` runs it (waitress, its threads, the re-checks
    started with it); it prints its port and serves until its standard input closes."""
    from review_doc import bench_app
    from waitress import create_server

    from app.checks.runner import warm_up

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" is what we measure
    app = bench_app(url, recheck)
    warm_up()
    rechecker = app.extensions["duizhao.rechecker"]
    rechecker.start()  # as app.serve does: a worker process (when there is one) starts with the server
    rechecker.wait_ready(60)  # its dictionaries load while the server starts; reviewers come later
    server = create_server(app, host="127.0.0.1", port=0, threads=SERVER_THREADS)
    threading.Thread(target=server.run, daemon=True).start()
    print(server.effective_port, flush=True)
    sys.stdin.read()  # the load test closes it when it is done
    server.close()
    rechecker.stop(timeout=10)
    app.extensions["duizhao.engine"].dispose()
    return 0


def _serve(url: str, recheck: str | None):
    """The server in a process of its own (the reviewers' threads do not share its interpreter, as browsers
    do not); returns its port and a function that stops it."""
    import subprocess

    child = subprocess.Popen([sys.executable, __file__, "--serve", url, recheck or ""], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline()
    if not line.strip().isdigit():
        child.kill()
        raise RuntimeError(f"the server process did not start (it said {line!r})")

    def close():
        child.stdin.close()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()

    return int(line), close


def _prepare(app, repeat: int, reviewers: int, per_reviewer: int, password: str):
    """The document, the reviewers (project members) and each reviewer's own paragraphs."""
    from review_doc import build_document

    from app import services
    from app.storage import queries

    sessions = app.extensions["duizhao.sessionmaker"]
    with sessions() as s:
        _admin, doc = build_document(s, repeat)
        segments = queries.document_segments(s, doc.id, "en")
        names = []
        for k in range(reviewers):
            user, _ = services.create_user(s, f"reviewer{k + 1:02d}", "reviewer", password)
            services.add_member(s, doc.project, user, "reviewer")
            names.append(user.username)
        s.commit()
        # reviewer k owns a stretch of the document (its k-th share) and edits its first paragraphs
        share = len(segments) // reviewers
        return doc.id, names, [
            [(seg.id, seg.text, seg.version) for seg in segments[k * share:k * share + min(per_reviewer, share)]]
            for k in range(reviewers)]


def _open_page(port: int, reviewer: Reviewer, doc_id: int) -> None:
    """A reviewer opens the document before editing it (not timed: the save is what is measured)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", f"/documents/{doc_id}", headers={"Cookie": reviewer.cookie})
    status = conn.getresponse().status
    conn.close()
    if status != 200:
        raise RuntimeError(f"{reviewer.name} cannot open the document: HTTP {status}")


def run_once(app, port: int, doc_id: int, owned, names, saves: int, think: tuple[float, float],
             password: str) -> dict:
    """One load run; returns latencies and the check of every acknowledged save against the database."""
    from sqlalchemy import select

    from app.storage.models import Revision, Segment

    sessions = app.extensions["duizhao.sessionmaker"]
    with sessions() as s:  # the paragraphs as they are now (an earlier run may have edited them)
        now = {row.id: (row.text, row.version) for row in s.execute(
            select(Segment.id, Segment.text, Segment.version).where(
                Segment.id.in_([sid for segs in owned for sid, _t, _v in segs])))}
    reviewers = [Reviewer(name, [(sid, *now[sid]) for sid, _t, _v in segs])
                 for name, segs in zip(names, owned, strict=True)]
    for r in reviewers:
        _login(port, r, password)
    _open_page(port, reviewers[0], doc_id)
    start = threading.Event()
    stop_at = time.monotonic() + DEADLINE_SECONDS
    threads = [threading.Thread(target=_work, args=(port, r, saves, think, start, stop_at, k), daemon=True)
               for k, r in enumerate(reviewers)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    start.set()
    for t in threads:
        t.join(timeout=DEADLINE_SECONDS + 60)
    wall = time.perf_counter() - began
    acked = [a for r in reviewers for a in r.acked]
    lost = 0
    with sessions() as s:
        revs = {(row.segment_id, row.version): row.after for row in s.execute(
            select(Revision.segment_id, Revision.version, Revision.after).where(
                Revision.segment_id.in_(list(now))))}
        final = {row.id: (row.text, row.version) for row in s.execute(
            select(Segment.id, Segment.text, Segment.version).where(Segment.id.in_(list(now))))}
    last: dict[int, tuple[int, str]] = {}
    for sid, version, text in acked:
        if revs.get((sid, version)) != text:
            lost += 1
        if sid not in last or version > last[sid][0]:
            last[sid] = (version, text)
    for sid, (version, text) in last.items():
        if final[sid] != (text, version):
            lost += 1
    latencies = sorted(x for r in reviewers for x in r.latencies)
    return {"latencies": latencies, "acked": len(acked), "wall": wall, "lost": lost,
            "errors": [e for r in reviewers for e in r.errors], "fresh": sorted(x for r in reviewers for x in r.fresh),
            "stale": sum(r.stale for r in reviewers), "polls": sum(r.polls for r in reviewers)}


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(round(q * (len(sorted_values) - 1))))]


def _postgres_database(url: str):
    """A fresh database on the server of ``url`` and a function that drops it; raises when unreachable."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from app.storage.db import normalise_url

    base = make_url(normalise_url(url))
    name = f"duizhao_load_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop(app) -> None:
        app.extensions["duizhao.engine"].dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=110, help="copies of the demo (110 gives 1,980 links)")
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--saves", type=int, default=50, help="saves per reviewer")
    parser.add_argument("--paragraphs", type=int, default=10, help="paragraphs each reviewer owns and cycles")
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="a PostgreSQL server to test too (default: $DATABASE_URL)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--recheck", choices=("process", "thread"), default=None,
                        help="where the server's document re-checks run (default: RECHECK_WORKER, a worker process)")
    parser.add_argument("--serve", nargs=2, metavar=("URL", "RECHECK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return _serve_child(args.serve[0], args.serve[1] or None)
    from review_doc import PASSWORD, bench_app

    from app.config import DEFAULTS

    targets = []
    if not args.no_sqlite:
        targets.append(("SQLite", f"sqlite:///{Path(tempfile.mkdtemp()) / 'load.db'}", None))
    skipped = []
    if args.database_url.startswith(("postgres", "postgresql")):
        try:
            url, drop = _postgres_database(args.database_url)
            targets.append(("PostgreSQL", url, drop))
        except Exception as exc:  # noqa: BLE001 -- any failure to reach the server skips its rows
            skipped.append(f"PostgreSQL: skipped, the server cannot be used ({type(exc).__name__}: "
                           f"{str(exc).splitlines()[0][:160]})")
    else:
        skipped.append("PostgreSQL: skipped (no --database-url and DATABASE_URL is not a postgresql:// URL)")
    pacings = [(f"think {args.think_min:g}-{args.think_max:g} s", (args.think_min, args.think_max)),
               ("no think time", (0.0, 0.0))]
    print(f"Load test: {args.reviewers} reviewers × {args.saves} saves of their own paragraphs "
          f"({args.paragraphs} each), waitress {SERVER_THREADS} threads on 127.0.0.1 in a server process of its "
          f"own, {args.repeat * 18:,} links; "
          f"load average at start {os.getloadavg()[0]:.2f}; document re-checks in "
          + ("a worker process" if (args.recheck or DEFAULTS["RECHECK_WORKER"]) == "process"
             else "the server's thread"))
    header = f"{'database':<11}{'pacing':<16}{'saves':>6}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'saves/s':>9}" \
             f"{'lost':>6}{'errors':>8}   complete findings after a save: p50 / p95 ms (came / late; asks)"
    print(header, flush=True)
    for label, url, drop in targets:
        app = bench_app(url, "thread")  # this process's own app only prepares and verifies (no re-checks)
        try:
            doc_id, names, owned = _prepare(app, args.repeat, args.reviewers, args.paragraphs, PASSWORD)
            port, close = _serve(url, args.recheck)
            try:
                for pacing, think in pacings:
                    result = run_once(app, port, doc_id, owned, names, args.saves, think, PASSWORD)
                    lat = result["latencies"]
                    print(f"{label:<11}{pacing:<16}{result['acked']:>6}{_percentile(lat, .5) * 1e3:>8.0f}"
                          f"{_percentile(lat, .95) * 1e3:>8.0f}{(lat[-1] if lat else float('nan')) * 1e3:>8.0f}"
                          f"{result['acked'] / result['wall']:>9.1f}{result['lost']:>6}{len(result['errors']):>8}"
                          + (f"   {_percentile(fresh, .5) * 1e3:.0f} / {_percentile(fresh, .95) * 1e3:.0f} "
                             f"({len(fresh)} / {result['stale']}; {result['polls']} asks)"
                             if (fresh := result["fresh"]) or result["stale"] else "   (not asked: no think time)"),
                          flush=True)
                    for error in result["errors"][:3]:
                        print(f"    error: {error}", flush=True)
            finally:
                close()
        finally:
            app.extensions["duizhao.rechecker"].stop()  # and its worker process
            if drop is not None:
                drop(app)
    for line in skipped:
        print(line)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
