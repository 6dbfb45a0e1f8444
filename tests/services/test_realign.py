"""Alignment editing (merge, split, shift, link, unlink, re-align, undo) and new English versions."""

import json
import random
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import services
from app.errors import Conflict, Forbidden, InputError
from app.services import alignment_view
from app.services import realign as al
from app.services.versions import import_new_version, version_diffs
from app.storage import queries
from app.storage.models import AlignmentChange, Link, Revision, Segment, User

ROOT = Path(__file__).resolve().parents[2]
EN_LINES = (ROOT / "corpus/demo/en.txt").read_text(encoding="utf-8").splitlines()


def user(session, name="rita"):
    return session.scalar(select(User).where(User.username == name))


def shape(session, doc):
    """The links as (zh positions, en positions), 0-based."""
    out = []
    for link in queries.document_links(session, doc):
        segs = sorted((m.segment for m in link.members), key=lambda s: s.position)
        out.append((tuple(s.position for s in segs if s.side == "zh"),
                    tuple(s.position for s in segs if s.side == "en")))
    return out


def link_id(session, doc, number):
    """The id of the link shown as row ``number`` (1-based)."""
    return session.scalar(select(Link.id).where(Link.document_id == doc, Link.position == number - 1))


def sound(session, doc):
    assert alignment_view.check_links(session, doc) == []


def test_demo_starts_as_gold(session, demo_doc):
    links = shape(session, demo_doc)
    assert len(links) == 18 and links[4] == ((4,), (4, 5))
    sound(session, demo_doc)


def test_merge_joins_a_link_with_the_next(session, demo_doc):
    change = al.merge(session, demo_doc, link_id(session, demo_doc, 1), user(session), reason="one heading")
    links = shape(session, demo_doc)
    assert len(links) == 17 and links[0] == ((0, 1), (0, 1)) and links[1] == ((2,), (2,))
    merged = queries.document_links(session, demo_doc)[0]
    assert merged.origin == "manual" and merged.confidence is None
    assert change.op == "merge" and change.reason == "one heading" and change.author.username == "rita"
    assert [g["zh_no"] for g in json.loads(change.before)] == [[1], [2]]
    assert json.loads(change.after)[0]["en_no"] == [1, 2]
    sound(session, demo_doc)


def test_rows_that_refer_to_a_link_follow_it(session, demo_doc):
    """Status history and comments of a merged or split link are kept, on the link that holds its segments."""
    from app.storage.models import Comment, StatusChange

    editor = user(session)
    second = link_id(session, demo_doc, 2)
    session.add(StatusChange(document_id=demo_doc, link_id=second, before="translated", after="reviewed",
                             author_id=editor.id))
    session.add(Comment(document_id=demo_doc, link_id=second, body="check the date", author_id=editor.id))
    session.flush()
    al.merge(session, demo_doc, link_id(session, demo_doc, 1), editor)
    merged = link_id(session, demo_doc, 1)
    assert session.scalar(select(StatusChange.link_id)) == merged
    assert session.scalar(select(Comment.link_id)) == merged
    al.undo(session, demo_doc, editor)
    assert session.scalar(select(Comment.link_id)) == link_id(session, demo_doc, 1)  # the first segment's link
    sound(session, demo_doc)


def test_merge_of_the_last_link_is_refused(session, demo_doc):
    with pytest.raises(InputError, match="last one"):
        al.merge(session, demo_doc, link_id(session, demo_doc, 18), user(session))


def test_split_at_a_cut(session, demo_doc):
    al.split(session, demo_doc, link_id(session, demo_doc, 5), 1, 1, user(session))
    links = shape(session, demo_doc)
    assert len(links) == 19 and links[4] == ((4,), (4,)) and links[5] == ((), (5,)) and links[6] == ((5,), (6,))
    sound(session, demo_doc)


@pytest.mark.parametrize("zh_cut, en_cut, message", [
    (0, 0, "at least one paragraph above and below"),
    (1, 2, "at least one paragraph above and below"),
    (2, 1, "the cut must be 0–1 Chinese and 0–2 English"),
    (-1, 1, "the cut must be"),
    (None, 1, "whole numbers"),
])
def test_bad_split_changes_nothing(session, demo_doc, zh_cut, en_cut, message):
    before = shape(session, demo_doc)
    with pytest.raises(InputError, match=message):
        al.split(session, demo_doc, link_id(session, demo_doc, 5), zh_cut, en_cut, user(session))
    assert shape(session, demo_doc) == before
    assert session.scalar(select(func.count(AlignmentChange.id))) == 0


def test_shift_english_up_and_down(session, demo_doc):
    editor = user(session)
    al.shift(session, demo_doc, link_id(session, demo_doc, 6), "en", "up", editor)
    links = shape(session, demo_doc)
    assert links[4] == ((4,), (4, 5, 6)) and links[5] == ((5,), ())
    al.shift(session, demo_doc, link_id(session, demo_doc, 5), "en", "down", editor)
    assert shape(session, demo_doc)[4:6] == [((4,), (4, 5)), ((5,), (6,))]
    sound(session, demo_doc)


def test_shift_chinese_and_a_link_that_empties_disappears(session, demo_doc):
    editor = user(session)
    al.shift(session, demo_doc, link_id(session, demo_doc, 3), "zh", "up", editor)
    links = shape(session, demo_doc)
    assert links[0] == ((0,), (0,)) and links[1] == ((1, 2), (1,)) and links[2] == ((), (2,))
    al.shift(session, demo_doc, link_id(session, demo_doc, 3), "en", "up", editor)  # the 0-1 link empties
    links = shape(session, demo_doc)
    assert len(links) == 17 and links[1] == ((1, 2), (1, 2))
    sound(session, demo_doc)


@pytest.mark.parametrize("number, side, direction, message", [
    (1, "zh", "up", "first link"),
    (18, "en", "down", "last link"),
    (1, "fr", "up", "side must be"),
    (1, "en", "left", "direction must be"),
])
def test_bad_shift_is_refused(session, demo_doc, number, side, direction, message):
    with pytest.raises(InputError, match=message):
        al.shift(session, demo_doc, link_id(session, demo_doc, number), side, direction, user(session))


def test_unlink_then_link(session, demo_doc):
    editor = user(session)
    al.unlink(session, demo_doc, link_id(session, demo_doc, 5), editor)
    links = shape(session, demo_doc)
    assert links[4:7] == [((4,), ()), ((), (4,)), ((), (5,))]
    with pytest.raises(InputError, match="already unlinked"):
        al.unlink(session, demo_doc, link_id(session, demo_doc, 5), editor)
    statuses = [lk.status for lk in queries.document_links(session, demo_doc)[4:7]]
    assert statuses == ["untranslated", "translated", "translated"]  # as an import would set them
    al.link(session, demo_doc, link_id(session, demo_doc, 5), editor)  # the 1-0 joins the 0-1 below
    assert shape(session, demo_doc)[4:6] == [((4,), (4,)), ((), (5,))]
    with pytest.raises(InputError, match="no unlinked Chinese paragraph next to link 6"):
        al.link(session, demo_doc, link_id(session, demo_doc, 6), editor)
    al.link(session, demo_doc, link_id(session, demo_doc, 5), editor, last_id=link_id(session, demo_doc, 6))
    assert shape(session, demo_doc)[4] == ((4,), (4, 5))
    sound(session, demo_doc)


def test_link_refuses_a_linked_row_and_one_sided_ranges(session, demo_doc):
    editor = user(session)
    with pytest.raises(InputError, match="already linked"):
        al.link(session, demo_doc, link_id(session, demo_doc, 1), editor)
    al.unlink(session, demo_doc, link_id(session, demo_doc, 1), editor)
    with pytest.raises(InputError, match="at least two links"):
        al.link(session, demo_doc, link_id(session, demo_doc, 2), editor, last_id=link_id(session, demo_doc, 2))
    al.link(session, demo_doc, link_id(session, demo_doc, 1), editor, last_id=link_id(session, demo_doc, 3))
    assert shape(session, demo_doc)[0] == ((0, 1), (0, 1))
    sound(session, demo_doc)


def test_undo_restores_links_and_is_recorded(session, demo_doc):
    editor, rita = user(session), user(session, "rita")
    original = shape(session, demo_doc)
    first = queries.document_links(session, demo_doc)[0]
    conf = first.confidence
    change = al.merge(session, demo_doc, first.id, editor)
    undo = al.undo(session, demo_doc, rita)
    assert shape(session, demo_doc) == original
    restored = queries.document_links(session, demo_doc)[0]
    assert restored.origin == "auto" and restored.confidence == conf
    assert undo.op == "undo" and undo.undoes_id == change.id and change.undone_by_id == undo.id
    with pytest.raises(InputError, match="no alignment change to undo"):
        al.undo(session, demo_doc, rita)
    redo = al.undo(session, demo_doc, rita, change_id=undo.id)  # undoing the undo is a redo
    assert redo.op == "redo" and len(shape(session, demo_doc)) == 17
    al.undo(session, demo_doc, rita)  # Z now undoes the redo
    assert shape(session, demo_doc) == original
    assert [c.op for c in alignment_view.history(session, demo_doc)] == ["undo", "redo", "undo", "merge"]
    sound(session, demo_doc)


def test_undo_of_an_overtaken_change_is_a_conflict(session, demo_doc):
    editor = user(session)
    first = al.merge(session, demo_doc, link_id(session, demo_doc, 1), editor)
    al.merge(session, demo_doc, link_id(session, demo_doc, 1), editor)
    before = shape(session, demo_doc)
    with pytest.raises(Conflict, match="changed again later"):
        al.undo(session, demo_doc, editor, change_id=first.id)
    assert shape(session, demo_doc) == before
    al.undo(session, demo_doc, editor)
    al.undo(session, demo_doc, editor)
    assert len(shape(session, demo_doc)) == 18


def test_editing_needs_the_edit_permission(session, demo_doc):
    with pytest.raises(Forbidden):
        al.merge(session, demo_doc, link_id(session, demo_doc, 1), None)


@pytest.mark.parametrize("seed", range(3))
def test_random_edits_keep_links_monotone_and_undo_all(session, demo_doc, seed):
    editor = user(session)
    original = shape(session, demo_doc)
    rng = random.Random(seed)
    done = 0
    for _ in range(120):
        n = len(shape(session, demo_doc))
        lid = link_id(session, demo_doc, rng.randint(1, n))
        op = rng.choice(["merge", "split", "shift", "link", "unlink"])
        try:
            if op == "split":
                al.split(session, demo_doc, lid, rng.randint(0, 2), rng.randint(0, 2), editor)
            elif op == "shift":
                al.shift(session, demo_doc, lid, rng.choice(["zh", "en"]), rng.choice(["up", "down"]), editor)
            elif op == "link":
                last = link_id(session, demo_doc, rng.randint(1, n)) if rng.random() < 0.5 else None
                al.link(session, demo_doc, lid, editor, last_id=last)
            else:
                getattr(al, op)(session, demo_doc, lid, editor)
            done += 1
        except InputError:
            pass
        sound(session, demo_doc)
    assert done > 40
    for _ in range(done):
        al.undo(session, demo_doc, editor)
        sound(session, demo_doc)
    assert shape(session, demo_doc) == original


def test_realign_keeps_manual_links(session, demo_doc):
    editor = user(session)
    # A wrong manual link: Chinese 3 with English 3 and 4.
    al.shift(session, demo_doc, link_id(session, demo_doc, 5), "en", "up", editor)
    manual = shape(session, demo_doc)[3]
    assert manual == ((3,), (3, 4))
    manual_id = link_id(session, demo_doc, 4)
    change = al.realign(session, demo_doc, link_id(session, demo_doc, 1), editor, method="length")
    links = shape(session, demo_doc)
    assert manual in links
    kept = queries.document_links(session, demo_doc)[links.index(manual)]
    assert kept.origin == "manual" and kept.id == manual_id  # the anchor keeps its row
    # the shift made both links it touched manual; everything else is the aligner's again
    assert [lk.origin for lk in queries.document_links(session, demo_doc)].count("manual") == 2
    assert "manual links kept" in change.summary and "length" in change.summary
    sound(session, demo_doc)
    al.undo(session, demo_doc, editor)
    assert shape(session, demo_doc)[3] == manual


def test_realign_a_range_with_the_embedding_aligner(session, demo_doc):
    editor = user(session)
    al.unlink(session, demo_doc, link_id(session, demo_doc, 5), editor)
    al.undo(session, demo_doc, editor)
    al.split(session, demo_doc, link_id(session, demo_doc, 5), 1, 1, editor)
    # make the stretch auto again by re-aligning 4–7; the split link is manual so it stays
    change = al.realign(session, demo_doc, link_id(session, demo_doc, 4), editor, last_id=link_id(session, demo_doc, 7))
    assert change.op == "realign"
    sound(session, demo_doc)


def test_realign_of_manual_links_only_is_refused(session, demo_doc):
    editor = user(session)
    al.merge(session, demo_doc, link_id(session, demo_doc, 1), editor)
    lid = link_id(session, demo_doc, 1)
    with pytest.raises(InputError, match="set by hand"):
        al.realign(session, demo_doc, lid, editor, last_id=lid, method="length")


def test_unknown_operation(session, demo_doc):
    with pytest.raises(InputError, match="unknown alignment operation 'explode'"):
        al.apply(session, demo_doc, al.Edit("explode"), user(session))


# ---------------------------------------------------------------- new versions


def _version(lines):
    return services.Upload("en-v2.txt", ("\n".join(lines) + "\n").encode("utf-8"))


def test_new_version_keeps_unchanged_paragraphs_and_their_history(session, demo_doc):
    editor, rita = user(session), user(session, "rita")
    en = queries.document_segments(session, demo_doc, "en")
    fixed = en[13].text.replace("Maple Bridge experience", "Fengqiao Experience")
    services.save_segment(session, en[13].id, fixed, 0, editor, reason="glossary")
    services.save_segment(session, en[8].id, en[8].text + " (fixed)", 0, editor)
    first_link = queries.document_links(session, demo_doc)[0].id
    session.commit()

    lines = [line for line in EN_LINES if line.strip()]
    assert lines[13] == en[13].original
    changed = lines[10].replace("The meeting", "This meeting")
    lines[10] = changed
    lines[8] = en[8].text  # the new version took our fix: unchanged
    removed = lines.pop(16)
    lines.insert(7, "A paragraph added in the second version.")
    result = import_new_version(session, demo_doc, _version(lines), rita, method="length")
    session.commit()

    assert (result.kept, result.new, result.retired) == (17, 2, 2)
    assert services.document_stats(session, demo_doc)["en"] == 19  # retired paragraphs are not counted
    now = queries.document_segments(session, demo_doc, "en")
    assert [s.text for s in now][:7] == [s.text for s in en][:7]
    by_id = {s.id: s for s in now}
    assert by_id[en[13].id].text == fixed and by_id[en[8].id].version == 1  # same segments, fixes kept
    assert session.scalar(select(func.count(Revision.id)).where(Revision.segment_id == en[13].id)) == 1
    new = [s for s in now if s.needs_review]
    assert sorted(s.text for s in new) == sorted([changed, "A paragraph added in the second version."])
    gone = session.scalars(select(Segment).where(Segment.retired.is_(True))).all()
    assert sorted(s.text for s in gone) == sorted([en[10].text, removed])
    exported = services.export_text(session, demo_doc).decode("utf-8")
    assert changed in exported and removed not in exported and "Fengqiao Experience" in exported
    assert queries.document_links(session, demo_doc)[0].id == first_link  # unchanged links untouched
    rows, _pages, _page = alignment_view.alignment_rows(session, demo_doc, 0.5)
    added = next(r for r in rows if any("added in the second" in s.text for s in r.en))
    assert added.needs_review
    assert alignment_view.alignment_counts(session, demo_doc, 0.5)["review"] == 2
    diffs = version_diffs(session, demo_doc, [s.id for s in new])
    changed_seg = next(s for s in new if s.text == changed)
    assert ("delete", "The") in diffs[changed_seg.id] and ("insert", "This") in diffs[changed_seg.id]
    assert all(not s.retired for r in rows for s in r.en)
    change = alignment_view.history(session, demo_doc)[0]
    assert change.op == "new-version" and "2 new or changed" in change.summary
    with pytest.raises(InputError, match="cannot be undone"):
        al.undo(session, demo_doc, rita)
    sound(session, demo_doc)
    assert al.mark_checked(session, demo_doc, added.link.id, editor) == 1


def test_new_version_with_the_embedding_aligner(session, demo_doc):
    lines = [line for line in EN_LINES if line.strip()]
    lines[4] = lines[4] + " " + lines[5]  # two English paragraphs joined into one
    del lines[5]
    result = import_new_version(session, demo_doc, _version(lines), user(session, "rita"))
    assert result.new == 1 and result.retired == 2
    links = shape(session, demo_doc)
    assert len(links) == 18 and links[4] == ((4,), (4,))
    sound(session, demo_doc)


def test_same_version_changes_nothing(session, demo_doc):
    before = shape(session, demo_doc)
    lines = [line for line in EN_LINES if line.strip()]
    result = import_new_version(session, demo_doc, _version(lines), user(session, "rita"))
    assert result.new == 0 and result.retired == 0 and "nothing changed" in result.message()
    assert shape(session, demo_doc) == before


def test_new_version_needs_the_import_permission(session, demo_doc):
    with pytest.raises(Forbidden):
        import_new_version(session, demo_doc, _version(["x"]), user(session, "tom"))


def test_new_version_empty_file_is_refused(session, demo_doc):
    with pytest.raises(InputError):
        import_new_version(session, demo_doc, services.Upload("en.txt", b""), user(session, "rita"))


def test_cli_import_version(runner, demo_doc, tmp_path):
    lines = [line for line in EN_LINES if line.strip()]
    lines[3] = "A new rendering of the fourth paragraph."
    path = tmp_path / "en-v2.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(["import-version", str(demo_doc), str(path), "--user", "rita", "--method", "length"])
    assert result.exit_code == 0, result.output
    assert f"Document {demo_doc}: 18 paragraphs unchanged (history kept), 1 new or changed" in result.output
    result = runner.invoke(["import-version", str(demo_doc), str(path), "--user", "tom"])
    assert result.exit_code == 2 and "Error: your role in this project does not allow this (import)" in result.output
    result = runner.invoke(["import-version", str(demo_doc), str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "cannot read the file" in result.output


@pytest.mark.parametrize("seed", [*range(6), 40])  # 40: a paragraph inserted inside a 1-2 link
def test_random_versions_keep_links_sound(session, demo_doc, seed):
    rng = random.Random(seed)
    rita = user(session, "rita")
    lines = [line for line in EN_LINES if line.strip()]
    for version in range(2):
        for _ in range(rng.randint(1, 6)):
            k = rng.randrange(len(lines))
            what = rng.choice(["change", "delete", "insert", "split", "join"])
            if what == "change":
                lines[k] = lines[k] + f" (v{version})"
            elif what == "delete" and len(lines) > 1:
                del lines[k]
            elif what == "insert":
                lines.insert(k, f"Inserted paragraph {version}-{k}.")
            elif what == "split" and " " in lines[k]:
                head, tail = lines[k].split(" ", 1)
                lines[k:k + 1] = [head, tail]
            elif what == "join" and k + 1 < len(lines):
                lines[k:k + 2] = [lines[k] + " " + lines[k + 1]]
        result = import_new_version(session, demo_doc, _version(lines), rita, method="length")
        assert result.kept + result.new == len(lines)
        assert [s.text for s in queries.document_segments(session, demo_doc, "en")] == lines
        assert len(queries.document_segments(session, demo_doc, "zh")) == 18
        sound(session, demo_doc)


def test_new_version_keeps_comments_on_realigned_links(session, demo_doc):
    from app.storage.models import Comment, LinkSegment

    editor = user(session)
    third = queries.document_links(session, demo_doc)[2]
    zh_id = next(m.segment_id for m in third.members if m.segment.side == "zh")
    session.add(Comment(document_id=demo_doc, link_id=third.id, body="font line", author_id=editor.id))
    session.commit()
    lines = [line for line in EN_LINES if line.strip()]
    lines.insert(3, "A paragraph with no Chinese counterpart.")  # the links around it are re-aligned
    result = import_new_version(session, demo_doc, _version(lines), user(session, "rita"), method="length")
    assert result.new == 1 and result.stretches == 1
    comment = session.scalar(select(Comment))
    assert comment.link_id is not None
    assert session.scalar(select(LinkSegment.link_id).where(LinkSegment.segment_id == zh_id)) == comment.link_id
    sound(session, demo_doc)


def test_new_version_from_html(session, demo_doc):
    lines = [line for line in EN_LINES if line.strip()]
    lines[2] = "[Font: large, medium, small]"
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>"
    upload = services.Upload("en-v2.html", html.encode("utf-8"))
    result = import_new_version(session, demo_doc, upload, user(session, "rita"), method="length")
    assert result.new == 1 and result.retired == 1, result.message()
    assert queries.document_segments(session, demo_doc, "en")[2].text == "[Font: large, medium, small]"
    sound(session, demo_doc)
