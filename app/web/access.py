"""Projects are seen only by their members: every id in a URL is checked before the view runs.

A route parameter named ``<kind>_id`` (``doc_id``, ``seg_id``, ``link_id``…) is resolved to its
project; a user who is not a member of that project (and not an admin) gets 404, so a guessed id
tells nothing about what exists. A new route whose id parameter has no rule here fails loudly.
"""

from __future__ import annotations

from flask import abort, g, request
from flask_login import current_user

from app.storage import access

# URL parameter → the kind of object it names (app.storage.access.KINDS).
URL_IDS = {
    "project_id": "project",
    "doc_id": "document",
    "seg_id": "segment",
    "link_id": "link",
    "comment_id": "comment",
    "term_id": "term",
    "revision_id": "revision",
    "job_id": "job",
    "user_id": "user",  # accounts: admins only
}


def check_request(session) -> None:
    """Before every request: 404 unless the logged-in user is a member of the project of each id."""
    g.project_id = g.project_role = None
    args = request.view_args or {}
    ids = [(name, value) for name, value in args.items() if name.endswith("_id")]
    if not ids or not current_user.is_authenticated:
        return
    for name, value in ids:
        kind = URL_IDS.get(name)
        if kind == "user":
            if current_user.role != "admin":
                abort(404, "There is no such page.")
            continue
        if kind is None or kind not in access.KINDS:
            raise RuntimeError(f"route parameter {name!r} has no access rule in app/web/access.py")
        project_id = access.project_of(session, kind, value)
        if kind == "job" and project_id is None and access.sees_projectless_job(session, current_user, value):
            continue  # an import into a new project: its project exists once the job is done
        role = access.member_role(session, current_user, project_id)
        if role is None:
            abort(404, "There is no such page, or it is in a project you are not a member of.")
        g.project_id, g.project_role = project_id, role

