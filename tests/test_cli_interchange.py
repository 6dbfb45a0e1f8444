"""`duizhao import` of bilingual, .docx and .html files and `duizhao export` in every format."""

from pathlib import Path

import pytest

from app.formats.registry import by_name

ROOT = Path(__file__).resolve().parent.parent
ZH, EN = str(ROOT / "corpus/demo/zh.txt"), str(ROOT / "corpus/demo/en.txt")

pytestmark = pytest.mark.pg


@pytest.mark.parametrize("fmt, ext", [("tmx", ".tmx"), ("xliff", ".xlf"), ("xliff2", ".xlf"), ("csv", ".csv"),
                                      ("xlsx", ".xlsx")])
def test_export_then_import_one_bilingual_file(runner, tmp_path, fmt, ext):
    assert runner.invoke(["import", ZH, EN, "--project", "CLI"]).exit_code == 0
    out = tmp_path / f"demo{ext}"
    result = runner.invoke(["export", "1", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(["import", str(out), "--project", "Back"])
    assert result.exit_code == 0, result.output
    assert "Imported document 2" in result.output and "18 links" in result.output
    again = tmp_path / f"again{ext}"
    assert runner.invoke(["export", "2", "--format", fmt, "-o", str(again)]).exit_code == 0
    shape = [(p.zh, p.en, p.status) for p in by_name(fmt).read(out.read_bytes(), out.name).pairs]
    assert [(p.zh, p.en, p.status) for p in by_name(fmt).read(again.read_bytes(), again.name).pairs] == shape


def test_docx_and_html_pair_and_format_option(runner, tmp_path):
    assert runner.invoke(["import", ZH, EN, "--project", "CLI"]).exit_code == 0
    docx = tmp_path / "en.docx"
    assert runner.invoke(["export", "1", "--format", "docx", "-o", str(docx)]).exit_code == 0
    result = runner.invoke(["import", ZH, str(docx), "--project", "Docx"])
    assert result.exit_code == 0 and "18 links" in result.output, result.output
    html = tmp_path / "en.page"
    assert runner.invoke(["export", "1", "--format", "html", "-o", str(html)]).exit_code == 0
    result = runner.invoke(["import", ZH, str(html), "--project", "Html"])  # unknown extension: plain text
    assert result.exit_code == 0 and "Imported document 3" in result.output, result.output
    # --format applies to both files: the Chinese .txt read as HTML runs its lines together
    result = runner.invoke(["import", ZH, str(html), "--project", "Html", "--format", "html"])
    assert result.exit_code == 0 and "Imported document 4" in result.output, result.output


@pytest.mark.parametrize("name, data, message", [
    ("laughs.tmx", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><tmx>&b;</tmx>',
     "entity declarations are not allowed"),
    ("xxe.xlf", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xliff version="1.2">&e;</xliff>',
     "entity declarations are not allowed"),
    ("broken.xlsx", b"PK\x03\x04garbage", "not a valid Excel"),
    ("single.txt", "你好".encode(), "a monolingual file"),
])
def test_hostile_or_wrong_files_exit_2_and_store_nothing(runner, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(["import", str(path), "--project", "Hostile"])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert runner.invoke(["export", "1"]).exit_code == 2  # no document 1 was stored


def test_export_the_project_glossary_as_tbx(runner, tmp_path):
    assert runner.invoke(["demo"]).exit_code == 0
    out = tmp_path / "g.tbx"
    result = runner.invoke(["export", "1", "--format", "tbx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    entries = by_name("tbx").read(out.read_bytes(), "g.tbx")
    assert len(entries) > 10
