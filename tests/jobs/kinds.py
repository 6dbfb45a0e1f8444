"""Dummy job kinds for the job tests, and a worker process that runs them (for the kill -9 tests).

    python -m tests.jobs.kinds DATABASE_URL QUEUE_URL QUEUE_NAME
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app import jobs
from app.errors import InputError
from app.storage.models import Document, Segment

TITLE = "job test document"


@jobs.register("test.insert", steps={"aligning": 3, "storing": 1})
def insert_rows(session, job, progress, *, project_id, rows=3, compute=4, pause=0.05, fail_at=None,
                crash_at=None, marker=None, hold=0.0):
    """Compute for a while (reporting *aligning*), then store a document and its rows one by one."""
    for i in range(compute):
        progress("aligning", i / compute)
        time.sleep(pause)
    progress("storing")
    doc = Document(project_id=project_id, title=TITLE, created_by_id=job.user_id)
    session.add(doc)
    session.flush()
    for i in range(rows):
        session.add(Segment(document_id=doc.id, side="zh", position=i, text=f"第{i}段", original=f"第{i}段"))
        session.flush()
        progress("storing", (i + 1) / rows)
        if fail_at == i:
            raise InputError(f"row {i}: the file says something odd\nand this is its second line")
        if crash_at == i:
            raise ZeroDivisionError("division by zero")
        if marker and i == 1:
            Path(marker).write_text(str(doc.id))
            deadline = time.monotonic() + hold
            while time.monotonic() < deadline:  # held open, rows flushed but not committed: kill me now
                time.sleep(0.05)
        time.sleep(pause)
    return {"result_id": doc.id, "rows": rows}


def main(argv: list[str]) -> None:
    database_url, queue_url, name = argv
    queue = jobs.JobQueue({"DATABASE_URL": database_url, "QUEUE_URL": queue_url, "JOB_STALE_SECONDS": 2},
                          name=name)
    queue.interval = 0.05
    jobs.run_worker(queue=queue, workers=1, worker_type="process")


if __name__ == "__main__":
    main(sys.argv[1:])
