"""The web's lists come from the registries: file pickers, the export menu, the role and severity choices."""

from __future__ import annotations

from app.formats.registry import FORMATS
from app.model import FIX_SEVERITIES
from app.services.exports import EXPORT_FORMATS
from app.storage.models import ROLES


def test_file_pickers_accept_every_registered_extension(client, auth):
    auth.login("rita")
    page = client.get("/import").get_data(as_text=True)
    for cls in FORMATS.values():
        if cls.kind in ("document", "bitext"):
            assert all(ext in page for ext in cls.extensions), cls.name


def test_export_menu_and_choices(client, auth, demo_doc):
    auth.login("admin")
    review = client.get(f"/documents/{demo_doc}").get_data(as_text=True)
    for name in EXPORT_FORMATS:
        assert f"/documents/{demo_doc}/export/{name}" in review or name == "txt", name
    assert all(f'value="{s}"' in review for s in FIX_SEVERITIES)
    users = client.get("/admin/users").get_data(as_text=True)
    assert all(f'value="{r}"' in users for r in ROLES)
