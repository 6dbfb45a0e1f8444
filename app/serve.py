"""Serve the web application with waitress: ``python -m app.serve [--host H] [--port P]``."""

from __future__ import annotations

import argparse
import sys
import threading

from waitress import serve

from app import config, create_app, jobs
from app.checks.runner import warm_up
from app.errors import AppError
from app.storage.db import require_current


def main(argv=None) -> int:
    conf = config.load()  # read once; create_app gets the same values
    parser = argparse.ArgumentParser(prog="python -m app.serve", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=conf["PORT"])
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)

    try:
        app = create_app(conf)
        require_current(app.extensions["duizhao.engine"])
    except AppError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    # the checks' dictionaries load beside the server, not during the first reviewer's page
    threading.Thread(target=warm_up, name="duizhao-warm-up", daemon=True).start()
    app.extensions["duizhao.rechecker"].start()  # the re-check worker process loads its own meanwhile
    consumer = start_jobs(app, jobs)
    print(f"duizhao is serving on http://{args.host}:{args.port}/  (Ctrl+C stops it)", flush=True)
    try:
        serve(app, host=args.host, port=args.port, threads=args.threads)
    finally:
        jobs.stop_consumer(consumer, timeout=10)
        app.extensions["duizhao.rechecker"].stop(timeout=10)
    return 0


def start_jobs(app, jobs):
    """The job queue's consumer threads in this process (the default SQLite queue); with Redis the
    ``duizhao worker`` processes run the jobs and the server only recovers the queue."""
    queue = app.extensions["duizhao.queue"]
    if queue.kind == "redis":
        queue.recover()
        print("Jobs go to Redis: run `duizhao worker` to do them.", flush=True)
        return None
    return jobs.start_consumer(queue, workers=int(app.config["QUEUE_WORKERS"]))


if __name__ == "__main__":
    sys.exit(main())
