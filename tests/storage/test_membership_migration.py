"""Migration 0007 gives existing users membership of the projects they have touched (issue 11)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from app.storage.db import alembic_config, make_engine


def test_existing_users_become_members_of_what_they_touched(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    cfg = alembic_config(engine)
    command.upgrade(cfg, "0006")
    with engine.begin() as conn:
        for i, (name, role) in enumerate([("ed", "translator"), ("rev", "reviewer"), ("idle", "translator")], 1):
            conn.execute(text("INSERT INTO users (id, username, password_hash, role, active, created_at) "
                              "VALUES (:i, :n, 'x', :r, 1, CURRENT_TIMESTAMP)"), {"i": i, "n": name, "r": role})
        for pid in (1, 2):
            conn.execute(text("INSERT INTO projects (id, name, description, created_at) "
                              "VALUES (:i, :n, '', CURRENT_TIMESTAMP)"), {"i": pid, "n": f"P{pid}"})
        conn.execute(text("INSERT INTO documents (id, project_id, title, zh_filename, en_filename, aligner, "
                          "created_at, created_by_id) VALUES (1, 1, 't', '', '', '', CURRENT_TIMESTAMP, 2)"))
        conn.execute(text("INSERT INTO segments (id, document_id, side, level, position, text, original, version,"
                          " retired, needs_review) VALUES (1, 1, 'en', 'paragraph', 0, 'a', 'a', 1, 0, 0)"))
        conn.execute(text("INSERT INTO revisions (id, document_id, segment_id, version, before, after, author_id,"
                          " created_at, reason, origin) VALUES (1, 1, 1, 1, 'a', 'b', 1, CURRENT_TIMESTAMP, '',"
                          " 'edit')"))
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        members = set(conn.execute(text("SELECT project_id, user_id, role FROM project_members")))
        epochs = set(conn.execute(text("SELECT session_epoch FROM users")))
    assert members == {(1, 1, "translator"), (1, 2, "reviewer")}  # "idle" touched nothing; nobody touched P2
    assert epochs == {(0,)}
    engine.dispose()
