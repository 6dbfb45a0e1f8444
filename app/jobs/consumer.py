"""Consumers: in the server's process as threads, or as worker processes of their own.

The server calls ``start_consumer(queue)`` once it is up and ``stop_consumer(consumer)`` when it
stops; ``duizhao worker`` calls ``run_worker(conf)``, which returns when it gets SIGINT or SIGTERM.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from huey.consumer import Consumer

from app.jobs.queue import JobQueue

log = logging.getLogger(__name__)

# An idle SQLite queue is polled at most this often; Redis blocks on the queue instead.
MAX_POLL_SECONDS = 0.5


class EmbeddedConsumer(Consumer):
    """A huey consumer that leaves the signals to the server it runs in."""

    def _set_signal_handlers(self):
        pass


def _options(queue: JobQueue, workers: int, worker_type: str) -> dict:
    return {"workers": max(1, int(workers)), "worker_type": worker_type, "periodic": True,
            "initial_delay": 0.05, "backoff": 1.5, "max_delay": MAX_POLL_SECONDS}


def start_consumer(queue: JobQueue, workers: int = 2) -> EmbeddedConsumer | None:
    """Recover the queue and start ``workers`` consumer threads in this process; None for an immediate queue."""
    queue.recover()
    if queue.kind == "immediate":
        return None
    consumer = EmbeddedConsumer(queue.huey, **_options(queue, workers, "thread"))
    consumer.start()
    return consumer


def stop_consumer(consumer: EmbeddedConsumer | None, timeout: float = 10.0) -> None:
    """Stop the threads, letting a running job finish for up to ``timeout`` seconds; one still running
    after that is failed by the next start (the threads are daemons and die with the process)."""
    if consumer is None:
        return
    consumer.shutdown_timeout = timeout
    consumer.stop(graceful=True)


def run_worker(conf: Mapping | None = None, *, workers: int = 2, worker_type: str = "process",
               queue: JobQueue | None = None) -> None:
    """Run ``workers`` consumer processes (or threads) until SIGINT/SIGTERM: the ``duizhao worker`` command.

    The job kinds must be registered before this is called (import the services first): forked
    workers inherit the registry.
    """
    queue = queue or JobQueue(conf)
    if queue.kind == "immediate":
        raise ValueError("an immediate queue has no worker: set QUEUE_URL to redis://… or leave it empty")
    failed, resent = queue.recover()
    log.info("worker: %d dead job(s) failed, %d queued job(s) sent again", len(failed), len(resent))
    queue.dispose()  # forked children open their own connections
    Consumer(queue.huey, **_options(queue, workers, worker_type)).run()
