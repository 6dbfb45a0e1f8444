"""Review workflow services: statuses, comments, revert, search and replace, score and effort."""

import pytest
from sqlalchemy import select

from app import services
from app.errors import Forbidden, InputError
from app.services import report, review, search, statuses
from app.storage import queries
from app.storage.models import Link, Revision, StatusChange, User


def user(session, name):
    return session.scalar(select(User).where(User.username == name))


def small_doc(session, zh="中文段落一\n\n中文段落二\n", en="the cat sat\n\nthe dog ran\n"):
    doc = services.import_document(session, "W", services.Upload("zh.txt", zh.encode()),
                                   services.Upload("en.txt", en.encode()), aligner="length")
    for name, role in (("tom", "translator"), ("rita", "reviewer")):
        services.add_member(session, doc.project, user(session, name), role)
    session.commit()
    return doc


def en_segs(session, doc):
    return queries.document_segments(session, doc.id, "en")


def test_statuses_by_role_with_history(session):
    doc = small_doc(session)
    tom, rita = user(session, "tom"), user(session, "rita")
    link = queries.document_links(session, doc.id)[0]
    assert link.status == "translated"
    with pytest.raises(Forbidden):
        statuses.set_status(session, link.id, "approved", tom)
    statuses.set_status(session, link.id, "approved", rita)
    assert (link.status, link.status_by_id) == ("approved", rita.id) and link.status_at is not None
    with pytest.raises(Forbidden, match="un-approve"):
        statuses.set_status(session, link.id, "translated", tom)
    statuses.set_status(session, link.id, "reviewed", rita)  # un-approve
    history = statuses.status_history(session, link.id)
    assert [(h.before, h.after) for h in history] == [("approved", "reviewed"), ("translated", "approved")]
    with pytest.raises(InputError):
        statuses.set_status(session, link.id, "done", rita)
    assert statuses.status_counts(session, doc.id)["reviewed"] == 1
    assert statuses.confirm_status(tom, doc.project_id) == "translated"
    assert statuses.confirm_status(rita, doc.project_id) == "reviewed"


def test_untranslated_links_start_untranslated(session):
    from app.model import Bead
    from app.storage.models import Document, Segment

    doc = small_doc(session)
    other = Document(project_id=doc.project_id, title="omission")
    session.add(other)
    session.flush()
    zh = [Segment(document_id=other.id, side="zh", position=i, text=t, original=t) for i, t in enumerate("一二")]
    en = [Segment(document_id=other.id, side="en", position=0, text="One", original="One")]
    session.add_all(zh + en)
    session.flush()
    services.store_links(session, other, [Bead((0,), (0,)), Bead((1,), ())], zh, en)
    assert [link.status for link in queries.document_links(session, other.id)] == ["translated", "untranslated"]


def test_comments_resolve_and_reopen(session):
    doc = small_doc(session)
    tom, rita = user(session, "tom"), user(session, "rita")
    link = queries.document_links(session, doc.id)[0]
    c = review.add_comment(session, doc.id, link.id, "Is “cat” right here?", tom)
    assert review.open_comment_counts(session, doc.id) == {link.id: 1}
    review.resolve_comment(session, c.id, True, rita)
    assert c.resolved and c.resolved_by_id == rita.id
    assert review.open_comment_counts(session, doc.id) == {}
    review.resolve_comment(session, c.id, False, tom)
    assert not c.resolved and c.resolved_at is None
    with pytest.raises(InputError):
        review.add_comment(session, doc.id, link.id, "   ", tom)


def test_revert_is_a_revision(session):
    doc = small_doc(session)
    tom = user(session, "tom")
    seg = en_segs(session, doc)[0]
    services.save_segment(session, seg.id, "the cat sat down", 0, tom)
    services.save_segment(session, seg.id, "a cat sat down", 1, tom)
    rev = review.revert(session, seg.id, 1, 2, tom)
    assert (rev.version, rev.after, rev.origin) == (3, "the cat sat down", "revert")
    rev = review.revert(session, seg.id, 0, 3, tom)
    assert rev.after == "the cat sat" and seg.text == "the cat sat"
    assert len(queries.segment_revisions(session, seg.id)) == 4


def test_search_preview_and_apply_selected(session):
    doc = small_doc(session, en="The cat and the cat\n\nthe dog ran\n")
    tom = user(session, "tom")
    hits = search.find_hits(session, doc.id, "the", "a", case=False, whole_word=True)
    assert [(h.position, h.start) for h in hits] == [(0, 0), (0, 12), (1, 0)]
    assert hits[1].after == "The cat and a cat"
    regex = search.find_hits(session, doc.id, r"(\w+) cat", r"\1 kitten", regex=True)
    assert regex[0].after == "The kitten and the cat"
    revs = search.apply_hits(session, doc.id, "the", "a", {hits[1].key, hits[2].key}, tom, whole_word=True)
    assert [r.after for r in revs] == ["The cat and a cat", "a dog ran"]
    with pytest.raises(InputError, match="regular expression"):
        search.find_hits(session, doc.id, "(", "", regex=True)
    with pytest.raises(InputError, match="select at least one"):
        search.apply_hits(session, doc.id, "the", "a", set(), tom)


def test_quality_score_against_hand_computed_values(session):
    doc = small_doc(session)  # 10 Chinese characters
    rita = user(session, "rita")
    a, b = en_segs(session, doc)
    services.save_segment(session, a.id, "the cat sits", 0, rita, category="accuracy", severity="major")
    services.save_segment(session, b.id, "the dog runs", 0, rita, category="style", severity="minor")
    services.save_segment(session, b.id, "the dog is running", 1, rita, category="style", severity="neutral")
    services.save_segment(session, b.id, "the dog runs fast", 2, rita)  # no category: not an error
    score = report.quality_score(session, doc.id, {"neutral": 0, "minor": 1, "major": 5, "critical": 25}, 10)
    assert score.source_chars == 10 and score.penalty == 6
    assert score.per_thousand == 600.0 and not score.passed
    assert score.errors[("accuracy", "major")] == 1 and score.errors[("style", "minor")] == 1
    lenient = report.quality_score(session, doc.id, {"minor": 0.001, "major": 0.001}, 10)
    assert lenient.per_thousand == 0.2 and lenient.passed


def test_edit_effort_against_hand_computed_values(session):
    doc = small_doc(session)
    tom = user(session, "tom")
    a, b = en_segs(session, doc)
    per_link, total = report.edit_effort(session, doc.id)
    assert total.ter == 0.0 and total.chrf == 100.0 and not total.changed
    services.save_segment(session, a.id, "the dog sat", 0, tom, seconds=12.5)
    per_link, total = report.edit_effort(session, doc.id)
    links = queries.document_links(session, doc.id)
    first, second = per_link[links[0].id], per_link[links[1].id]
    assert first.ter == pytest.approx(100 / 3, abs=0.01)  # one substitution in three words
    assert first.seconds == 12.5 and first.changed
    assert (second.ter, second.chrf, second.bleu, second.changed) == (0.0, 100.0, 100.0, False)
    assert total.ter == pytest.approx(100 / 6, abs=0.01)  # one edit over six reference words
    assert total.seconds == 12.5 and 0 < total.chrf < 100


def test_nothing_is_deleted(session):
    doc = small_doc(session)
    tom = user(session, "tom")
    seg = en_segs(session, doc)[0]
    services.save_segment(session, seg.id, "x y z", 0, tom)
    review.revert(session, seg.id, 0, 1, tom)
    assert session.scalar(select(Revision).where(Revision.version == 1)).after == "x y z"
    assert session.scalars(select(StatusChange)).all() == []
    assert session.scalars(select(Link)).all()


def test_reviewing_a_link_clears_the_new_version_flag(session):
    doc = small_doc(session)
    rita = user(session, "rita")
    link = queries.document_links(session, doc.id)[0]
    for m in link.members:
        m.segment.needs_review = True
    session.flush()
    statuses.set_status(session, link.id, "translated", rita)
    assert all(m.segment.needs_review for m in link.members)
    statuses.set_status(session, link.id, "reviewed", rita)
    assert not any(m.segment.needs_review for m in link.members)
