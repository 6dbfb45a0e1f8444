"""Serve the web application with waitress: ``python -m app.serve [--host H] [--port P]``."""

from __future__ import annotations

import argparse
import sys

from waitress import serve

from app import config, create_app
from app.errors import AppError
from app.storage.db import require_current


def main(argv=None) -> int:
    conf = config.load()  # read once; create_app gets the same values
    parser = argparse.ArgumentParser(prog="python -m app.serve", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=conf["PORT"])
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)

    app = create_app(conf)
    try:
        require_current(app.extensions["duizhao.engine"])
    except AppError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    print(f"duizhao is serving on http://{args.host}:{args.port}/  (Ctrl+C stops it)", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
