"""Every file in glossary/ loads, and the demo glossary covers the seed's terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.terminology.glossary import dump_glossary_csv, load_glossary_csv
from app.terminology.matching import compile_glossary

GLOSSARY_DIR = Path(__file__).resolve().parents[1] / "glossary"
FILES = sorted(p for p in GLOSSARY_DIR.iterdir() if p.suffix == ".csv")


def test_there_are_glossaries():
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_glossary_file_loads(path):
    entries = load_glossary_csv(path)
    assert entries
    assert load_glossary_csv(dump_glossary_csv(entries)) == entries
    compiled = compile_glossary(entries)
    zh_forms = [z for e in entries for z in e.zh]
    assert len(zh_forms) == len(set(zh_forms)), "a Chinese form is listed twice"
    for e in entries:
        for z in e.zh:
            if e.status != "deprecated":
                assert compiled.match_zh(z), z
