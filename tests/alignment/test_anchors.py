"""Lexical anchors: numerals, pinyin names, punctuation and quotation marks."""

import numpy as np
import pytest

from app.alignment.anchors import (
    AnchorIndex,
    document_anchors,
    en_names,
    marks,
    numbers_en,
    numbers_zh,
    speech_shares,
    zh_name_anchors,
    zh_number,
)


@pytest.mark.parametrize(("text", "value"), [("十八", 18), ("三百五十", 350), ("一九四九", 1949), ("两万三千", 23000),
                                             ("十", 10), ("一百零五", 105)])
def test_chinese_numerals(text, value):
    assert zh_number(text) == value


def test_numbers_on_both_sides():
    assert numbers_zh("茅十八在1949年带了三百多人") == {"18", "1949", "300"}
    assert numbers_en("He was 18, with three hundred men in 1,949") == {"18", "100", "1949"}
    assert numbers_zh("他一个人") == set()  # single numerals below ten are too common to anchor


def test_english_names():
    assert {"zhourui", "zhou", "rui", "baoyu", "bao"} <= en_names("Zhou Rui's wife met Bao-yu.")


def test_pinyin_names_and_surnames():
    vocab = {"liu", "zhourui", "zhou", "qingyang"}
    found = zh_name_anchors(["刘老老说道：“谁叫你去?", "周瑞家的认了半日", "六个人", "陈清扬把我拽住"], vocab)
    assert found == [{"liu"}, {"zhourui", "zhou"}, set(), {"qingyang"}]


def test_document_anchors_keep_only_shared():
    zh = ["陈清扬把我拽住。", "那天是1970年。", "王二走了。"]
    en = ["Chen Qingyang caught me.", "It was 1970.", "He left."]
    zs, es = document_anchors(zh, en)
    assert "@qingyang" in zs[0] and "@qingyang" in es[0]
    assert "#1970" in zs[1] and "#1970" in es[1]
    assert not zs[2]  # "Wang Er" is not in the English


def test_anchor_index_counts_shared_and_missing():
    idx = AnchorIndex([frozenset({"a"}), frozenset({"b"})], [frozenset(), frozenset({"a"}), frozenset({"b"})], 2, 2)
    shared, missing = idx.shared_and_missing(0, 2, 2, np.array([0, 1]))
    assert shared.tolist() == [1.0, 2.0]
    assert missing.tolist() == [1.0, 0.0]


def test_marks_and_speech():
    assert marks(["你去吗？", "好！“走”"], "zh", quotes=True).tolist() == [[1, 0, 0], [0, 1, 1]]
    assert marks(["'Go?' he asked.", "The boys' books!"], "en", quotes=True).tolist() == [[1, 0, 1], [0, 1, 0]]
    shares = speech_shares(["'No more for today!", "Tomorrow, if you like.'", "He left."], "en")
    assert shares[0] == 1.0 and shares[1] > 0.9 and shares[2] == 0.0
