"""Settings as data: each Setting has a name, a default and a line of help."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple


class Setting(NamedTuple):
    name: str
    default: object
    help: str


SETTINGS = [
    Setting("DATABASE_URL", None, "SQLAlchemy URL; default a SQLite file under instance/"),
    Setting("SECRET_KEY", None, "Flask secret; generated once and kept under instance/ when unset"),
    Setting("MAX_UPLOAD_BYTES", 20 * 1024 * 1024, "Largest file accepted for import, in bytes"),
    Setting("ADMIN_PASSWORD", None, "Password for the first admin; generated and printed when unset"),
    Setting("PAGE_SIZE", 200, "Links per page on the review screen"),
    Setting("ALIGN_METHOD", "embedding", "Aligner for imports, re-alignment and new versions: embedding or length"),
    Setting("MQM_WEIGHTS", "neutral=0,minor=1,major=5,critical=25",
            "Penalty points per error severity for the quality score (MQM)"),
    Setting("MQM_THRESHOLD", 10.0, "A document passes when its penalty per 1,000 source characters is at most this"),
    Setting("QUEUE_URL", "", "Job queue: empty for a SQLite file under instance/ (consumer threads in the server), "
            "redis://HOST:PORT/DB for Redis shared by `duizhao worker` processes, or immediate"),
    Setting("QUEUE_WORKERS", 2, "Jobs run at once: consumer threads in the server, or processes of `duizhao worker`"),
    Setting("JOB_DEDUPE_SECONDS", 600.0, "A second submit with the same form token or files within this many "
            "seconds joins the first job"),
    Setting("JOB_STALE_SECONDS", 60.0, "A running job of a worker on another host is failed when a queue starts "
            "after this long without a heartbeat"),
]

DEFAULTS = {s.name: s.default for s in SETTINGS}


def instance_dir() -> Path:
    """Where the SQLite database and generated secrets live: $DUIZHAO_INSTANCE or ./instance beside app/."""
    env = os.environ.get("DUIZHAO_INSTANCE")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "instance"


def default_database_url() -> str:
    return f"sqlite:///{instance_dir() / 'duizhao.db'}"


def load(overrides: dict | None = None) -> dict:
    """Defaults, then environment variables (DUIZHAO_* or the bare name for DATABASE_URL), then overrides."""
    conf = dict(DEFAULTS)
    for s in SETTINGS:
        for key in (f"DUIZHAO_{s.name}", s.name if s.name == "DATABASE_URL" else None):
            if key and os.environ.get(key):
                val = os.environ[key]
                conf[s.name] = type(s.default)(val) if isinstance(s.default, int | float) else val
                break
    if overrides:
        conf.update(overrides)
    if not conf.get("DATABASE_URL"):
        conf["DATABASE_URL"] = default_database_url()
    return conf



def mqm_weights(value: str) -> dict[str, float]:
    """Parse "neutral=0,minor=1,major=5,critical=25"."""
    weights = {}
    for part in str(value).split(","):
        if "=" in part:
            name, _, number = part.partition("=")
            weights[name.strip()] = float(number)
    return weights
