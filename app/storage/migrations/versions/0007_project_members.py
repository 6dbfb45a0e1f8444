"""project_members, users.session_epoch, status_changes.note: projects seen only by their members;
sessions that end; status changes taken from a file keep what the file said

Existing users become members of every project they have touched (imported, edited, commented,
changed a status, an alignment or a glossary entry of), as reviewers when their account role is
reviewer or admin, else as translators.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"

# Every place a user id meets a project id.
_TOUCHED = (
    "SELECT d.created_by_id AS user_id, d.project_id FROM documents d",
    "SELECT r.author_id, d.project_id FROM revisions r JOIN documents d ON d.id = r.document_id",
    "SELECT s.author_id, d.project_id FROM status_changes s JOIN documents d ON d.id = s.document_id",
    "SELECT c.author_id, d.project_id FROM comments c JOIN documents d ON d.id = c.document_id",
    "SELECT a.author_id, d.project_id FROM alignment_changes a JOIN documents d ON d.id = a.document_id",
    "SELECT x.author_id, d.project_id FROM dismissals x JOIN documents d ON d.id = x.document_id",
    "SELECT t.created_by_id, g.project_id FROM terms t JOIN glossaries g ON g.id = t.glossary_id",
    "SELECT c.author_id, g.project_id FROM term_changes c JOIN terms t ON t.id = c.term_id "
    "JOIN glossaries g ON g.id = t.glossary_id",
)


def upgrade() -> None:
    op.create_table(
        "project_members",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role in ('translator', 'reviewer')", name="ck_project_members_role"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "user_id"),
    )
    op.create_index("ix_project_members_user", "project_members", ["user_id"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("status_changes") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))

    touched = " UNION ".join(_TOUCHED)
    op.execute(
        "INSERT INTO project_members (project_id, user_id, role, created_at) "
        "SELECT DISTINCT t.project_id, u.id, "
        "CASE WHEN u.role IN ('reviewer', 'admin') THEN 'reviewer' ELSE 'translator' END, CURRENT_TIMESTAMP "
        f"FROM ({touched}) t JOIN users u ON u.id = t.user_id WHERE t.project_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("status_changes") as batch:
        batch.drop_column("note")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")
    op.drop_index("ix_project_members_user", table_name="project_members")
    op.drop_table("project_members")
