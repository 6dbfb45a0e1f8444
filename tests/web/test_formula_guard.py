"""Every CSV/TSV/XLSX cell duizhao writes goes through one formula guard (issue 11): a reviewer's reason,
a paragraph, a glossary entry or an alignment note that starts like a formula never runs as one."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from app import services
from app.model import TermEntry
from app.services import glossary, realign
from app.sheets import FORMULA_STARTS
from app.storage.models import Document, Link, User

HOSTILE = ["=HYPERLINK(\"http://127.0.0.1/x\",\"click\")", "+1+1", "-2+3", "@SUM(A1)"]


@pytest.fixture
def hostile_doc(session, demo_doc):
    admin = session.scalar(select(User).where(User.username == "admin"))
    doc = session.get(Document, demo_doc)
    link = session.scalar(select(Link).where(Link.document_id == demo_doc).order_by(Link.position))
    seg = next(m.segment for m in link.members if m.segment.side == "en")
    services.save_segment(session, seg.id, HOSTILE[0], seg.version, admin, reason=HOSTILE[1])
    glossary.import_entries(session, doc.project, [TermEntry(zh=("测试词",), en=HOSTILE[3], note=HOSTILE[2])],
                            admin, "hostile.csv")
    second = session.scalar(select(Link.id).where(Link.document_id == demo_doc, Link.position == 1))
    realign.merge(session, demo_doc, second, admin, reason=HOSTILE[2])
    session.commit()
    return doc


def _cells(data: bytes, delimiter: str = ",") -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def _assert_guarded(cells: list[str], where: str) -> None:
    dangerous = [c for c in cells if c[:1] in FORMULA_STARTS]
    assert not dangerous, f"{where}: cells that would run as formulas: {dangerous[:3]}"


@pytest.mark.parametrize("path, delimiter, needle", [
    ("/documents/{doc}/revisions.csv", ",", HOSTILE[1]),
    ("/documents/{doc}/report.csv", ",", None),
    ("/documents/{doc}/alignment.csv", ",", HOSTILE[2]),
    ("/documents/{doc}/export/csv", ",", HOSTILE[0]),
    ("/documents/{doc}/export/tsv", "\t", HOSTILE[0]),
    ("/projects/{project}/glossary/export.csv", ",", HOSTILE[3]),
])
def test_every_download_is_guarded(client, auth, hostile_doc, path, delimiter, needle):
    auth.login("admin")
    response = client.get(path.format(doc=hostile_doc.id, project=hostile_doc.project_id))
    assert response.status_code == 200, path
    cells = _cells(response.get_data(), delimiter)
    _assert_guarded(cells, path)
    if needle is not None:  # the text is there, disarmed by a leading apostrophe
        assert "'" + needle in cells, path


def test_xlsx_cells_are_strings(client, auth, hostile_doc):
    import openpyxl

    auth.login("admin")
    data = client.get(f"/documents/{hostile_doc.id}/export/xlsx").get_data()
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type == "s" for c in cells)  # a string cell is never evaluated
    assert any(str(c.value).lstrip("'").startswith("=HYPERLINK") for c in cells)
