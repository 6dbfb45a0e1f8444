"""job_files: the files a job reads (uploads) and writes (exports), so a worker on another machine can reach
them (issue 13)"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.create_table(
        "job_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False, server_default=""),
        sa.Column("mimetype", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_job_files_job", "job_files", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_job_files_job", table_name="job_files")
    op.drop_table("job_files")
