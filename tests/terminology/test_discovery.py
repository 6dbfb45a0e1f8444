"""Discovery without a glossary: repeated terms, their renderings, drifting ones first."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.terminology.discovery import candidates_report, discover_terms
from app.terminology.glossary import load_glossary_csv

DEMO = Path(__file__).resolve().parents[2] / "corpus" / "demo"


def _paras(name):
    return [line for line in (DEMO / name).read_text(encoding="utf-8").split("\n") if line.strip()]


def _links():
    out = []
    for line in (DEMO / "gold.align").read_text(encoding="utf-8").split():
        src, tgt = line.split(":")
        out.append((tuple(int(x) for x in src.strip("[]").split(",") if x),
                    tuple(int(x) for x in tgt.strip("[]").split(",") if x)))
    return out


@pytest.fixture(scope="module")
def candidates():
    return discover_terms(_paras("zh.txt"), _paras("en.txt"), _links())


@pytest.mark.parametrize("term,expected", [
    ("全国两会", {"National Two Sessions", "NPC and CPPCC"}),
    ("信访", {"letters and visits", "complaints"}),
    ("党组", {"Party Leadership Group", "Party Group"}),
])
def test_demo_drifting_terms(candidates, term, expected):
    cand = next(c for c in candidates if c.zh == term)
    assert cand.drifting
    assert expected <= {r.text for r in cand.renderings}
    for r in cand.renderings:
        assert r.count == len(r.places)


def test_drifting_ranked_first(candidates):
    flags = [c.drifting for c in candidates]
    assert flags == sorted(flags, reverse=True)


def test_numbered_formulations_are_candidates(candidates):
    found = {c.zh for c in candidates if c.source == "numbered"}
    assert {"两个确立", "两个维护", "三个规定"} <= found


def test_glossary_terms_are_marked_and_report_prints():
    glossary = load_glossary_csv(Path(__file__).resolve().parents[2] / "glossary" / "spp-2024.csv")
    cands = discover_terms(_paras("zh.txt"), _paras("en.txt"), _links(), glossary)
    assert any(c.in_glossary for c in cands)
    assert "DRIFT" in candidates_report(cands)
    entry = next(c for c in cands if c.zh == "党组").as_entry()
    assert entry.status == "proposed" and entry.zh == ("党组",)


def test_empty_input():
    assert discover_terms([], [], []) == []


@pytest.mark.parametrize("term,unrelated", [
    ("全国两会", "important speech"), ("习近平", "meeting"), ("法治", "era"), ("法治", "Central Committee"),
    ("经济社会", "Party and the state"), ("党和国家", "economic and social development"),
])
def test_renderings_that_do_not_translate_the_term_are_dropped(candidates, term, unrelated):
    cand = next((c for c in candidates if c.zh == term), None)
    assert cand is None or unrelated not in {r.text for r in cand.renderings}


def test_every_rendering_shows_its_evidence(candidates):
    rendered = [r for c in candidates for r in c.renderings]
    assert rendered and all(r.evidence for r in rendered)
    party = next(c for c in candidates if c.zh == "党组")
    assert any(e.startswith("党组→") for e in party.renderings[0].evidence)
