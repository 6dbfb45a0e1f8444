"""Limits that hold (issue 11): the request size is enforced before the body is read, every upload (.docx
and .xlsx included) is held to the per-file limit, and a paragraph longer than the setting refuses the file
with its line number. Nothing is stored in any of these cases."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.storage.models import Document
from tests.conftest import after_job, job_failed

ROOT = Path(__file__).resolve().parents[2]


def _documents(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Document.id)))


def _post(client, auth, path, files: dict, **fields):
    data = {"csrf_token": auth.token("/import"), "project": "Limits", **fields}
    data.update({name: (io.BytesIO(body), filename) for name, (filename, body) in files.items()})
    return client.post(path, data=data, content_type="multipart/form-data")


def test_max_content_length_is_really_set(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * app.config["MAX_UPLOAD_BYTES"] + 65536
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax" and app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_a_request_over_the_limit_is_413_before_it_is_read(app, client, auth, session):
    auth.login("rita")
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = b"--b\r\nContent-Disposition: form-data; name=\"zh_file\"; filename=\"zh.txt\"\r\n\r\n" + b"a" * limit
    response = client.post("/import", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413 and "Nothing was stored" in response.get_data(as_text=True)
    assert _documents(session) == 0


def _docx(size: int) -> bytes:
    """A .docx padded with an incompressible member to about ``size`` bytes."""
    import os

    from docx import Document as Docx

    out = io.BytesIO()
    d = Docx()
    d.add_paragraph("中文段落。")
    d.save(out)
    padded = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as src, zipfile.ZipFile(padded, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/media/pad.bin", os.urandom(size), compress_type=zipfile.ZIP_STORED)
    return padded.getvalue()


@pytest.mark.parametrize("path, files", [
    ("/import", {"zh_file": ("zh.docx", None), "en_file": ("en.txt", b"English.")}),
    ("/import/bilingual", {"file": ("pairs.xlsx", None)}),
])
def test_every_upload_is_held_to_the_per_file_limit(app, client, auth, session, path, files):
    app.config["MAX_UPLOAD_BYTES"] = 200_000
    auth.login("rita")
    files = {k: (name, body if body is not None else _docx(300_000)) for k, (name, body) in files.items()}
    response = _post(client, auth, path, files)
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    assert _documents(session) == 0


def test_a_huge_paragraph_is_refused_with_its_line(app, client, auth, session):
    app.config["MAX_PARAGRAPH_CHARS"] = 5_000
    auth.login("rita")
    zh = ("第一段。\n\n第二段。\n" + "长" * 6_000 + "\n").encode()
    en = (ROOT / "corpus/demo/en.txt").read_bytes()
    response = after_job(client, _post(client, auth, "/import", {"zh_file": ("zh.txt", zh), "en_file": ("en.txt", en)}))
    assert job_failed(response)
    body = response.get_data(as_text=True)
    assert "zh.txt, line 4: a paragraph of 6,000 characters (the limit is 5,000)" in body
    assert _documents(session) == 0


def test_the_default_paragraph_limit_is_twenty_thousand(app):
    assert app.config["MAX_PARAGRAPH_CHARS"] == 20_000
