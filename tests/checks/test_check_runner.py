"""The runner: placing findings in 1-2 links, dismissal keys, bad links, output formats."""

from __future__ import annotations

import json

import pytest

from app.checks.base import finding_key
from app.checks.runner import check_document, check_texts, findings_to_json, reaches, split_paragraphs
from app.errors import InputError
from app.model import Bead, TermEntry

GLOSSARY = [TermEntry(zh=("枫桥经验",), en="Fengqiao Experience", forbidden=("Maple Bridge experience",),
                      case="capitalised")]


def test_split_paragraphs():
    assert split_paragraphs("a\r\n\n  \nb  \n") == ["a", "b"]


def test_span_in_second_paragraph_of_a_one_to_two_link():
    zh = ["标题", "坚持和发展新时代“枫桥经验”"]
    en = ["Title", "Uphold the new era", "and develop the Maple Bridge experience"]
    findings = check_document(zh, en, [Bead((0,), (0,)), Bead((1,), (1, 2))], GLOSSARY,
                              checks=["term.forbidden"])
    [f] = findings
    assert (f.zh_index, f.en_index) == (1, 2)
    assert en[2][f.en_span[0]:f.en_span[1]] == "Maple Bridge experience" == f.en_text
    assert zh[1][f.zh_span[0]:f.zh_span[1]] == "枫桥经验" == f.zh_text
    assert f.link == ((1,), (1, 2))


def test_keys_are_stable_and_dismissals_apply():
    zh, en = ["坚持“枫桥经验”"], ["the Maple Bridge experience"]
    first = check_document(zh, en, [((0,), (0,))], GLOSSARY)
    again = check_document(zh, en, [((0,), (0,))], GLOSSARY)
    assert [f.key for f in first] == [f.key for f in again]
    key = next(f.key for f in first if f.check == "term.forbidden")
    assert key.startswith("term.forbidden:")
    rest = check_document(zh, en, [((0,), (0,))], GLOSSARY, dismissed={key})
    assert key not in {f.key for f in rest} and len(rest) == len(first) - 1
    assert finding_key("x", "a", "b") != finding_key("x", "a", "c")


def test_links_out_of_range_and_unknown_checks():
    with pytest.raises(InputError, match="paragraph 3"):
        check_document(["a"], ["b"], [((3,), (0,))])
    with pytest.raises(InputError, match="unknown check"):
        check_document(["a"], ["b"], [((0,), (0,))], checks=["nope"])
    with pytest.raises(InputError, match="empty"):
        check_texts("\n", "text")


def test_omission_link_reported_as_empty():
    findings = check_document(["会议", "强调"], ["The meeting"], [((0,), (0,)), ((1,), ())])
    [f] = [f for f in findings if f.check == "empty"]
    assert f.zh_index == 1 and f.en_index is None and f.severity == "critical"


def test_reaches_and_json():
    findings = check_document(["会议"], ["The  meeting"], [((0,), (0,))])
    assert reaches(findings, "minor") and not reaches(findings, "major")
    [d] = json.loads(findings_to_json(findings))
    assert d["check"] == "double-space" and d["en_text"] == "  " and d["zh_index"] == 0
