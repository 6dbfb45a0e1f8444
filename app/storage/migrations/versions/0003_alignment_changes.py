"""alignment history; retired and needs-review segments for new versions"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("needs_review", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "alignment_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("op", sa.String(length=20), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undoes_id", sa.Integer(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["undoes_id"], ["alignment_changes.id"]),
        sa.ForeignKeyConstraint(["undone_by_id"], ["alignment_changes.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alignment_changes", schema=None) as batch_op:
        batch_op.create_index("ix_alignment_changes_document", ["document_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alignment_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_alignment_changes_document")
    op.drop_table("alignment_changes")
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_column("needs_review")
        batch_op.drop_column("retired")
