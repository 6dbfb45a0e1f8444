"""Job kinds: a name, the function that does the work and the steps it reports.

A service registers its long work once, at import time::

    @jobs.register("import", steps=("decoding", "splitting", "encoding", "aligning", "checking", "storing"))
    def import_job(session, job, progress, *, project_id, title, files):
        progress("decoding")
        ...
        progress("aligning", 0.5)      # half-way through aligning
        ...
        return document.id             # the job's result_id

The function runs inside one transaction that the runner commits when it returns (and rolls back
if it raises); it must not commit itself. It returns None, the result id, or a dict with an optional
``result_id`` and anything else worth keeping (stored as JSON in ``jobs.result``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from app.errors import AppError

# The steps long work goes through, in order; a kind reports some of them.
STEPS = ("decoding", "splitting", "encoding", "aligning", "checking", "storing")


@dataclass(frozen=True)
class JobKind:
    name: str
    func: Callable
    # step name → its share of the whole job (the shares add up to 1).
    weights: Mapping[str, float] = field(default_factory=dict)
    help: str = ""

    def overall(self, step: str, fraction: float) -> float | None:
        """The job's progress when ``step`` is ``fraction`` done; None when the kind has no such step."""
        if step not in self.weights:
            return None
        before = 0.0
        for name, weight in self.weights.items():
            if name == step:
                return before + weight * min(1.0, max(0.0, fraction))
            before += weight
        return None  # pragma: no cover


KINDS: dict[str, JobKind] = {}


def _weights(steps: Iterable[str] | Mapping[str, float]) -> dict[str, float]:
    if isinstance(steps, Mapping):
        total = sum(steps.values()) or 1.0
        return {name: w / total for name, w in steps.items()}
    names = list(steps)
    return {name: 1.0 / len(names) for name in names}


def register(name: str, func: Callable | None = None, *, steps: Iterable[str] | Mapping[str, float] = (),
             help: str = ""):
    """Register ``func`` as job kind ``name`` (also usable as a decorator).

    ``steps`` lists the steps the job reports, in order, equally weighted, or maps them to weights
    (``{"encoding": 4, "aligning": 3, "storing": 1}``). Registering a name twice with another
    function is an error: one registry, one place.
    """

    def decorator(fn: Callable) -> Callable:
        known = KINDS.get(name)
        same = known is not None and (known.func.__module__, known.func.__qualname__) == (fn.__module__,
                                                                                         fn.__qualname__)
        if known is not None and not same:
            raise ValueError(f"job kind {name!r} is already registered by {known.func.__module__}")
        KINDS[name] = JobKind(name, fn, _weights(steps), help or (fn.__doc__ or "").strip().split("\n")[0])
        return fn

    return decorator(func) if func is not None else decorator


def unregister(name: str) -> None:
    KINDS.pop(name, None)


def get_kind(name: str) -> JobKind:
    try:
        return KINDS[name]
    except KeyError:
        raise AppError(f"unknown job kind {name!r}") from None
