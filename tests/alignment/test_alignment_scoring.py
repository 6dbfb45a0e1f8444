"""Strict/lax precision, recall and F1 on hand-made gold (definitions of ../shared/bench/README.md)."""

import pytest

from app.alignment.scoring import format_links, parse_links, read_links, score, score_documents
from app.errors import FormatError
from app.model import Bead

GOLD = parse_links("[0,1]:[0]\n[2]:[1,2]\n[3]:[]\n[4]:[3]\n")
TEST = parse_links("[0]:[0]\n[1]:[]\n[2]:[1,2]\n[3]:[3]\n[4]:[]\n")


def test_parse_and_format_round_trip(tmp_path):
    assert GOLD == [((0, 1), (0,)), ((2,), (1, 2)), ((3,), ()), ((4,), (3,))]
    path = tmp_path / "x.align"
    path.write_text(format_links(GOLD))
    assert read_links(path) == GOLD
    assert format_links([Bead((3,), ())]) == "[3]:[]\n"


def test_bad_line():
    with pytest.raises(FormatError, match="line 2"):
        parse_links("[0]:[0]\n0-0\n")


def test_perfect():
    s = score(GOLD, GOLD)
    assert s.strict_f1 == s.lax_f1 == 1.0
    assert s.test_links == 4 and s.gold_links == 3  # the null gold link is left out of recall


def test_hand_computed():
    s = score(GOLD, TEST)
    # precision over all 5 system links: strict [2]:[1,2]; lax also [0]:[0] (shares zh 0 and en 0)
    assert (s.strict_p, s.lax_p) == (1 / 5, 2 / 5)
    # recall over the 3 gold non-null links: [4]:[3] is not matched by [3]:[3] (no shared zh id)
    assert (s.strict_r, s.lax_r) == (1 / 3, 2 / 3)
    assert s.strict_f1 == pytest.approx(2 * 0.2 * (1 / 3) / (0.2 + 1 / 3))


def test_null_links_match_only_exactly():
    s = score([((0,), ()), ((1,), (0,))], [((0,), ()), ((1,), ())])
    assert s.strict_tp_p == s.lax_tp_p == 1  # [1]:[] does not laxly match [1]:[0]


def test_counts_are_summed_over_documents():
    one = score_documents([GOLD], [TEST])
    two = score_documents([GOLD, GOLD], [TEST, GOLD])
    assert two.test_links == one.test_links + 4
    assert two.strict_p == (1 + 4) / (5 + 4)
