"""OmegaT as a real client of duizhao's TMX (issue 16): Debian's `omegat` package (3.6), headless.

An OmegaT project whose source is the demo's Chinese (.txt, and .docx) and whose tm/auto/ holds the demo
exported as TMX by duizhao translates every paragraph from that memory (exact matches), once OmegaT segments
as duizhao does: the text filter segments on line breaks and sentence segmentation is off (``omegat_project``
below; README, "OmegaT"). The TMX OmegaT writes itself imports back into duizhao with the same pairs.

Skips without omegat; under CI=true it fails instead, since .ci/run installs omegat with apt-get.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from app import services
from app.formats.registry import by_name
from app.model import TextDocument
from app.segmentation import split_paragraphs
from app.services import exports, imports
from app.storage.models import User

ROOT = Path(__file__).resolve().parent.parent
OMEGAT = shutil.which("omegat")

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>source</source_dir><source_dir_excludes/><target_dir>target</target_dir><tm_dir>tm</tm_dir>
    <glossary_dir>glossary</glossary_dir><glossary_file>glossary/glossary.txt</glossary_file>
    <dictionary_dir>dictionary</dictionary_dir>
    <source_lang>zh-CN</source_lang><target_lang>en</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneSmartChineseTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""
# duizhao's paragraphs are lines: OmegaT's text filter must segment on line breaks (its default here is on
# empty lines, which takes consecutive lines as one block). A project's filters.xml replaces OmegaT's settings of
# every filter, so a .docx project keeps the defaults (its Word filter takes each paragraph as a segment).
FILTERS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<filters removeTags="false" removeSpacesNonseg="true" preserveSpaces="false" ignoreFileContext="false">
  <filter className="org.omegat.filters2.text.TextFilter" enabled="true">
    <files sourceFilenameMask="*.txt" targetFilenamePattern="${filename}" sourceEncoding="UTF-8"
           targetEncoding="UTF-8"/>
    <option name="segmentOn" value="BREAKS"/>
  </filter>
</filters>
"""


def require_omegat() -> str:
    if OMEGAT:
        return OMEGAT
    reason = "needs Debian's omegat (apt-get install omegat)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " but CI=true: .ci/run installs it")
    pytest.skip(reason)


def omegat_project(folder: Path, source: Path, tmx: bytes) -> Path:
    """An OmegaT project translating ``source`` with ``tmx`` in tm/auto/, segmenting as duizhao does."""
    for sub in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    shutil.copy(source, folder / "source" / source.name)
    (folder / "tm" / "auto" / "duizhao.tmx").write_bytes(tmx)
    (folder / "omegat.project").write_text(PROJECT, encoding="utf-8")
    if source.suffix == ".txt":
        (folder / "omegat" / "filters.xml").write_text(FILTERS, encoding="utf-8")
    return folder


def translate(folder: Path) -> None:
    done = subprocess.run([require_omegat(), str(folder), "--mode=console-translate"], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "JAVA_TOOL_OPTIONS": "-Djava.awt.headless=true"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.fixture
def translated(session, demo_doc, tmp_path):
    require_omegat()
    out = exports.export_document(session, demo_doc, "tmx")
    folder = omegat_project(tmp_path / "demo", ROOT / "corpus" / "demo" / "zh.txt", out.data)
    translate(folder)
    return folder, exports.document_bitext(session, demo_doc)


def test_omegat_translates_every_paragraph_from_our_memory(translated):
    folder, bitext = translated
    memory = {}
    for pair in bitext.pairs:
        assert len(pair.zh) <= 1, "a link of several Chinese paragraphs cannot be an exact match of one line"
        if pair.zh:
            memory[pair.zh[0]] = "\n\n".join(pair.en)
    source = (ROOT / "corpus" / "demo" / "zh.txt").read_text(encoding="utf-8").splitlines()
    target = (folder / "target" / "zh.txt").read_text(encoding="utf-8")
    expected = "\n".join(memory.get(line, line) if line.strip() else line for line in source)
    assert [line for line in source if line.strip()] and all(line in memory for line in source if line.strip())
    assert target.rstrip("\n") == expected.rstrip("\n")  # every paragraph, word for word
    stats = (folder / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    remaining = next(line for line in stats.splitlines() if line.startswith("Remaining:"))
    assert remaining.split()[1] == "0", stats[:600]


def test_omegat_translates_a_docx_of_the_demo_from_our_memory(session, demo_doc, tmp_path):
    """The demo's Chinese as .docx (written by duizhao's docx writer, one Word paragraph per paragraph): OmegaT's
    Word filter takes each paragraph as a segment, and every one is an exact match."""
    require_omegat()
    paragraphs = split_paragraphs((ROOT / "corpus" / "demo" / "zh.txt").read_text(encoding="utf-8"))
    source = tmp_path / "zh.docx"
    source.write_bytes(by_name("docx").write(TextDocument(tuple(paragraphs))))
    folder = omegat_project(tmp_path / "docx", source, exports.export_document(session, demo_doc, "tmx").data)
    translate(folder)
    memory = {p.zh[0]: " ".join(p.en) for p in exports.document_bitext(session, demo_doc).pairs if p.zh}
    target = by_name("docx").read((folder / "target" / "zh.docx").read_bytes(), "zh.docx").paragraphs
    # a link of two English paragraphs is one Word paragraph (OmegaT writes the blank line into it)
    assert [" ".join(t.split()) for t in target] == [" ".join(memory[p].split()) for p in paragraphs]


def test_a_tmx_written_by_omegat_imports_back_with_the_same_pairs(translated, session):
    folder, bitext = translated
    written = folder / f"{folder.name}-omegat.tmx"  # OmegaT's own memory of the project
    assert b'creationtool="OmegaT"' in written.read_bytes()
    admin = session.scalars(select(User).where(User.username == "admin")).one()
    doc = imports.import_bitext(session, "From OmegaT", services.Upload(written.name, written.read_bytes()),
                                user=admin)
    session.commit()
    back = exports.document_bitext(session, doc.id)
    # OmegaT keeps one entry per distinct source segment, in its own order
    assert Counter((p.zh, p.en) for p in back.pairs) == Counter(
        {(p.zh, p.en): 1 for p in bitext.pairs if p.zh and p.en})
