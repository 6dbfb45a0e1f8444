"""The document-level lexical model: CC-CEDICT seeds, EM, posteriors."""

from __future__ import annotations

from app.terminology.wordalign import LexicalModel, LinkTokens, definitions, en_tokens, gloss_tokens


def _link(zh: list[str], en: str) -> LinkTokens:
    toks, spans = en_tokens(en)
    content = [k for k, t in enumerate(toks) if t not in ("the", "of", "a")]
    return LinkTokens(zh, [(0, 0)] * len(zh), [toks[k] for k in content], [spans[k] for k in content], content)


def test_definitions_and_gloss_tokens():
    assert definitions("党组") == ["party leadership group"]
    assert {"party", "leadership", "group"} <= gloss_tokens("党组")
    assert {"npc", "cppcc", "congress"} <= gloss_tokens("两会")  # acronyms of the gloss
    assert "makeup" in gloss_tokens("化妆师")  # not listed: its listed head 化妆 and the rest
    assert definitions("没有这个词语吧") == []


def test_em_learns_a_word_the_dictionary_lacks():
    links = [_link(["甲乙丙", "来"], "the zorblat came"), _link(["甲乙丙", "走"], "the zorblat left"),
             _link(["他", "来"], "he came"), _link(["他", "走"], "he left")]
    model = LexicalModel(links)
    assert model.prob("甲乙丙", "zorblat") > model.prob("甲乙丙", "came")
    post = model.posteriors(links[0], 0)
    assert post.shape == (3, 2)
    assert post[:, 0].argmax() == 1  # 'zorblat' is explained by 甲乙丙, not by NULL or 来
    assert abs(post.sum(axis=0) - 1).max() < 1e-9


def test_dictionary_seed_decides_a_tie():
    # 党组 and 召开 always co-occur: only the dictionary says which English word is which
    links = [_link(["党组", "召开"], "group convened"), _link(["党组", "召开"], "group convened")]
    model = LexicalModel(links)
    assert model.prob("党组", "group") > model.prob("党组", "conven")
    same = model.posteriors(links[1])  # looked up, not from the training arrays
    assert abs(same - model.posteriors(links[1], 1)).max() < 1e-9


def test_empty_model():
    model = LexicalModel([])
    assert model.prob("党组", "group") > 0
