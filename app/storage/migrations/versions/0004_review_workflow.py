"""review workflow: link statuses with their history, comments, time spent per revision"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=False, server_default="translated"))
        batch_op.add_column(sa.Column("status_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("status_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key("fk_links_status_by", "users", ["status_by_id"], ["id"])
        batch_op.create_check_constraint(
            "ck_links_status", "status in ('untranslated', 'translated', 'reviewed', 'approved', 'rejected')")
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seconds", sa.Float(), nullable=True))
    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.String(length=20), nullable=False),
        sa.Column("after", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["link_id"], ["links.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_status_changes_link", "status_changes", ["link_id", "created_at"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["link_id"], ["links.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_comments_document", "comments", ["document_id", "link_id"])


def downgrade() -> None:
    op.drop_index("ix_comments_document", table_name="comments")
    op.drop_table("comments")
    op.drop_index("ix_status_changes_link", table_name="status_changes")
    op.drop_table("status_changes")
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.drop_column("seconds")
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_constraint("ck_links_status", type_="check")
        batch_op.drop_constraint("fk_links_status_by", type_="foreignkey")
        batch_op.drop_column("status_at")
        batch_op.drop_column("status_by_id")
        batch_op.drop_column("status")
