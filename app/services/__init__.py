"""Use cases, one module per job; each takes a Session and leaves committing to the caller.

auth (roles, users), projects, imports, exports, review, statuses, search, findings, links (the link
primitives and the aligner runner), realign (alignment editing), alignment_view, versions, report,
glossary, mt, demo. This package only re-exports the names most callers need.
"""

from __future__ import annotations

from app.services import background  # noqa: F401  (registers the job kinds: import, new-version…)
from app.services.auth import (
    add_member,
    authenticate,
    can,
    can_somewhere,
    change_password,
    create_user,
    end_sessions,
    ensure_admin,
    remove_member,
    require,
    reset_password,
    set_active,
    set_password,
)
from app.services.demo import ensure_demo
from app.services.exports import export_document, export_revisions_csv, export_text
from app.services.imports import Upload, import_document, import_files, store_links
from app.services.projects import document_stats, get_or_create_project
from app.services.review import review_rows, save_segment, segment_history

__all__ = [
    "Upload", "add_member", "authenticate", "can", "can_somewhere", "change_password", "create_user",
    "document_stats", "end_sessions", "ensure_admin", "ensure_demo", "export_document", "export_revisions_csv",
    "export_text", "get_or_create_project", "import_document", "import_files", "remove_member", "require",
    "reset_password", "review_rows", "save_segment", "segment_history", "set_active", "set_password", "store_links",
]
