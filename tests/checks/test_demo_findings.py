"""On the demo with glossary/spp-2024.csv every defect of shared/seed/terminology.md is found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.checks.runner import check_document, check_texts, findings_to_csv, findings_to_json, findings_to_text
from app.terminology.glossary import load_glossary_csv

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "corpus" / "demo"


def _read_links(path: Path):
    links = []
    for line in path.read_text(encoding="utf-8").split():
        src, tgt = line.split(":")
        links.append((tuple(int(x) for x in src.strip("[]").split(",") if x),
                      tuple(int(x) for x in tgt.strip("[]").split(",") if x)))
    return links


@pytest.fixture(scope="module")
def demo():
    zh = [line for line in (DEMO / "zh.txt").read_text(encoding="utf-8").split("\n") if line.strip()]
    en = [line for line in (DEMO / "en.txt").read_text(encoding="utf-8").split("\n") if line.strip()]
    return zh, en, _read_links(DEMO / "gold.align")


@pytest.fixture(scope="module")
def findings(demo):
    zh, en, links = demo
    return check_document(zh, en, links, load_glossary_csv(ROOT / "glossary" / "spp-2024.csv"))


def _has(findings, check, en_text=None, zh_text=None, message=None):
    for f in findings:
        if f.check != check:
            continue
        if en_text is not None and en_text not in f.en_text:
            continue
        if zh_text is not None and zh_text not in f.zh_text:
            continue
        if message is not None and message not in f.message:
            continue
        return True
    return False


@pytest.mark.parametrize("check,en_text", [
    ("term.forbidden", "Maple Bridge experience"),
    ("term.forbidden", "two maintenance"),
    ("term.forbidden", "two establishment"),
    ("names.pinyin", "Tongjianming"),
    ("term.forbidden", "General Book"),
    ("term.forbidden", "Supreme Inspection"),
    ("term.forbidden", "Supreme Procuratorate"),
    ("term.forbidden", "top inspection"),
    ("term.forbidden", "Procurator General"),
    ("term.forbidden", "Party Group"),
    ("term.forbidden", "National Two Sessions"),
    ("term.forbidden", "NPC and CPPCC sessions"),
    ("term.forbidden", "three non corruption"),
    ("term.forbidden", "black under the lights"),
    ("term.forbidden", "as I am in litigation"),
    ("term.forbidden", "four in place"),
    ("term.forbidden", "inspection and protection of people's livelihood"),
    ("term.forbidden", "Chinese style modernization"),
    ("term.forbidden", "Xi Jinping's rule of law thinking"),
    ("term.forbidden", "Xi Jinping's socialist ideology"),
    ("term.forbidden", "complaint reporting"),
    ("term.forbidden", "Central Political and Legal Commission"),
    ("term.forbidden", "State Supervision Commission"),
    ("term.forbidden", "judicial responsibility system"),
    ("term.forbidden", "Gaojian Network"),
    ("term.form", "14th Five Year Plan"),
    ("term.form", "three regulations"),
    ("term.form", "five modernizations"),
    ("term.form", "procuratorial protection of enterprises"),
    ("repeated-word", "feel, feel, and feel"),
    ("punctuation", "["),
    ("double-space", "   "),
])
def test_seed_defects_found(findings, check, en_text):
    assert _has(findings, check, en_text=en_text), (check, en_text)


@pytest.mark.parametrize("term,renderings", [
    ("全国两会", ["National Two Sessions", "two sessions of the National People's Congress",
              "NPC and CPPCC sessions"]),
    ("信访", ["letters and visits", "complaint reporting", "petition"]),
    ("党组", ["Party Leadership Group", "Party Group"]),
    ("最高检", ["Supreme People's Procuratorate", "Supreme Procuratorate", "top inspection"]),
])
def test_drift_report(findings, term, renderings):
    drift = [f for f in findings if f.check == "term.drift" and f.extra["term"] == term]
    assert len(drift) == 1
    texts = {r["text"] for r in drift[0].extra["renderings"]}
    assert set(renderings) <= texts
    for r in drift[0].extra["renderings"]:
        assert r["count"] == len(r["places"])


def test_missing_two_sessions_in_paragraph_12(findings):
    assert any(f.check == "term.missing" and f.zh_text == "全国两会" and f.en_index == 12 for f in findings)


@pytest.mark.parametrize("correct", ["Supreme People's Procuratorate", "Ying Yong", "legal supervision",
                                     "Ge Xiaoyan", "Gong Chenyu", "Yu Chunhe", "General Secretary"])
def test_correct_renderings_not_flagged(findings, correct):
    for f in findings:
        if f.check == "term.drift":
            continue
        assert correct.lower() not in f.en_text.lower(), f


def test_few_findings_and_no_false_alarm_checks(findings):
    by_check = {}
    for f in findings:
        by_check[f.check] = by_check.get(f.check, 0) + 1
    assert "numbers" not in by_check
    assert "length" not in by_check
    assert "untranslated" not in by_check
    assert len(findings) < 80


def test_check_texts_aligns_and_outputs(demo):
    zh_text = (DEMO / "zh.txt").read_text(encoding="utf-8")
    en_text = (DEMO / "en.txt").read_text(encoding="utf-8")
    findings = check_texts(zh_text, en_text, load_glossary_csv(ROOT / "glossary" / "spp-2024.csv"))
    data = json.loads(findings_to_json(findings))
    assert data and {"check", "severity", "zh_index", "en_index", "zh_text", "en_text", "message",
                     "suggestion", "zh_span", "en_span"} <= set(data[0])
    assert any(d["en_text"] == "Maple Bridge experience" for d in data)
    assert findings_to_csv(findings).startswith("check,severity,zh_index")
    assert "finding(s)" in findings_to_text(findings)


def test_dismissed_findings_stay_dismissed(demo, findings):
    zh, en, links = demo
    target = next(f for f in findings if f.en_text == "Maple Bridge experience")
    again = check_document(zh, en, links, load_glossary_csv(ROOT / "glossary" / "spp-2024.csv"),
                           dismissed=frozenset({target.key}))
    assert target.key not in {f.key for f in again}
    assert len(again) == len(findings) - 1


@pytest.fixture(scope="module")
def bare_findings(demo):
    zh, en, links = demo
    return check_document(zh, en, links)


@pytest.mark.parametrize("term,rendering", [
    ("全国两会", "NPC and CPPCC"),
    ("党组", "Party Group"),
    ("信访", "letters and visits"),
])
def test_drift_without_a_glossary(bare_findings, term, rendering):
    drift = [f for f in bare_findings if f.check == "consistency.term" and f.extra["term"] == term]
    assert len(drift) == 1
    renderings = drift[0].extra["renderings"]
    assert rendering in {r["text"] for r in renderings}
    assert len(renderings) >= 2 and renderings[0]["count"] >= renderings[1]["count"]
    for r in renderings:
        assert r["count"] == len(r["places"]) and r["evidence"]


def test_names_without_a_glossary(bare_findings):
    names = [f for f in bare_findings if f.check == "names.pinyin"]
    assert [f.en_text for f in names] == ["Tongjianming"]
    assert not any(f.check == "consistency.name" for f in bare_findings)  # every other name is written one way


def test_consistency_is_left_to_the_glossary_checks_when_a_glossary_has_the_terms(findings):
    assert not any(f.check == "consistency.term" and f.extra["term"] in ("全国两会", "信访", "党组") for f in findings)
