"""Fitting a replacement into the words around its hit: doubled articles, repeated words, a/an, singular and
plural, sentence starts, CJK neighbours and inline-code placeholders; each case a real sentence."""

from __future__ import annotations

import pytest

from app.model import code_char
from app.terminology.fitting import article_for, fit, is_plural, sentence_start

B, E = code_char("open", 1), code_char("close", 1)  # a bold run around a phrase
X = code_char("standalone", 2)  # a placeholder (a footnote mark, an image)


def replaced(text: str, hit: str, replacement: str, nth: int = 0) -> tuple[str, list[str]]:
    """The text with the ``nth`` occurrence of ``hit`` replaced, fitted, and the kinds of the notes."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(hit, start + 1)
    f = fit(text, start, start + len(hit), replacement)
    return text[:f.start] + f.replacement + text[f.end:], [n.kind for n in f.notes]


CASES = [
    # one article, the replacement's (the cases first)
    ("speech during the National Two Sessions and the spirit", "National Two Sessions", "the two sessions",
     "speech during the two sessions and the spirit", ["fitted"]),
    ("adhere to and develop a Maple Bridge experience in the new era", "Maple Bridge experience",
     "the Fengqiao Experience", "adhere to and develop the Fengqiao Experience in the new era", ["fitted", "article"]),
    ("The National Two Sessions opened on March 5.", "National Two Sessions", "the two sessions",
     "The two sessions opened on March 5.", ["fitted"]),
    ("held an NPC and CPPCC sessions meeting", "NPC and CPPCC sessions", "the two sessions",
     "held the two sessions meeting", ["fitted", "article"]),
    ("the spirit of National Two Sessions", "National Two Sessions", "the two sessions",
     "the spirit of the two sessions", ["article"]),
    # a determiner or a possessive before: the replacement's article goes
    ("its National Two Sessions are held in March", "National Two Sessions", "the two sessions",
     "its two sessions are held in March", ["fitted"]),
    ("China's National Two Sessions", "National Two Sessions", "the two sessions", "China's two sessions",
     ["fitted"]),
    ("these National Two Sessions", "National Two Sessions", "the two sessions", "these two sessions", ["fitted"]),
    ("it's National Two Sessions time", "National Two Sessions", "the two sessions",
     "it's the two sessions time", ["article"]),  # "it's" is "it is", not a possessive
    # no repeated word at either edge
    ("the NPC sessions were held", "NPC", "NPC and CPPCC sessions", "the NPC and CPPCC sessions were held",
     ["fitted"]),
    ("the spirit of of the meeting", "of the meeting", "of the session",
     "the spirit of of the session", []),  # a repetition already there is left alone
    ("implement the spirit of the congress", "the congress", "of the two sessions",
     "implement the spirit of the two sessions", ["fitted", "number"]),
    ("the Supreme Inspection procuratorate", "Supreme Inspection", "Supreme People's Procuratorate",
     "the Supreme People's Procuratorate", ["fitted"]),
    ("a Party Group group meeting", "Party Group", "Party leadership group",
     "a Party leadership group group meeting", []),  # "Group group" was there before
    # a/an follow the next word's sound
    ("It was a good experience.", "good", "excellent", "It was an excellent experience.", ["a/an"]),
    ("It was an important meeting.", "important", "key", "It was a key meeting.", ["a/an"]),
    ("an NPC session was held", "NPC", "National People's Congress",
     "a National People's Congress session was held", ["a/an"]),
    ("a congress deputy", "congress", "NPC", "an NPC deputy", ["a/an"]),
    ("an honest man", "honest", "hourly", "an hourly man", []),
    ("a great university", "great", "European", "a European university", []),
    ("the apple is red", "the", "a", "an apple is red", ["a/an", "article"]),
    ("The important speech", "The", "An", "An important speech", ["article"]),
    # singular and plural
    ("this experience is valuable", "experience", "experiences", "this experiences is valuable", ["number"]),
    ("the two sessions are over", "two sessions", "session", "the session are over", ["number"]),
    ("the NPC opened", "NPC", "NPC and CPPCC sessions", "the NPC and CPPCC sessions opened", ["number"]),
    ("the Two Establishments were firmly supported", "Two Establishments", "two establishment",
     "the two establishment were firmly supported", ["number"]),
    ("the news is good", "news", "report", "the report is good", []),  # "news" is singular
    ("during the two sessions of the National People's Congress", "two sessions of the National People's Congress",
     "the two sessions", "during the two sessions", ["fitted"]),  # the head is "sessions", not "Congress"
    ("the complaint reporting is a long-term task", "complaint reporting", "petitions and appeals",
     "the petitions and appeals is a long-term task", ["number"]),
    ("the NPC is held", "NPC", "NPC and CPPCC", "the NPC and CPPCC is held", ["number"]),  # joined by "and"
    ("black under the lights", "black under the lights", "darkness under the lamp", "darkness under the lamp",
     []),
    # sentence starts
    ("National Two Sessions opened.", "National Two Sessions", "the two sessions", "The two sessions opened.",
     ["fitted", "article"]),
    ("It closed. National Two Sessions opened.", "National Two Sessions", "the two sessions",
     "It closed. The two sessions opened.", ["fitted", "article"]),
    ("He said: “Tongjianming spoke.”", "Tongjianming", "tong jianming", "He said: “Tong jianming spoke.”",
     ["fitted"]),
    ("iPhone sales rose", "iPhone", "IPad", "IPad sales rose", ["capital"]),
    ("we studied National Two Sessions", "National Two Sessions", "The two sessions",
     "we studied the two sessions", ["fitted", "article"]),
    ("a visit to The Hague", "The Hague", "The Hague court", "a visit to The Hague court", []),
    ("the U.S. Two Sessions", "Two Sessions", "two sessions", "the U.S. two sessions", []),
    # CJK beside the hit, and inline-code placeholders beside words
    ("会议强调the National Two Sessions精神", "National Two Sessions", "the two sessions",
     "会议强调the two sessions精神", ["fitted"]),
    ("学习全国两会National Two Sessions", "National Two Sessions", "the two sessions",
     "学习全国两会the two sessions", ["article"]),
    (f"during the {B}National Two Sessions{E} and", "National Two Sessions", "the two sessions",
     f"during {B}the two sessions{E} and", ["fitted"]),
    (f"during the{X} National Two Sessions", "National Two Sessions", "the two sessions",
     f"during {X}the two sessions", ["fitted"]),
    (f"{B}National Two Sessions{E} opened", "National Two Sessions", "the two sessions",
     f"{B}The two sessions{E} opened", ["fitted", "article"]),
    (f"the NPC{X} sessions", "NPC", "NPC sessions", f"the NPC sessions{X}", ["fitted"]),
    # nothing to fit
    ("Tongjianming, Ge Xiaoyan, Liu Zhao", "Tongjianming", "Tong Jianming", "Tong Jianming, Ge Xiaoyan, Liu Zhao",
     []),
    ("the Maple Bridge experience", "Maple Bridge experience", "Fengqiao Experience", "the Fengqiao Experience", []),
    ("remove the word here", "word ", "", "remove the here", []),
]


@pytest.mark.parametrize("text, hit, replacement, expected, kinds", CASES, ids=[c[0][:40] for c in CASES])
def test_fit(text, hit, replacement, expected, kinds):
    got, notes = replaced(text, hit, replacement)
    assert got == expected
    assert notes == kinds


def test_no_doubled_article_in_the_demo_sentences():
    text = ("to convey, study and implement the spirit of General Secretary Xi Jinping's important speech during the "
            "National Two Sessions and the spirit of the National Two Sessions")
    once, _ = replaced(text, "National Two Sessions", "the two sessions", nth=1)
    assert once.endswith("during the National Two Sessions and the spirit of the two sessions")
    for article in ("the the", "a the", "the a", "an the"):
        assert article not in once


def test_the_span_never_reaches_past_its_bounds():
    text = "the NPC sessions"
    f = fit(text, 4, 7, "NPC sessions", hi=8)  # the next hit starts at "sessions"
    assert (f.start, f.end, f.replacement) == (4, 7, "NPC sessions")
    f = fit(text, 4, 7, "the NPC", lo=4)  # the article belongs to the previous hit
    assert (f.start, f.replacement) == (4, "the NPC")
    f = fit("Bathe National", 6, 14, "the NPC", lo=2)  # the bound cuts "Bathe": its "the" is no article
    assert (f.start, f.replacement) == (6, "the NPC")
    f = fit("NPC theatre", 0, 3, "NPC and the", hi=7)  # the next hit cuts "theatre"
    assert (f.end, f.replacement) == (3, "NPC and the")


def test_placeholders_in_a_widened_span_are_kept():
    text = f"during a{X} {B}Maple Bridge experience{E}"
    start = text.index("Maple")
    f = fit(text, start, start + len("Maple Bridge experience"), "the Fengqiao Experience")
    out = text[:f.start] + f.replacement + text[f.end:]
    assert out == f"during {X}{B}the Fengqiao Experience{E}"


def test_notes_say_what_to_check():
    text = "this experience is valuable"
    f = fit(text, 5, 15, "experiences")
    assert [n.text for n in f.warnings] == ["singular → plural “experience” → “experiences”: check “this” before "
                                            "and “is” after"]
    f = fit("during a Maple Bridge experience", 9, 32, "the Fengqiao Experience")
    assert [n.text for n in f.warnings] == ["article “a” → “the”"]


@pytest.mark.parametrize("word, article", [("apple", "an"), ("hour", "an"), ("honest", "an"), ("university", "a"),
                                           ("unusual", "an"), ("European", "a"), ("one", "a"), ("NPC", "an"),
                                           ("SPP", "an"), ("CPPCC", "a"), ("UN", "a"), ("FBI", "an"), ("use", "a"),
                                           ("umbrella", "an"), ("year", "a"), ("", "a")])
def test_article_for(word, article):
    assert article_for(word) == article


@pytest.mark.parametrize("word, plural", [("sessions", True), ("session", False), ("Establishments", True),
                                          ("people", True), ("news", False), ("process", False), ("NPC", False),
                                          ("NGOs", True), ("analysis", False), ("masses", True), ("status", False),
                                          ("campus", False), ("Upholds", True), ("its", False)])
def test_is_plural(word, plural):
    assert is_plural(word) is plural


@pytest.mark.parametrize("text, at, start", [("Two sessions", 0, True), ("  “Two", 3, True), ("ok. Two", 4, True),
                                              ("ok.Two", 3, False), ("said “ok.” Two", 11, True), ("the two", 4, False),
                                              ("会议。Two", 3, True), (f"{B}Two", 1, True), ("e.g. two", 5, False),
                                              ("the U.S. Two", 9, False), ("Mr. Ying", 4, False),
                                              ("in 2024. Two", 9, True), ("measures; we", 10, False),
                                              ("as follows: two", 12, False), ("said: “Two", 7, True)])
def test_sentence_start(text, at, start):
    assert sentence_start(text, at) is start
