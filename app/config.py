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
    Setting("PORT", 5000, "Port of `make run` and `python -m app.serve`"),
    Setting("SECRET_KEY", None, "Flask secret; generated once and kept under instance/ when unset"),
    Setting("MAX_UPLOAD_BYTES", 20 * 1024 * 1024, "Largest file accepted for import, in bytes"),
    Setting("ADMIN_PASSWORD", None, "Password for the first admin; generated and printed when unset"),
    Setting("PAGE_SIZE", 200, "Links per page on the review screen"),
    Setting("INSTANCE", None, "Folder of the SQLite file, the secret key and the generated password; ./instance"),
    Setting("ALIGN_METHOD", "embedding", "Aligner for imports, re-alignment, new versions and a review row's sentence "
            "pairs: embedding or length"),
    Setting("WEAK_LINK", 0.5, "Links the aligner made with a confidence below this are marked weak"),
    Setting("MAX_PARAGRAPH_CHARS", 20_000, "Longest paragraph accepted on import; a longer one refuses the file"),
    Setting("SESSION_HOURS", 12, "How long a login lasts without activity, in hours"),
    Setting("SECURE_COOKIES", 0, "1: session cookies only over HTTPS (set it behind a TLS proxy)"),
    Setting("RATELIMIT_STORAGE", "memory://",
            "Where login-attempt counts live: memory:// (one process) or redis://127.0.0.1:6379/1 (several)"),
    Setting("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute", "Failed logins allowed per account before 429"),
    Setting("LOGIN_LIMIT_PER_ADDRESS", "20 per minute", "Failed logins allowed per client address before 429"),
    Setting("MQM_WEIGHTS", "neutral=0,minor=1,major=5,critical=25",
            "Penalty points per error severity for the quality score (MQM)"),
    Setting("MQM_THRESHOLD", 10.0, "A document passes when its penalty per 1,000 source characters is at most this"),
    Setting("QUEUE_URL", "", "Job queue: empty for a SQLite file under instance/ (consumer threads in the server), "
            "redis://HOST:PORT/DB for Redis shared by `duizhao worker` processes, or immediate"),
    Setting("RECHECK_WORKER", "process", "Where the document checks after a save run: process (a worker process "
            "beside each server process) or thread (in the server process; the tests' default)"),
    Setting("QUEUE_WORKERS", 2, "Jobs run at once: consumer threads in the server, or processes of `duizhao worker`"),
    Setting("JOB_DEDUPE_SECONDS", 600.0, "A second submit with the same form token or files within this many "
            "seconds joins the first job"),
    Setting("JOB_STALE_SECONDS", 60.0, "A running job of a worker on another host is failed when a queue starts "
            "after this long without a heartbeat"),
]

DEFAULTS = {s.name: s.default for s in SETTINGS}


BARE = ("DATABASE_URL", "PORT")  # read from the environment under their own names


def env_name(setting: Setting) -> str:
    """The environment variable of a setting: DUIZHAO_<NAME>; DATABASE_URL and PORT as they are."""
    return setting.name if setting.name in BARE else f"DUIZHAO_{setting.name}"


def load(overrides: dict | None = None) -> dict:
    """Every setting, read once: defaults, then environment variables (see ``env_name``), then ``overrides``.

    Derived values: INSTANCE (a Path; ./instance beside app/ when unset) and DATABASE_URL (a SQLite file
    under INSTANCE when unset).
    """
    conf = dict(DEFAULTS)
    for s in SETTINGS:
        value = os.environ.get(env_name(s))
        if value:
            conf[s.name] = type(s.default)(value) if isinstance(s.default, int | float) else value
    if overrides:
        conf.update(overrides)
    conf["INSTANCE"] = Path(conf["INSTANCE"]) if conf.get("INSTANCE") else Path(__file__).resolve().parent.parent \
        / "instance"
    if not conf.get("DATABASE_URL"):
        conf["DATABASE_URL"] = f"sqlite:///{conf['INSTANCE'] / 'duizhao.db'}"
    return conf


def mqm_weights(value: str) -> dict[str, float]:
    """Parse "neutral=0,minor=1,major=5,critical=25"."""
    weights = {}
    for part in str(value).split(","):
        if "=" in part:
            name, _, number = part.partition("=")
            weights[name.strip()] = float(number)
    return weights
