"""Export names say what the file is: `<title><suffix>`, the suffix from the format registry, the title made safe
(services/exports.download_name is the one rule)."""

from __future__ import annotations

import pytest

from app.formats.registry import FORMATS, for_filename
from app.services import exports
from app.services.exports import EXPORT_FORMATS, LOG_SUFFIXES, download_name, safe_title
from app.storage.models import Document

DEMO_TITLE = "最高检党组召开扩大会议 (12 March 2024)"


@pytest.mark.parametrize("title, stem", [
    ("golden_en_lines.txt", "golden_en_lines"),  # a source file's extension is not part of the title
    ("report.sdlxliff", "report"),
    (DEMO_TITLE, DEMO_TITLE),  # CJK kept
    ("a/b\\c: d*?", "a b c d"),  # path separators and reserved characters dropped
    ("tab\there\nnew\x00line\u200b", "tab here newline"),  # control and format characters dropped
    ("../../etc/passwd", "etc passwd"),
    (" .hidden. ", "hidden"),
    ("v2.5 final", "v2.5 final"),  # not an extension
    ("", ""),
])
def test_safe_title(title, stem):
    assert safe_title(title) == stem


def test_a_long_title_is_cut_to_fit_a_file_name():
    stem = safe_title("检" * 300)
    assert stem == "检" * 50 and len((stem + ".zh-en.xliff20.xlf").encode("utf-8")) < 255


def test_download_name_and_its_ascii_stand_in():
    assert download_name("Work report", ".zh-en.tmx", "document-3") == ("Work report.zh-en.tmx",) * 2
    assert download_name(DEMO_TITLE, ".zh-en.tmx", "document-3") == (f"{DEMO_TITLE}.zh-en.tmx",
                                                                     "document-3.zh-en.tmx")
    assert download_name("///", ".report.csv", "document-3") == ("document-3.report.csv",) * 2


def test_every_format_has_its_own_suffix_that_imports_again():
    suffixes = {name: cls.suffix for name, cls in FORMATS.items()}
    assert all(suffixes.values()), [n for n, s in suffixes.items() if not s]
    assert len(set(suffixes.values())) == len(suffixes)
    for name, cls in FORMATS.items():  # a file so named is read again by a format of its kind (XLIFF 2 as .xlf)
        assert for_filename("title" + cls.suffix, cls.kind).kind == cls.kind, name
    assert len(set(LOG_SUFFIXES.values())) == len(LOG_SUFFIXES)


def test_every_export_of_the_demo_is_named_for_what_it_is(session, demo_doc):
    names = {fmt: exports.export_document(session, demo_doc, fmt).filename for fmt in EXPORT_FORMATS}
    names |= {name: exports.export_log(session, demo_doc, name).filename for name in exports.DOWNLOADS}
    names["txt-button"] = exports.text_export(session, demo_doc).filename
    assert names["txt"] == names["txt-button"] == f"{DEMO_TITLE}.en.corrected.txt"
    assert names["xliff"] == f"{DEMO_TITLE}.zh-en.xliff12.xlf"
    assert names["xliff2"] == f"{DEMO_TITLE}.zh-en.xliff20.xlf"
    assert names["tbx"] == f"{DEMO_TITLE}.tbx2008.tbx" and names["tbx3"] == f"{DEMO_TITLE}.tbxv3.tbx"
    assert names["tmx"] == f"{DEMO_TITLE}.zh-en.tmx" and names["csv"] == f"{DEMO_TITLE}.zh-en.csv"
    assert names["revisions-csv"] == f"{DEMO_TITLE}.revisions.csv"
    assert names["report-json"] == f"{DEMO_TITLE}.report.json"
    assert len(set(names.values())) == len(names) - 1  # only the two routes to the .txt share a name
    out = exports.export_document(session, demo_doc, "tmx")
    assert out.ascii_filename == f"document-{demo_doc}.zh-en.tmx"


def test_project_glossary_is_named_after_the_project(session, demo_doc):
    project = session.get(Document, demo_doc).project
    out = exports.glossary_export(session, project, "tbx3")
    assert out.filename == f"{safe_title(project.name)}.tbxv3.tbx"
    assert exports.glossary_export(session, project, "csv").filename == f"{safe_title(project.name)}.glossary.csv"
