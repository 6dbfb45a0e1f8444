"""Settings as data: each Setting has a name, a default and a line of help."""

from __future__ import annotations

import os
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
]

DEFAULTS = {s.name: s.default for s in SETTINGS}


def load(overrides: dict | None = None) -> dict:
    """Defaults, then environment variables (DUIZHAO_* or the bare name for DATABASE_URL), then overrides."""
    conf = dict(DEFAULTS)
    for s in SETTINGS:
        for key in (f"DUIZHAO_{s.name}", s.name if s.name == "DATABASE_URL" else None):
            if key and os.environ.get(key):
                val = os.environ[key]
                conf[s.name] = int(val) if isinstance(s.default, int) else val
                break
    if overrides:
        conf.update(overrides)
    return conf
