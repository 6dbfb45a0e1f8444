"""One table of passing and failing examples per check, all run by CheckTestCase."""

from __future__ import annotations

from checkcase import CheckTestCase

from app.checks.registry import CHECKS
from app.checks.runner import check_document
from app.model import code_char
from app.terminology.glossary import load_glossary_csv


class TestTermMissing(CheckTestCase):
    check_id = "term.missing"
    good = [
        ("坚持和发展新时代“枫桥经验”", "uphold and develop the Fengqiao Experience in the new era"),
        ("坚持和发展新时代“枫桥经验”", "uphold the Fengqiao model"),  # accepted variant
        ("高质效办好每一个案件", "handle every case with high quality and efficiency"),  # inflection
        ("全国两会精神", "the spirit of the Two Sessions"),  # leading article, case-insensitive
        ("推进信访工作", "advance the work on petitions"),
        ("推進信訪工作", "advance petition work"),  # traditional Chinese, singular
        ("旧词", "nothing"),  # deprecated entries are not checked
        ("童建明", "Tongjianming"),  # names belong to names.pinyin
        ("两个确立", "the two establishment"),  # forbidden: reported by term.forbidden only
        ("坚定拥护“两个确立”", "Two Establishments"),  # numbered: formulation.numbered
    ]
    bad = [
        ("坚持和发展新时代“枫桥经验”", "uphold the Maple experience"),
        ("全国两会精神", "the spirit of the NPC and CPPCC"),
        ("推进信访工作", "advance the work on complaints"),
    ]


class TestTermForbidden(CheckTestCase):
    check_id = "term.forbidden"
    good = [
        ("坚持和发展新时代“枫桥经验”", "uphold the Fengqiao Experience"),
        ("检察长应勇", "Procurator-General Ying Yong"),
        ("全国两会", "the two sessions"),
    ]
    bad = [
        ("坚持和发展新时代“枫桥经验”", "develop the \"Maple Bridge experience\" in the new era",
         "Maple Bridge experience"),
        ("检察长应勇", "Procurator General Ying Yong", "Procurator General"),
        ("全国两会", "the National Two Sessions", "National Two Sessions"),
        ("坚定拥护“两个确立”", "firmly support the \"two establishment\"", "two establishment"),
        ("全国两会", "the national two-sessions", "national two-sessions"),  # folded hyphen
        ("没有术语", "the Maple Bridge experiences", "Maple Bridge experiences"),  # even without the zh
    ]


class TestTermForm(CheckTestCase):
    check_id = "term.form"
    good = [
        ("十四五规划", "the 14th Five-Year Plan"),
        ("三个规定", "the Three Regulations"),
        ("检察长", "Procurator-General"),
    ]
    bad = [
        ("十四五规划", "the 14th Five Year Plan", "14th Five Year Plan"),
        ("三个规定", "the three regulations", "three regulations"),
        ("高质效办好每一个案件", "handling every case well with high quality and efficiency",
         "handling every case well with high quality and efficiency"),
    ]


class TestTermDrift(CheckTestCase):
    check_id = "term.drift"
    good = [
        (["全国两会", "全国两会精神"], ["the two sessions", "the spirit of the two sessions"]),
        (["信访", "信访"], ["petitions", "petitions"]),
    ]
    bad = [
        (["信访工作", "信访案件", "群众信访"], ["complaint reporting work", "petition cases", "letters and visits"]),
        (["全国两会", "全国两会精神"], ["the National Two Sessions", "the spirit of the two sessions"]),
        # accepted renderings, but the note asks for one rendering per document
    ]


class TestConsistencySource(CheckTestCase):
    check_id = "consistency.source"
    good = [(["会议指出", "会议强调"], ["The meeting pointed out", "The meeting stressed"])]
    bad = [(["会议指出", "会议指出"], ["The meeting pointed out", "The meeting noted"], "The meeting noted")]


class TestConsistencyTarget(CheckTestCase):
    check_id = "consistency.target"
    good = [(["会议指出", "会议指出"], ["The meeting pointed out", "The meeting pointed out"])]
    bad = [(["会议指出", "会议强调"], ["The meeting stressed", "The meeting stressed"], "The meeting stressed")]


class TestNamesPinyin(CheckTestCase):
    check_id = "names.pinyin"
    good = [
        ("童建明、葛晓燕等", "Tong Jianming, Ge Xiaoyan and others"),
        ("检察长应勇主持会议", "Procurator-General Ying Yong presided"),
        ("单霁翔表示", "Shan Jixiang said"),
        ("張雪樵說", "Zhang Xueqiao said"),
        ("高检网", "Gaojian Network"),  # a body, not a person
        ("会议强调", "The meeting stressed"),
        ("文洁没有回答", "Wenjie did not answer"),  # a given name alone, one word as it should be
        ("叶文洁看着文洁", "Ye Wenjie looked at Wenjie"),
        ("他回到齐家屯", "He went back to Qijiatun"),  # a village: one word, as place names are
        ("闯关东的人", "the people who went to Guandong"),
        ("王府井大街", "Wangfujing Street"),
    ]
    bad = [
        ("童建明等", "Tongjianming and others", "Tongjianming"),
        ("叶文洁说", "Yewenjie said", "Yewenjie"),  # a full name run together, found without the glossary
        ("叶文洁说", "Wenjie Ye said", "Wenjie Ye"),
        ("童建明等", "Jianming Tong and others", "Jianming Tong"),
        ("童建明等", "Tong Jian-ming and others", "Tong Jian-ming"),
        ("童建明等", "Tung Chien-ming and others", "Tung Chien-ming"),
        ("葛晓燕等", "Xiaoyan Ge and others", "Xiaoyan Ge"),  # detected without the glossary
        ("单霁翔表示", "Dan Jixiang said", "Dan Jixiang"),  # 单 as a surname is Shan
        ("曾庆红说", "Ceng Qinghong said", "Ceng Qinghong"),  # detected, 曾 as a surname is Zeng
        ("張雪樵說", "Xueqiao Zhang said", "Xueqiao Zhang"),  # traditional characters
        ("童建明出席", "A deputy attended", "童建明"),  # a registered name left out
        ("單霽翔表示", "Dan Jixiang said", "Dan Jixiang"),
    ]


class TestConsistencyName(CheckTestCase):
    check_id = "consistency.name"
    use_glossary = False
    good = [
        # the given name alone
        (["叶文洁说", "文洁走了", "叶文洁笑了"], ["Ye Wenjie said", "Wenjie left", "Ye Wenjie laughed"]),
        (["徐志摩来了", "徐志摩走了"], ["Hsu Chih-mo came", "Hsu Chih-mo left"]),  # legacy, but one form throughout
        (["贾宝玉来了", "宝玉走了"], ["Jia Bao-yu came", "Bao-yu left"]),  # hyphenated throughout (Hawkes)
        (["徐志摩来了", "徐志摩的诗"], ["Xu Zhimo came", "Xu Zhimo's poems"]),  # possessive
        (["他回到齐家屯", "齐家屯的人"], ["He went back to Qijiatun", "the people of Qi Jiatun"]),  # not a person
        (["徐志摩来了", "徐志摩走了"], ["Xu Zhimo came", "Xu left"]),  # the family name alone
        (["徐志摩来了", "徐志摩走了"], ["Xu Zhimo came", "xu zhimo left"]),  # not capitalised: not a name form
    ]
    bad = [
        (["徐志摩来了", "徐志摩走了"], ["Xu Zhimo came", "Hsu Chih-mo left"], "Hsu Chih-mo"),  # Wade–Giles
        (["徐志摩来了", "徐志摩走了"], ["Xu Zhimo came", "Zhimo Xu left"], "Zhimo Xu"),  # order
        (["徐志摩来了", "徐志摩走了", "徐志摩笑了"], ["Xu Zhimo came", "Xu Zhimo left", "Xuzhimo laughed"],
         "Xuzhimo"),  # run together
        (["徐志摩来了", "徐志摩走了"], ["Xu Zhimo came", "XU ZHI-MO left"], "XU ZHI-MO"),  # case and hyphen
        (["叶文洁说", "文洁走了"], ["Ye Wenjie said", "Wen-chieh left"], "Wen-chieh"),  # given name, legacy
        (["毛泽东说", "毛泽东笑"], ["Mao Zedong said", "Mao Tsê-tung laughed"], "Mao Tsê-tung"),  # tone marks
        (["蒋介石说", "蒋介石笑"], ["Jiang Jieshi said", "Chiang Chieh-shih laughed"], "Chiang Chieh-shih"),
        (["周恩来说", "周恩来笑"], ["Zhou Enlai said", "Chou En-lai laughed"], "Chou En-lai"),
    ]

    def test_one_finding_with_both_forms(self):
        findings = self.run((["徐志摩来了", "徐志摩走了", "徐志摩笑了"],
                             ["Xu Zhimo came", "Hsu Chih-mo left", "Xu Zhimo laughed"]))
        assert len(findings) == 1
        f = findings[0]
        assert {r["text"]: r["count"] for r in f.extra["renderings"]} == {"Xu Zhimo": 2, "Hsu Chih-mo": 1}
        assert f.suggestion == "Xu Zhimo" and f.en_text == "Hsu Chih-mo" and f.en_index == 1


def _party_doc(variant: str, variant_index: int = 4):
    """Six links on 党组 (Party leadership group) with one English rendering swapped for ``variant``."""
    zh = ["党组召开会议", "党组研究工作", "党组听取汇报", "党组审议文件", "党组部署任务", "党组提出要求"]
    en = ["The Party Leadership Group held a meeting", "The Party Leadership Group studied the work",
          "The Party Leadership Group heard the report", "The Party Leadership Group reviewed the document",
          "The Party Leadership Group deployed the tasks", "The Party Leadership Group set out requirements"]
    en[variant_index] = en[variant_index].replace("Party Leadership Group", variant)
    return zh, en


class TestConsistencyTerm(CheckTestCase):
    check_id = "consistency.term"
    use_glossary = False
    good = [
        _party_doc("Party Leadership Group"),
        _party_doc("Party leadership groups"),  # case and plural
        _party_doc("Leadership Group"),  # a phrase within the longer one
        (["会议", "会议"], ["The meeting", "The meeting"]),
    ]
    bad = [
        _party_doc("Party Group", 4) + ("Party Group",),
        _party_doc("Party Committee", 2) + ("Party Committee",),
    ]

    def test_glossary_terms_are_left_to_term_drift(self):
        zh, en = _party_doc("Party Group")
        links = [((i,), (i,)) for i in range(len(zh))]
        glossary = load_glossary_csv("zh,en\n党组,Party leadership group\n")
        assert check_document(zh, en, links, glossary, checks=[self.check_id]) == []

    def test_renderings_counts_places_and_evidence(self):
        (f,) = self.run(_party_doc("Party Group", 4))
        assert f.suggestion == "Party Leadership Group"
        assert [(r["text"], r["count"]) for r in f.extra["renderings"]] == [("Party Leadership Group", 5),
                                                                           ("Party Group", 1)]
        assert f.extra["renderings"][1]["places"][0]["en_index"] == 4
        assert all(r["evidence"] for r in f.extra["renderings"])
        assert any(e.startswith("党组→") for e in f.extra["renderings"][0]["evidence"])


class TestNumberedFormulation(CheckTestCase):
    check_id = "formulation.numbered"
    good = [
        ("坚决做到“两个维护”", "resolutely achieve the Two Upholds"),
        ("坚决做到“两个维护”", "resolutely achieve the Two Safeguards"),
        ("坚决做到“两个维护”", "resolutely do the \"two maintenance\""),  # term.forbidden reports it
        ("每一个案件", "every case"),
    ]
    bad = [
        ("坚决做到“两个维护”", "resolutely safeguard the core", "两个维护"),
        ("增强“四个意识”", "strengthen the four consciousnesses", "四个意识"),  # unregistered candidate
        ("“五化”要求", "the five modernizations requirements", "五化"),
    ]


class TestNumbers(CheckTestCase):
    check_id = "numbers"
    good = [
        ("2024年3月12日", "March 12, 2024"),
        ("时间：2024年03月12日", "Time: March 12, 2024"),
        ("全国14亿人民", "1.4 billion people"),
        ("十四届全国人大二次会议", "the second session of the 14th National People's Congress"),
        ("增长5.2%", "grew by 5.2 percent"),
        ("百分之五十", "50 per cent"),
        ("新中国成立75周年", "the 75th anniversary of New China"),
        ("3万件", "30,000 cases"),
        ("过去一年", "the past year"),
        ("落实检察改革五年规划", "implement the five-year plan"),
        ("全国十四亿人民", "1.4 billion people"),
        ("实现“十四五”规划目标", "achieve the goals of the 14th Five-Year Plan"),
        ("三千", "three thousand"),
    ]
    bad = [
        ("2024年3月12日", "March 13, 2024", "12日"),
        ("全国14亿人民", "140 million people", "14亿"),
        ("十四届全国人大", "the 13th National People's Congress", "十四届"),
        ("增长5.2%", "grew by 2.5 percent", "5.2%"),
        ("三万件", "3,000 cases", "三万件"),
        ("全国十四亿", "140 million", "十四亿"),
    ]


class TestUntranslated(CheckTestCase):
    check_id = "untranslated"
    good = [("会议", "The meeting"), ("会议", "Café, naïve")]
    bad = [("检察日报", "the 检察日报 newspaper", "检察日报"), ("会议", "The meeting 强调", "强调")]


class TestPunctuation(CheckTestCase):
    check_id = "punctuation"
    good = [
        ("会议", "The meeting (held in Beijing) said \"yes\"."),
        ("会议", "the people’s sense of justice"),
        ("会议", "The “annual answer” of the procuratorates’ work"),
    ]
    bad = [
        ("【字体：大 中 小】", "[Font: large in Small", "["),
        ("会议", "The meeting，said", "，"),
        ("会议", "the 《Opinions》", "《"),
        ("会议", "He said \"yes.", '"'),
        ("会议", "item b)", ")"),
    ]


class TestRepeatedWord(CheckTestCase):
    check_id = "repeated-word"
    good = [
        ("会议", "better and better, more and more"),
        ("会议", "again and again"),
        ("会议", "feel, see and touch"),
    ]
    bad = [
        ("可感受、能感受、感受到", "make the people feel, feel, and feel fairness", "feel, feel, and feel"),
        ("会议", "the the meeting", "the the"),
        ("制度机制", "institutional and institutional achievements", "institutional and institutional"),
    ]


class TestDoubleSpace(CheckTestCase):
    check_id = "double-space"
    good = [("会议", "The meeting. Then"), ("会议", "  leading and trailing  ")]
    bad = [("【字体：大 中 小】", "[Font: large   in   Small]", "   "), ("会议", "The  meeting", "  ")]


LONG_ZH = "会议强调要深入学习贯彻全国两会精神特别是重要讲话精神"


class TestLength(CheckTestCase):
    check_id = "length"
    good = [
        ([LONG_ZH, LONG_ZH],
         ["The meeting stressed the spirit of the two sessions and the speech",
          "The meeting stressed the spirit of the two sessions and the speeches"]),
    ]
    bad = [
        ([LONG_ZH, LONG_ZH, LONG_ZH],
         ["The meeting stressed the spirit of the two sessions and the speech",
          "The meeting stressed the spirit of the two sessions and the speeches",
          "Meeting."], "Meeting."),
    ]


class TestEmpty(CheckTestCase):
    check_id = "empty"
    good = [("会议", "The meeting")]
    bad = [
        (["会议", "强调"], ["The meeting"], "强调"),
        (["会议"], ["The meeting", "An addition"], "An addition"),
        ("会议", "   "),
    ]


def O(n):  # noqa: E743 - the opening placeholder of paired code n
    return code_char("open", n)


def C(n):
    return code_char("close", n)


def S(n):
    return code_char("standalone", n)


class TestTags(CheckTestCase):
    check_id = "tags"
    use_glossary = False
    good = [
        ("你好", "Hello"),
        (f"使用{O(1)}Python{C(1)}编写", f"written in {O(1)}Python{C(1)}"),
        (f"第 {S(1)} 条", f"Article {S(1)} here"),
        (f"{O(1)}加粗{C(1)}和{S(2)}", f"{O(1)}bold{C(1)} and {S(2)}"),
        ([f"{O(1)}第一段", f"第二段{C(1)}"], [f"{O(1)}One", f"Two{C(1)}"]),  # a code across the link's paragraphs
    ]
    bad = [
        (f"见图{S(1)}", "see the figure", S(1)),  # deleted
        (f"见图{S(1)}", f"see {S(1)} the figure {S(1)}", S(1)),  # duplicated
        ("你好", f"Hello {S(1)}", S(1)),  # added
        (f"{O(1)}加粗{C(1)}", f"{O(1)}bold", O(1)),  # unbalanced: never closed
        (f"{O(1)}加粗{C(1)}", f"bold{C(1)}{O(1)}", C(1)),  # closed before it opens
        (f"{O(1)}甲{O(2)}乙{C(2)}{C(1)}", f"{O(1)}a{O(2)}b{C(1)}{C(2)}", C(1)),  # crossed
        (f"{S(1)}和{S(2)}", f"{S(2)} and {S(1)}", S(2)),  # out of order (minor)
        (f"使用 {O(1)}Python{C(1)} 编写", f"written in{O(1)}Python{C(1)}", O(1)),  # space lost
    ]

    def test_severities(self):
        major = self.run((f"见图{S(1)}", "see the figure"))
        assert [str(f.severity) for f in major] == ["major"] and major[0].zh_span == (2, 3)
        minor = self.run((f"{S(1)}和{S(2)}", f"{S(2)} and {S(1)}"))
        assert [str(f.severity) for f in minor] == ["minor"] and minor[0].en_span == (0, 1)


def test_other_checks_see_the_text_without_codes_and_point_into_the_coded_text():
    from app.checks.runner import check_document

    en = f"the {O(1)}the{C(1)} report"
    findings = check_document(["报告"], [en], [((0,), (0,))], [], checks=["repeated-word"])
    assert [f.en_text for f in findings] == ["the the"]
    start, end = findings[0].en_span
    assert en[start:end] == f"the {O(1)}the"
    clean = check_document(["报告"], [f"Re{S(1)}port"], [((0,), (0,))], [], checks=["untranslated", "double-space"])
    assert clean == []


def test_registry_ids_unique_and_documented():
    ids = [cls.check_id for cls in CHECKS.values()]
    assert len(ids) == len(set(ids))
    for check_id, cls in CHECKS.items():
        assert cls.check_id == check_id
        assert cls.name and cls.description, check_id
        assert cls.severity in ("critical", "major", "minor", "info")


def test_every_check_is_tested():
    tested = {cls.check_id for cls in CheckTestCase.__subclasses__()}
    assert set(CHECKS) == tested, set(CHECKS) ^ tested
