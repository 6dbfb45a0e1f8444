"""Terms rendered several ways, without a glossary: candidates, renderings, what counts as one rendering."""

from __future__ import annotations

from app.terminology.consistency import DocumentTerms, Settings, _split_compounds, zh_words

ZH = ["全国两会召开", "学习全国两会精神", "全国两会闭幕", "贯彻全国两会精神", "全国两会以后"]


def _en(*variants):
    base = ["The two sessions opened", "study the spirit of the two sessions", "the two sessions closed",
            "implement the spirit of the two sessions", "after the two sessions"]
    for i, text in variants:
        base[i] = text
    return base


def _drift(zh, en, **settings):
    return {u.zh: u for u in DocumentTerms(zh, en, settings=Settings(**settings)).drifting()}


def test_a_collocation_is_one_term():
    terms = DocumentTerms(ZH, _en()).terms
    assert terms["全国两会"] == ("全国", "两会")
    assert "两会" not in terms


def test_compounds_are_split_where_a_part_stands_alone():
    cut = _split_compounds([zh_words("推进信访工作"), zh_words("群众信访")])
    assert [w for w, _, _ in cut[0]][-2:] == ["信访", "工作"]


def test_one_rendering_is_no_drift():
    assert _drift(ZH, _en()) == {}


def test_a_synonym_is_drift():
    zh = ["党组召开会议", "党组研究工作", "党组听取汇报", "党组审议文件", "党组部署任务", "党组提出要求"]
    en = ["The Party Leadership Group held a meeting", "The Party Leadership Group studied the work",
          "The Party Committee heard the report", "The Party Leadership Group reviewed the document",
          "The Party Leadership Group deployed the tasks", "The Party Leadership Group set out requirements"]
    drift = _drift(zh, en)
    assert [(r.text, r.count) for r in drift["党组"].renderings] == [("Party Leadership Group", 5),
                                                                    ("Party Committee", 1)]
    assert drift["党组"].renderings[1].places[0].link == 2
    evidence = drift["党组"].renderings[0].evidence
    assert evidence[("党组", "Group")] > 0.1


def test_an_established_rendering_is_needed():
    zh = ["党组召开会议", "党组研究工作", "党组听取汇报", "党组审议文件", "党组部署任务", "党组提出要求"]
    en = ["The Party Group held a meeting", "The Party Leadership Group studied the work",
          "The Party Group heard the report", "The Party Leadership Group reviewed the document",
          "The Party Group deployed the tasks", "The Party Leadership Group set out requirements"]
    assert _drift(zh, en) == {}  # two renderings used alike: a choice, not a slip
    assert "党组" in _drift(zh, en, min_majority=2, min_share=0.5, max_variant=3)


def test_an_acronym_defined_in_the_text_is_the_same_rendering():
    en = _en((0, "The National People's Congress (NPC) sessions opened"), (2, "the NPC sessions closed"),
             (4, "after the NPC sessions"))
    zh = ["全国人大会议召开", "学习全国人大精神", "全国人大会议闭幕", "贯彻全国人大精神", "全国人大会议以后"]
    en[1] = "study the spirit of the National People's Congress"
    en[3] = "implement the spirit of the National People's Congress"
    assert "全国人大" not in _drift(zh, en)


def test_plural_and_irregular_forms_are_the_same_rendering():
    zh = ["借给他钱", "借给她钱", "借给我钱", "借给你钱"]
    en = ["lent him money", "lent her money", "lent me money", "lending you money"]
    assert _drift(zh, en) == {}


def test_a_long_document_is_sampled():
    zh, en = ZH * 80, _en() * 80
    terms = DocumentTerms(zh, en, settings=Settings(max_links=50, max_views=40))
    usage = {u.zh: u for u in terms.usage()}
    assert usage["全国两会"].sampled and usage["全国两会"].sampled < len(usage["全国两会"].links)
