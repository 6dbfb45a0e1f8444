"""The mt.divergent back-check: pure, on given machine translations."""

from __future__ import annotations

import pytest
from sacrebleu import sentence_chrf

from app.checks.mt import MTDivergentCheck, check_mt, chrf
from app.errors import InputError

EN = [
    "The meeting stressed the need to uphold the Fengqiao Experience.",
    "Procuratorates handled petitions in accordance with the law.",
    "The two sessions set the tasks for the coming year.",
    "Every case must be handled with high quality and efficiency.",
    "Grassroots governance was strengthened in rural areas.",
    "The Supreme People's Procuratorate issued new guidelines.",
    "Public interest litigation expanded to new fields.",
    "Judicial openness was further improved this year.",
    "Cadres must study the spirit of the plenary session.",
    "The work report was adopted by a show of hands.",
]
ZH = [f"第{k}段" for k in range(len(EN))]


def mt_close_to_the_english():
    """MT that says almost what the English says, except for paragraph 4 (an omission)."""
    out = [e.replace("The ", "the ").replace(".", "") for e in EN]
    out[4] = "Tax revenue from coal mining fell sharply in winter"
    return out


def test_flags_the_link_far_below_the_median():
    links = [((k,), (k,)) for k in range(len(EN))]
    findings = check_mt(ZH, EN, links, mt_close_to_the_english())
    assert [f.zh_index for f in findings] == [4]
    f = findings[0]
    assert f.check == "mt.divergent" and f.key.startswith("mt.divergent:")
    assert f.extra["chrf"] < f.extra["threshold"] < f.extra["median"]
    assert f.suggestion.startswith("Tax revenue") and f.en_text == EN[4] and f.zh_text == ZH[4]


def test_dismissed_findings_stay_dismissed():
    links = [((k,), (k,)) for k in range(len(EN))]
    key = check_mt(ZH, EN, links, mt_close_to_the_english())[0].key
    assert check_mt(ZH, EN, links, mt_close_to_the_english(), dismissed={key}) == []


def test_too_few_links_give_no_threshold():
    links = [((k,), (k,)) for k in range(5)]
    assert check_mt(ZH[:5], EN[:5], links, mt_close_to_the_english()[:5]) == []


def test_links_of_several_paragraphs_use_the_joined_mt():
    links = [((0, 1), (0, 1))] + [((k,), (k,)) for k in range(2, len(EN))]
    findings = check_mt(ZH, EN, links, mt_close_to_the_english())
    assert [f.zh_index for f in findings] == [4]


def test_the_mt_must_cover_every_chinese_paragraph():
    with pytest.raises(InputError, match="9 machine translations for 10"):
        check_mt(ZH, EN, [((0,), (0,))], mt_close_to_the_english()[:9])


def test_chrf_is_sacrebleus_sentence_chrf():
    assert chrf("the two sessions", "The two sessions") == pytest.approx(
        sentence_chrf("the two sessions", ["The two sessions"]).score)


def test_threshold_is_median_minus_k_mad_with_a_floor():
    check = MTDivergentCheck(k=2.0, min_links=3, min_spread=4.0)
    assert check.threshold([50, 50, 50]) == pytest.approx(42.0)  # MAD 0: the floor applies
    assert check.threshold([40, 50, 60, 70, 30]) == pytest.approx(50 - 2 * 1.4826 * 10)
    assert check.threshold([1, 2]) is None
