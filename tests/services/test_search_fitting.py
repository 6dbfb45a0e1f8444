"""Search and replace fits each replacement to the words around its hit: the service, on the demo and on coded
text; one revision per paragraph, only the ticked hits, and ``fit=False`` for a replacement as typed."""

from __future__ import annotations

import re

from sqlalchemy import select

from app import services
from app.model import code_char, codes_in, plain_text
from app.services import search
from app.storage import queries
from app.storage.models import Segment, User

DOUBLED = re.compile(r"\b(the|an?)\s+(the|an?)\b", re.IGNORECASE)
B, E = code_char("open", 1), code_char("close", 1)


def _user(session, name):
    return session.scalar(select(User).where(User.username == name))


def _doc(session, en):
    zh = "\n\n".join(f"中文段落{i}" for i in range(en.count("\n\n") + 1)) + "\n"
    doc = services.import_document(session, "W", services.Upload("zh.txt", zh.encode()),
                                   services.Upload("en.txt", en.encode()), aligner="length")
    services.add_member(session, doc.project, _user(session, "tom"), "translator")
    session.commit()
    return doc


def _english(session, doc_id):
    return [s.text for s in queries.document_segments(session, doc_id, "en")]


def _count(texts, phrase):
    return sum(t.count(phrase) for t in texts)


def test_fix_everywhere_on_the_demo_writes_no_doubled_article(session, demo_doc):
    before = _english(session, demo_doc)
    assert not any(DOUBLED.search(t) for t in before)
    hits = search.find_hits(session, demo_doc, "National Two Sessions", "the two sessions", whole_word=True)
    assert len(hits) == 8
    assert all(h.removed == "the National Two Sessions" and h.replacement == "the two sessions" for h in hits)
    assert all(not DOUBLED.search(h.after) for h in hits)
    assert all([n.kind for n in h.notes] == ["fitted"] for h in hits)
    rita = _user(session, "rita")
    revs = search.apply_hits(session, demo_doc, "National Two Sessions", "the two sessions", {h.key for h in hits},
                             rita, whole_word=True, category="terminology/inconsistent-with-termbase")
    session.commit()
    assert len(revs) == len({h.segment_id for h in hits}) == len({r.segment_id for r in revs})
    assert {r.category for r in revs} == {"terminology/inconsistent-with-termbase"}
    english = _english(session, demo_doc)
    assert not any(DOUBLED.search(t) for t in english)
    assert _count(before, "during the National Two Sessions") == 3
    assert _count(english, "during the two sessions") == _count(before, "during the two sessions") + 3
    assert not any("National Two Sessions" in t for t in english)


def test_as_typed_the_old_replacement_doubles_the_article(session, demo_doc):
    hits = search.find_hits(session, demo_doc, "National Two Sessions", "the two sessions", whole_word=True,
                            fit=False)
    assert len(hits) == 8 and all("the the two sessions" in h.after for h in hits)
    assert all(h.removed == "National Two Sessions" and not h.notes for h in hits)


def test_only_the_ticked_hits_change_and_warnings_come_with_them(session):
    doc = _doc(session, "It was a Maple Bridge experience. The Maple Bridge experience is ours.\n\n"
                        "Maple Bridge experience matters.\n")
    hits = search.find_hits(session, doc.id, "Maple Bridge experience", "the Fengqiao Experience")
    assert [h.after for h in hits] == [
        "It was the Fengqiao Experience. The Maple Bridge experience is ours.",
        "It was a Maple Bridge experience. The Fengqiao Experience is ours.",
        "The Fengqiao Experience matters.",
    ]
    assert [[n.kind for n in h.warnings] for h in hits] == [["article"], [], ["article"]]
    revs = search.apply_hits(session, doc.id, "Maple Bridge experience", "the Fengqiao Experience",
                             {hits[1].key, hits[2].key}, _user(session, "tom"))
    assert [r.after for r in revs] == ["It was a Maple Bridge experience. The Fengqiao Experience is ours.",
                                       "The Fengqiao Experience matters."]
    assert revs[0].reason == "replaced “Maple Bridge experience” with “the Fengqiao Experience”"


def test_two_hits_in_a_row_never_share_a_word(session):
    doc = _doc(session, "NPC NPC sessions\n")
    hits = search.find_hits(session, doc.id, "NPC", "the NPC sessions", whole_word=True, case=True)
    assert len(hits) == 2
    spans = [(h.plain_start, h.plain_end) for h in hits]
    assert spans[0][1] <= spans[1][0]
    revs = search.apply_hits(session, doc.id, "NPC", "the NPC sessions", {h.key for h in hits},
                             _user(session, "tom"), whole_word=True, case=True)
    assert len(revs) == 1 and "sessions sessions" not in revs[0].after


def test_coded_paragraph_keeps_its_codes_and_gets_one_article(session):
    doc = _doc(session, "during the National Two Sessions and after\n")
    seg = queries.document_segments(session, doc.id, "en")[0]
    seg.text = f"during the {B}National Two Sessions{E} and after"
    session.flush()
    hits = search.find_hits(session, doc.id, "National Two Sessions", "the two sessions")
    assert len(hits) == 1 and hits[0].after == f"during the {B}two sessions{E} and after"
    assert hits[0].before[hits[0].span_start:hits[0].span_end] == f"the {B}National Two Sessions"
    search.apply_hits(session, doc.id, "National Two Sessions", "the two sessions", {hits[0].key},
                      _user(session, "tom"))
    text = session.get(Segment, seg.id).text
    assert plain_text(text) == "during the two sessions and after"
    assert [(r, n) for _, r, n in codes_in(text)] == [("open", 1), ("close", 1)]


def test_replace_all_fits_and_counts_warnings(session):
    doc = _doc(session, "This experience is new.\n\nAn experience of the NPC.\n")
    tom = _user(session, "tom")
    result = search.replace_all(session, doc.id, "experience", "lessons", tom, whole_word=True, dry_run=True)
    assert [h.after for h in result.hits] == ["This lessons is new.", "A lessons of the NPC."]
    assert [[n.kind for n in h.warnings] for h in result.hits] == [["number"], ["a/an", "number"]]
    assert "check “This” before and “is” after" in result.hits[0].warnings[0].text
    result = search.replace_all(session, doc.id, "experience", "lesson", tom, whole_word=True)
    assert result.paragraphs == 2
    assert _english(session, doc.id) == ["This lesson is new.", "A lesson of the NPC."]
