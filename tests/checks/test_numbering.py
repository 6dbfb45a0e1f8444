"""One numbering: checks name other places with at(); the runner numbers them as review rows or, for two
plain files, as 1-based paragraph numbers; dismissal keys do not depend on the numbering."""

from __future__ import annotations

import pytest

from app.checks.base import at
from app.checks.runner import Numbering, check_document, findings_to_text, numbering_of
from app.errors import InputError
from app.model import TermEntry

GLOSSARY = [TermEntry(zh=("最高检",), en="Supreme People's Procuratorate",
                      forbidden=("top inspection", "Supreme Inspection"))]
# Four links; the same Chinese twice with different English (consistency.source) and a drifting term.
ZH = ["最高检召开会议。", "会议强调依法办案。", "最高检召开会议。", "最高检发布通知。"]
EN = ["The Supreme People's Procuratorate held a meeting.", "The meeting stressed handling cases by law.",
      "The top inspection held a meeting.", "The Supreme Inspection issued a notice."]
LINKS = [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]


def _by_check(findings, check):
    return [f for f in findings if f.check == check]


def test_messages_number_places_by_review_row():
    rows = [11, 12, 13, 14]  # a stretch of a longer document: the row is not the link's index
    found = check_document(ZH, EN, LINKS, GLOSSARY, rows=rows)
    [same] = _by_check(found, "consistency.source")
    assert same.message == "same Chinese as row 11 but a different English"
    assert same.row == 13
    [drift] = _by_check(found, "term.drift")
    assert "'Supreme People's Procuratorate' ×1 (row 11)" in drift.message
    assert "'top inspection' ×1 (row 13)" in drift.message
    assert "¶" not in drift.message and "\x1f" not in drift.message
    places = [p for r in drift.extra["renderings"] for p in r["places"]]
    assert sorted(p["row"] for p in places) == [11, 13, 14]
    assert {f.row for f in found} <= set(rows)


def test_plain_files_use_one_based_paragraph_numbers_and_say_so():
    found = check_document(ZH, EN, LINKS, GLOSSARY)
    [same] = _by_check(found, "consistency.source")
    assert same.message == "same Chinese as English paragraph 1 but a different English"
    assert same.row is None
    text = findings_to_text(found)
    assert "zh¶3 en¶3" in text and "zh¶0" not in text
    assert "counted from 1" in text


def test_keys_do_not_depend_on_the_numbering():
    plain = check_document(ZH, EN, LINKS, GLOSSARY)
    rows = check_document(ZH, EN, LINKS, GLOSSARY, rows=[5, 6, 7, 8])
    assert [f.key for f in plain] == [f.key for f in rows]
    assert [f.message for f in plain] != [f.message for f in rows]
    dismissed = {f.key for f in plain if f.check == "term.drift"}
    assert not _by_check(check_document(ZH, EN, LINKS, GLOSSARY, dismissed, rows=[5, 6, 7, 8]), "term.drift")


@pytest.mark.parametrize("links, expected", [
    ((2,), "row 3"),
    ((0, 2, 2), "rows 1, 3"),
    ((), "?"),
])
def test_labels_of_rows(links, expected):
    numbering = numbering_of(LINKS, [1, 2, 3, 4])
    assert numbering.render(f"see {at(*links)}.") == f"see {expected}."


def test_labels_of_paragraphs_name_the_side():
    numbering = Numbering([((0,), (0,)), ((1,), ()), ((2, 3), (1, 2))])
    assert numbering.label([0, 2]) == "English paragraphs 1, 2"
    assert numbering.label([1]) == "Chinese paragraph 2"


def test_rows_must_match_the_links():
    with pytest.raises(InputError, match="2 row numbers for 4 links"):
        check_document(ZH, EN, LINKS, rows=[1, 2])
