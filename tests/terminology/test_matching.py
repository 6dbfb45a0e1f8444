"""Term matching: Chinese longest match and traditional forms; English folding, inflection, case rules."""

from __future__ import annotations

import pytest

from app.model import TermEntry
from app.terminology.matching import (
    ROLE_APPROVED,
    ROLE_FORBIDDEN,
    ROLE_VARIANT,
    compile_glossary,
    form_problem,
    is_numbered_formulation,
    normalise_token,
)

ENTRIES = [
    TermEntry(zh=("两个确立",), en="Two Establishments", forbidden=("two establishment",), case="capitalised"),
    TermEntry(zh=("确立",), en="establish"),
    TermEntry(zh=("十四五规划",), en="14th Five-Year Plan", case="capitalised"),
    TermEntry(zh=("高质效办好每一个案件",), en="handling every case with high quality and efficiency"),
    TermEntry(zh=("全国两会",), en="the two sessions", forbidden=("National Two Sessions",)),
    TermEntry(zh=("最高人民检察院",), en="Supreme People's Procuratorate", variants=("SPP",), case="capitalised"),
    TermEntry(zh=("检察长",), en="Procurator-General", forbidden=("Procurator General",), case="exact"),
    TermEntry(zh=("旧词",), en="old term", status="deprecated"),
]
G = compile_glossary(ENTRIES)


def zh_terms(text):
    return [(G.entries[m.entry].en, m.text, text[m.start:m.end]) for m in G.match_zh(text)]


def en_terms(text):
    return [(m.role, m.text, m.problem) for m in G.match_en(text)]


def test_longest_match_wins():
    assert zh_terms("坚定拥护“两个确立”，确立目标") == [
        ("Two Establishments", "两个确立", "两个确立"), ("establish", "确立", "确立")]


def test_traditional_forms_match_with_spans():
    text = "堅定擁護「兩個確立」，最高人民檢察院"
    found = zh_terms(text)
    assert [f[0] for f in found] == ["Two Establishments", "Supreme People's Procuratorate"]
    assert all(f[1] == f[2] for f in found)


def test_deprecated_entries_are_not_matched():
    assert zh_terms("旧词") == []
    assert en_terms("an old term") == []


@pytest.mark.parametrize("text,surface", [
    ("the 14th Five-Year Plan", "14th Five-Year Plan"),
    ("the 14th Five Year Plan", "14th Five Year Plan"),
    ("handle every case with high quality and efficiency", "handle every case with high quality and efficiency"),
    ("handled every case with high quality and efficiency", "handled every case with high quality and efficiency"),
    ("the Two Sessions", "Two Sessions"),
    ("the Supreme Peoples Procuratorate's report", "Supreme Peoples Procuratorate's"),
    ("the SPP said", "SPP"),
])
def test_english_variants_match(text, surface):
    assert surface in [m[1] for m in en_terms(text)]
    for m in G.match_en(text):
        assert text[m.start:m.end] == m.text


def test_token_boundaries():
    assert en_terms("the SPPs and XSPP") == [(ROLE_VARIANT, "SPPs", None)]
    assert en_terms("the establishmentarian") == []


def test_case_rules():
    assert en_terms("the 14th Five Year Plan") == [(ROLE_APPROVED, "14th Five Year Plan", "hyphenation or spacing")]
    assert en_terms("Procurator General") == [(ROLE_FORBIDDEN, "Procurator General", None)]
    assert en_terms("Procurator-General") == [(ROLE_APPROVED, "Procurator-General", None)]
    assert en_terms("two establishment") == [(ROLE_FORBIDDEN, "two establishment", None)]
    assert en_terms("Two Establishment") == [(ROLE_APPROVED, "Two Establishment", None)]


def test_accepted_rendering_inside_forbidden_does_not_count():
    assert en_terms("the National Two Sessions") == [(ROLE_FORBIDDEN, "National Two Sessions", None)]


@pytest.mark.parametrize("a,b", [("handle", "handling"), ("sessions", "session"), ("policies", "policy"),
                                 ("People's", "people"), ("establishments", "establishment"),
                                 ("planned", "plan")])
def test_normalise_token_folds_inflection(a, b):
    assert normalise_token(a) == normalise_token(b)


def test_form_problem():
    assert form_problem("two sessions", "the Two Sessions", "insensitive") is None
    assert form_problem("three regulations", "Three Regulations", "capitalised") == "capitalisation"
    assert form_problem("Procurator general", "Procurator-General", "exact") is not None


@pytest.mark.parametrize("zh,numbered", [("两个维护", True), ("三不腐", True), ("五化", True), ("四到位", True),
                                         ("十四五规划", False), ("全国两会", False), ("十四五", False)])
def test_numbered_formulation(zh, numbered):
    assert is_numbered_formulation(zh) is numbered


def test_empty_glossary():
    g = compile_glossary([])
    assert g.match_zh("两个确立") == [] and g.match_en("Two Establishments") == []
