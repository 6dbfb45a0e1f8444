"""Every document in corpus/ aligns against its gold paragraph links."""

from pathlib import Path

import pytest

from app.alignment.gale_church import align_lengths
from app.segmentation.paragraphs import split_paragraphs

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DOCS = sorted(p for p in CORPUS.iterdir() if (p / "gold.align").exists())


@pytest.mark.parametrize("folder", DOCS, ids=[d.name for d in DOCS])
def test_length_aligner_matches_gold(folder):
    zh = split_paragraphs((folder / "zh.txt").read_text(encoding="utf-8"))
    en = split_paragraphs((folder / "en.txt").read_text(encoding="utf-8"))
    gold = (folder / "gold.align").read_text().split()
    got = [bead.as_links() for bead in align_lengths(zh, en)]
    matched = len(set(got) & set(gold))
    precision, recall = matched / len(got), matched / len(gold)
    assert 2 * precision * recall / (precision + recall) >= 0.95
    if folder.name == "demo":
        assert "[4]:[4,5]" in got  # the subtitle rendered as two English lines
        assert got == gold
