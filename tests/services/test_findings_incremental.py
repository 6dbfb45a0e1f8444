"""Re-checks after edits reuse cached per-link results and the cached document text; they must give exactly
what a full re-check from nothing gives."""

from __future__ import annotations

import random
from pathlib import Path

from app.alignment.gale_church import align_lengths
from app.checks.runner import check_document
from app.segmentation import split_paragraphs
from app.terminology.glossary import load_glossary_csv
from app.terminology.matching import compile_glossary

ROOT = Path(__file__).resolve().parents[2]

EDITS = [
    lambda text, other: text + " the Maple Bridge experience",  # a forbidden rendering
    lambda text, other: text.replace("the", "the the", 1),  # a repeated word
    lambda text, other: other,  # the same English as another paragraph: consistency
    lambda text, other: text.replace(" ", "  ", 2),  # double spaces
    lambda text, other: text[: len(text) // 3],  # much shorter: length
    lambda text, other: text + " Fengqiao experience",  # a term written differently
]


def _demo():
    zh = split_paragraphs((ROOT / "corpus/demo/zh.txt").read_text(encoding="utf-8")) * 2
    en = split_paragraphs((ROOT / "corpus/demo/en.txt").read_text(encoding="utf-8")) * 2
    glossary = compile_glossary(load_glossary_csv(ROOT / "glossary/spp-2024.csv"))
    return zh, en, align_lengths(zh, en), glossary


def test_cached_recheck_equals_full_recheck_over_random_edits():
    zh, en, links, glossary = _demo()
    rng = random.Random(14)
    cache: dict = {}
    check_document(zh, en, links, glossary, pair_cache=cache)
    for _ in range(12):
        for _ in range(rng.randint(1, 3)):
            i, j = rng.randrange(len(en)), rng.randrange(len(en))
            en[i] = rng.choice(EDITS)(en[i], en[j]) or en[i]
        cached = check_document(zh, en, links, glossary, pair_cache=cache)
        full = check_document(zh, en, links, glossary)
        assert cached == full
    dismissed = {f.key for f in full[::3]}
    assert check_document(zh, en, links, glossary, dismissed=dismissed, pair_cache=cache) == [
        f for f in full if f.key not in dismissed]


def test_document_findings_after_saves_equal_a_fresh_run(app, session, demo_doc):
    from app.services import findings
    from app.services.review import save_segment
    from app.storage import queries
    from app.storage.models import User

    admin = session.query(User).filter_by(username="admin").one()
    findings.document_findings(session, demo_doc)
    rng = random.Random(10)
    segments = queries.document_segments(session, demo_doc, "en")
    for round_ in range(6):
        for _ in range(rng.randint(1, 2)):
            seg, other = rng.choice(segments), rng.choice(segments)
            session.refresh(seg)
            text = rng.choice(EDITS)(seg.text, other.text) or seg.text + " x"
            save_segment(session, seg.id, text, seg.version, admin)
        if round_ == 3:
            first = findings.document_findings(session, demo_doc).findings[0]
            findings.dismiss(session, demo_doc, first.key, first.check, first.message, admin)
        session.commit()
        incremental = findings.document_findings(session, demo_doc)
        for cache in (findings._RESULTS, findings._TEXTS, findings._PAIR_CACHES):
            cache.clear()
        fresh = findings.document_findings(session, demo_doc)
        assert incremental is not fresh
        assert incremental.findings == fresh.findings
        assert incremental.by_link == fresh.by_link
        assert incremental.zh_spans == fresh.zh_spans and incremental.en_spans == fresh.en_spans


def test_cached_recheck_equals_full_recheck_when_edits_touch_the_term_sample(monkeypatch):
    """Edits on the links consistency.term samples (a long document is compared over an even sample) rebuild its
    word-alignment analysis from the memoised per-link cuts; the result is what a fresh run gives."""
    from app.terminology import consistency

    monkeypatch.setattr(consistency.SETTINGS, "max_document_links", 12)
    zh, en, links, glossary = _demo()
    complete = [b for b in links if b.src and b.tgt]
    stride = -(-len(complete) // 12)
    sampled = [b.tgt[0] for b in complete[::stride]]
    rng = random.Random(7)
    cache: dict = {}
    check_document(zh, en, links, glossary, pair_cache=cache)
    analysed = consistency.DocumentTerms([zh[b.src[0]] for b in complete[::stride]],
                                         [en[b.tgt[0]] for b in complete[::stride]])
    assert analysed.usage(), "the sample has candidate terms whose renderings are re-found"
    for _ in range(6):
        i, j = rng.choice(sampled), rng.randrange(len(en))
        en[i] = rng.choice(EDITS)(en[i], en[j]) or en[i]
        cached = check_document(zh, en, links, glossary, pair_cache=cache)
        consistency._content_words.cache_clear()
        full = check_document(zh, en, links, glossary)
        assert cached == full
