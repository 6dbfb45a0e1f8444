"""Sentence pairs inside one paragraph link: each Chinese sentence beside the English sentence(s) that
render it, from the sentence aligner, with the link's findings placed in the sentence they sit in.

Sentences are not stored: they are split and aligned when a row is opened and the alignment is cached per
process by (aligner, Chinese text, English text), so opening the row again, or after an edit elsewhere, is
instant. Editing stays per paragraph.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.alignment.api import align
from app.checks.base import Finding
from app.model import plain_text
from app.segmentation import split_sentences
from app.services.findings import document_findings
from app.storage import queries
from app.storage.models import Link, Segment

MAX_CACHED = 4096  # sentence alignments kept per process (one per paragraph text pair and aligner)
_LOCK = threading.Lock()
_CACHE: OrderedDict = OrderedDict()


@dataclass(frozen=True)
class Sentence:
    """One sentence of a paragraph: its segment, its offsets in the paragraph's text, its text."""

    segment_id: int
    start: int
    end: int
    text: str


@dataclass
class SentencePair:
    """Chinese sentences and the English sentences that render them (either side may be empty)."""

    zh: list[Sentence]
    en: list[Sentence]
    score: float
    findings: list[Finding] = field(default_factory=list)


@dataclass
class SentenceView:
    """The sentence pairs of a link, and the link's findings that sit in no single pair."""

    link: Link
    zh: list[Segment]
    en: list[Segment]
    pairs: list[SentencePair]
    whole: list[Finding]
    method: str
    cached: bool


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """The sentences of a paragraph as (start, end) offsets into ``text`` (split_sentences, then found in order)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in split_sentences(text, lang) or [text]:
        core = sentence.strip()
        if not core:
            continue
        at = text.find(core, cursor)
        if at < 0:  # the splitter changed the text (it should not): keep the order, cover what is left
            at = cursor
        end = min(len(text), at + len(core))
        spans.append((at, end))
        cursor = end
    return spans or [(0, len(text))]


def _split(segments: list[Segment], lang: str) -> list[Sentence]:
    return [Sentence(seg.id, start, end, seg.text[start:end])
            for seg in segments for start, end in sentence_spans(seg.text, lang)]


def _beads(zh: list[Sentence], en: list[Sentence], method: str) -> tuple[list[tuple[tuple, tuple, float]], bool]:
    """The sentence beads (zh indices, en indices, confidence) and whether they came from the cache."""
    if not zh or not en:
        return [((i,), (), 1.0) for i in range(len(zh))] + [((), (j,), 1.0) for j in range(len(en))], False
    if len(zh) == 1 or len(en) == 1:  # one sentence on a side renders (or is rendered by) all of the other
        return [(tuple(range(len(zh))), tuple(range(len(en))), 1.0)], False
    digest = hashlib.sha1("\x1e".join(("\x1f".join(s.text for s in zh), "\x1f".join(s.text for s in en)))
                          .encode("utf-8")).hexdigest()
    key = (method, digest)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit, True
    found = align([plain_text(s.text) for s in zh], [plain_text(s.text) for s in en], method=method)
    beads = [(b.src, b.tgt, b.score) for b in found]
    with _LOCK:
        _CACHE[key] = beads
        while len(_CACHE) > MAX_CACHED:
            _CACHE.popitem(last=False)
    return beads, False


def _touched(sentences: list[Sentence], segments: list[Segment], paragraph: int | None, span) -> set[int]:
    """Indices of the sentences a finding's span (local to the link's ``paragraph``-th paragraph) overlaps."""
    if paragraph is None or span is None or paragraph >= len(segments):
        return set()
    seg_id = segments[paragraph].id
    start, end = span
    return {k for k, s in enumerate(sentences) if s.segment_id == seg_id
            and (s.start < end and start < s.end or (start == end and s.start <= start <= s.end))}


def sentence_pairs(session: Session, link_id: int, method: str = "embedding") -> SentenceView:
    """The sentence pairs of one paragraph link, aligned with ``method`` (app.alignment.api METHODS), and its
    open findings placed in the pair their English span (else their Chinese span) sits in (``whole``: no span, or
    a span over several pairs)."""
    link = queries.get_or_404(session, Link, link_id, "link")
    segs = [m.segment for m in link.members if not m.segment.retired]
    zh = sorted((s for s in segs if s.side == "zh"), key=lambda s: s.position)
    en = sorted((s for s in segs if s.side == "en"), key=lambda s: s.position)
    zs, es = _split(zh, "zh"), _split(en, "en")
    beads, cached = _beads(zs, es, method)
    pairs = [SentencePair([zs[i] for i in src], [es[j] for j in tgt], score) for src, tgt, score in beads]
    pair_of_zh = {i: k for k, (src, _tgt, _s) in enumerate(beads) for i in src}
    pair_of_en = {j: k for k, (_src, tgt, _s) in enumerate(beads) for j in tgt}
    whole = []
    for f in document_findings(session, link.document_id).by_link.get(link.id, []):
        zh_par = f.link[0].index(f.zh_index) if f.zh_index in f.link[0] else None
        en_par = f.link[1].index(f.en_index) if f.en_index in f.link[1] else None
        # the English span places a finding; a finding on the Chinese only is placed by its Chinese span
        places = {pair_of_en[j] for j in _touched(es, en, en_par, f.en_span)} or {
            pair_of_zh[i] for i in _touched(zs, zh, zh_par, f.zh_span)}
        if len(places) == 1:
            pairs[places.pop()].findings.append(f)
        else:
            whole.append(f)
    return SentenceView(link, zh, en, pairs, whole, method, cached)


def sentence_marks(sentence: Sentence, marks) -> list[tuple[int, int, str, str]]:
    """A paragraph's highlights (start, end, class, title) moved onto one of its sentences, clipped to it."""
    out = []
    for start, end, cls, title in marks or ():
        a, b = max(start, sentence.start), min(end, sentence.end)
        if a < b:
            out.append((a - sentence.start, b - sentence.start, cls, title))
    return out
