"""The QA report's grouping (services.findings.group_findings, row_lines, group_key) and the sentence pairs of a
link (services.sentences)."""

from __future__ import annotations

import pytest

from app.checks.base import Finding
from app.model import Issue, Severity
from app.services import findings, sentences
from app.storage.models import Link, Segment, User


def _finding(check="term.forbidden", message="m", key="k:1", severity=Severity.MAJOR, **extra) -> Finding:
    return Finding(Issue(check, severity, message, None, (0, 1), None, extra), ((0,), (0,)), 0, 0, key=key)


def test_group_key_prefers_the_term_then_the_word_then_the_message():
    assert findings.group_key(_finding(term="全国两会", word="x")) == ("term:全国两会", "全国两会")
    assert findings.group_key(_finding(word="feel")) == ("word:feel", "feel")
    assert findings.group_key(_finding(message="several spaces in a row")) == (
        "message:several spaces in a row", "several spaces in a row")


def test_row_lines_join_identical_findings():
    same = [_finding(message="a", key="k:1"), _finding(message="a", key="k:1"), _finding(message="a", key="k:2")]
    other = _finding(message="b", key="k:3")
    other_check = _finding(check="double-space", message="a", key="k:4")
    lines = findings.row_lines([*same, other, other_check])
    assert [(f.message, f.check, n, keys) for f, n, keys in lines] == [
        ("a", "term.forbidden", 3, ["k:1", "k:2"]), ("b", "term.forbidden", 1, ["k:3"]),
        ("a", "double-space", 1, ["k:4"])]
    assert findings.row_lines([]) == []


@pytest.mark.parametrize("text, span, expected", [
    ("abc", None, ("", "", "abc")),
    ("x" * 50 + "HIT" + "y" * 50, (50, 53), ("…" + "x" * 40, "HIT", "y" * 40 + "…")),
    ("ab\ue001cd", (3, 5), ("ab", "cd", "")),  # an inline code is left out of the excerpt
])
def test_excerpt(text, span, expected):
    assert findings._excerpt(text, span) == expected


def test_group_findings_on_the_demo(session, demo_doc):
    qa = findings.group_findings(session, demo_doc, page_size=5)
    found = findings.document_findings(session, demo_doc)
    assert qa.count == len(found.findings) == sum(qa.severities.values())
    # checks: most severe first; groups within a check: most severe, then most occurrences first
    ranks = [Severity(c.severity).rank for c in qa.checks]
    assert ranks == sorted(ranks, reverse=True)
    forbidden = next(c for c in qa.checks if c.check == "term.forbidden")
    counts = [g.count for g in forbidden.groups]
    assert counts == sorted(counts, reverse=True) and forbidden.groups[0].label == "全国两会"
    rows = findings.link_rows(session, demo_doc)
    for check in qa.checks:
        for group in check.groups:
            assert {o.finding.check for o in group.occurrences} == {check.check}
            for o in group.occurrences:
                assert o.row == rows[o.link_id] and o.page == (o.row - 1) // 5 + 1
                assert o.excerpt[1] == (o.finding.en_text or o.finding.zh_text)[:len(o.excerpt[1])]
            assert [(o.finding.message, o.row) for o in group.occurrences] == sorted(
                (o.finding.message, o.row) for o in group.occurrences)
    minor = findings.group_findings(session, demo_doc, 5, severity="minor")
    assert minor.count == qa.severities["minor"] > 0
    assert {o.finding.severity for c in minor.checks for g in c.groups for o in g.occurrences} == {Severity.MINOR}


def test_dismiss_many_dismisses_each_key_once(session, demo_doc):
    rita = session.query(User).filter_by(username="rita").one()
    group = findings.group_findings(session, demo_doc, 200).checks[0].groups[0]
    chosen = [o.finding for o in group.occurrences]
    keys = {f.key for f in chosen}
    assert findings.dismiss_many(session, demo_doc, chosen, rita) == len(keys)
    assert findings.dismiss_many(session, demo_doc, chosen, rita) == 0  # already dismissed
    session.commit()
    assert findings.group_findings(session, demo_doc, 200).group(group.ident) is None


@pytest.mark.parametrize("text, lang, expected", [
    ("One. Two!  Three?", "en", ["One.", "Two!", "Three?"]),
    ("第一句。第二句！", "zh", ["第一句。", "第二句！"]),
    ("", "en", [""]),
])
def test_sentence_spans_are_offsets_into_the_paragraph(text, lang, expected):
    assert [text[a:b] for a, b in sentences.sentence_spans(text, lang)] == expected


def test_sentence_pairs_place_findings_in_their_sentence(session, demo_doc):
    sentences._CACHE.clear()
    link = session.query(Link).filter_by(document_id=demo_doc, position=12).one()  # row 13: seven sentences
    view = sentences.sentence_pairs(session, link.id, method="length")
    assert not view.cached and len(view.pairs) == 7
    segs = {s.id: s for s in view.zh + view.en}
    for pair in view.pairs:  # every sentence is a slice of its paragraph
        for s in pair.zh + pair.en:
            assert segs[s.segment_id].text[s.start:s.end] == s.text
    # the sentences cover each paragraph in order
    assert [s.text for p in view.pairs for s in p.en] == [s.text for s in sentences._split(view.en, "en")]
    placed = [(p, f) for p in view.pairs for f in p.findings]
    for pair, f in placed:
        if f.en_span:  # the English span is inside one of the pair's English sentences
            assert any(s.start <= f.en_span[0] < s.end for s in pair.en)
    assert len(placed) + len(view.whole) == len(findings.document_findings(session, demo_doc).by_link[link.id])
    maple = next(p for p in view.pairs if any(f.en_text == "Maple Bridge experience" for f in p.findings))
    assert "Maple Bridge experience" in " ".join(s.text for s in maple.en)
    again = sentences.sentence_pairs(session, link.id, method="length")
    assert again.cached  # the aligner ran once; re-opening the row is from the cache
    assert [(len(p.zh), len(p.en)) for p in again.pairs] == [(len(p.zh), len(p.en)) for p in view.pairs]


def test_sentence_marks_are_clipped_to_the_sentence():
    s = sentences.Sentence(1, 10, 20, "x" * 10)
    marks = [(0, 5, "a", "before"), (8, 12, "b", "start"), (12, 15, "c", "inside"), (18, 30, "d", "end")]
    assert sentences.sentence_marks(s, marks) == [(0, 2, "b", "start"), (2, 5, "c", "inside"), (8, 10, "d", "end")]


def test_an_edited_paragraph_is_split_again(session, demo_doc):
    link = session.query(Link).filter_by(document_id=demo_doc, position=1).one()
    en = next(m.segment for m in link.members if m.segment.side == "en")
    seg = session.get(Segment, en.id)
    seg.text = "First sentence here. Second sentence there. Third one."
    session.flush()
    view = sentences.sentence_pairs(session, link.id, method="length")
    assert [s.text for p in view.pairs for s in p.en] == ["First sentence here.", "Second sentence there.",
                                                         "Third one."]
