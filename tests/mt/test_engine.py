"""app.mt: availability, translation through the tiny Argos model, the LRU and the persistent cache."""

from __future__ import annotations

import importlib.util

import pytest

from app import mt


class DictStore:
    """A TranslationStore in a dict, standing in for the mt_cache table."""

    def __init__(self):
        self.rows: dict[tuple[str, str], str] = {}

    def get_many(self, model_id, texts):
        return {t: self.rows[(model_id, t)] for t in texts if (model_id, t) in self.rows}

    def put_many(self, model_id, pairs):
        for text, translation in pairs:
            self.rows[(model_id, text)] = translation


def test_without_a_package_says_how_to_install_in_one_line(mt_missing):
    avail = mt.availability()
    assert not avail
    assert "argospm install translate-zh_en" in avail.reason and "\n" not in avail.reason
    with pytest.raises(mt.MTUnavailable, match="argospm install translate-zh_en"):
        mt.translate(["你好"])


def test_without_the_extra_says_how_to_install(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "argostranslate" else real(name, *a))
    mt.reset()
    try:
        avail = mt.availability()
        assert not avail and avail.reason == mt.INSTALL_HINT
        assert "pip install 'duizhao[mt]'" in avail.reason
    finally:
        mt.reset()


def test_translate_through_the_model_then_the_lru(mt_ready):
    texts = ["坚持和发展新时代枫桥经验。推进信访工作。", "全国两会精神", "全国两会精神"]
    first = mt.translate(texts)
    assert len(first) == 3 and all(isinstance(t, str) and t for t in first)
    assert first[1] == first[2]
    assert mt.stats["model_calls"] == 2  # the repeated text is translated once
    again = mt.translate(texts[:2])
    assert again == first[:2]
    assert mt.stats["model_calls"] == 2 and mt.stats["lru_hits"] == 2


def test_the_store_serves_a_fresh_process(mt_ready):
    store = DictStore()
    out = mt.translate(["检察长应勇"], store)
    model = mt.availability().model_id
    assert store.rows == {(model, "检察长应勇"): out[0]}
    assert model.startswith("translate-zh_en-tiny@")
    mt.reset()  # a new process: empty LRU, the store keeps its rows
    assert mt.translate(["检察长应勇"], store) == out
    assert mt.stats["model_calls"] == 0 and mt.stats["store_hits"] == 1


def test_blank_text_is_not_sent_to_the_model(mt_ready):
    assert mt.translate(["", "  "]) == ["", ""]
    assert mt.stats["model_calls"] == 0


def test_a_string_is_refused(mt_ready):
    with pytest.raises(TypeError):
        mt.translate("你好")
