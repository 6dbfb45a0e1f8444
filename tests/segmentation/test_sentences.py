import pytest

from app.errors import InputError
from app.segmentation import edge_clauses, split_paragraphs, split_sentences

EN_CASES = [
    ("The U.S. economy grew. See No. 5 for details.", ["The U.S. economy grew.", "See No. 5 for details."]),
    ("Mr. Smith said e.g. this... and then left.", ["Mr. Smith said e.g. this... and then left."]),
    ("He waited... Then he left.", ["He waited...", "Then he left."]),
    ("I live in the U.S. Then I moved.", ["I live in the U.S.", "Then I moved."]),
    ("Dr. Who met Prof. X. They talked.", ["Dr. Who met Prof. X.", "They talked."]),
    ("He said \"Stop. Now.\" Then he went.", ["He said \"Stop. Now.\"", "Then he went."]),
    ("Read art. 3 and No. 12 today. Good?", ["Read art. 3 and No. 12 today.", "Good?"]),
]

ZH_CASES = [
    ("他说：“我走了。你留下。”然后他就走了。", ["他说：“我走了。你留下。”", "然后他就走了。"]),
    ("他问：“你去吗？”我说：“不去！”", ["他问：“你去吗？”", "我说：“不去！”"]),
    ("书名是《红楼梦。第一回》。下一句。", ["书名是《红楼梦。第一回》。", "下一句。"]),
    ("……好吧。他走了……", ["……好吧。", "他走了……"]),
    ("她说：“去吧。", ["她说：“去吧。"]),
    ("第一句。\n\n第二句！", ["第一句。", "第二句！"]),
]


@pytest.mark.parametrize(("text", "expected"), EN_CASES)
def test_english(text, expected):
    assert split_sentences(text, "en") == expected


@pytest.mark.parametrize(("text", "expected"), ZH_CASES)
def test_chinese(text, expected):
    assert split_sentences(text, "zh") == expected


def test_unknown_language():
    with pytest.raises(InputError):
        split_sentences("Bonjour.", "fr")


def test_empty_text():
    assert split_sentences("  \n", "en") == []


def test_paragraphs():
    text = "第一段  \r\n\r\n  second  para \rthird\n\n"
    assert split_paragraphs(text) == ["第一段", "second  para", "third"]
    assert split_paragraphs("") == []


@pytest.mark.parametrize(("text", "lang", "edges"), [
    ("好了，从现在开始，如果那伟大的波动出现，数值会自动存盘。”", "zh", ("好了，", "数值会自动存盘。”")),
    ("他双手捂着脸哭了起来。", "zh", ("他双手捂着脸哭了起来。", "他双手捂着脸哭了起来。")),
    ("韦小宝大喜，道：“成了。”", "zh", ("韦小宝大喜，", "“成了。”")),
    ('"You mean, those rumors—"', "en", ('"You mean,', "those rumors—")),  # a lone closing quote is no clause
    ("Trinket was furious.", "en", ("Trinket was furious.", "Trinket was furious.")),
    ("It's late now; so I won't try to keep you.", "en", ("It's late now;", "so I won't try to keep you.")),
])
def test_edge_clauses(text, lang, edges):
    assert edge_clauses(text, lang) == edges


def test_edge_clauses_reject_an_unknown_language():
    with pytest.raises(InputError):
        edge_clauses("Bonjour, monde.", "fr")
