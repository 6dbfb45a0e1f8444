"""jobs: long work run by the job queue, with its state, progress, step and result (issue 13)"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"

_ACTIVE = "state in ('queued', 'running') and dedupe_key is not null"


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False, server_default="queued"),
        sa.Column("progress", sa.Float(), nullable=False, server_default="0"),
        sa.Column("step", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("message", sa.Text(), nullable=False, server_default=""),
        sa.Column("params", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("result", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("dedupe_key", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("worker_host", sa.String(length=255), nullable=False, server_default=""),
        sa.Column("worker_pid", sa.Integer(), nullable=True),
        sa.CheckConstraint("state in ('queued', 'running', 'done', 'failed')", name="ck_jobs_state"),
        sa.CheckConstraint("progress >= 0 and progress <= 1", name="ck_jobs_progress"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_jobs_project_created", "jobs", ["project_id", "created_at"])
    op.create_index("ix_jobs_state", "jobs", ["state"])
    op.create_index("uq_jobs_active_dedupe", "jobs", ["kind", "dedupe_key"], unique=True,
                    sqlite_where=sa.text(_ACTIVE), postgresql_where=sa.text(_ACTIVE))


def downgrade() -> None:
    op.drop_index("uq_jobs_active_dedupe", table_name="jobs")
    op.drop_index("ix_jobs_state", table_name="jobs")
    op.drop_index("ix_jobs_project_created", table_name="jobs")
    op.drop_table("jobs")
