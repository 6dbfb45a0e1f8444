"""The MT back-check: links whose English is far from the machine translation of their Chinese.

Pure like every check: the caller passes the machine translations in (``app.mt.translate`` in the
services, the CLI or the web); nothing here translates. Not in the registry, because it needs
those translations: :func:`check_mt` runs it over a document and places the findings.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence

from sacrebleu.metrics import CHRF

from app.checks.base import PARA_SEP, Check, DocumentContext, Finding, PairContext
from app.checks.runner import _as_link, _check_indices, numbering_of, place
from app.errors import InputError
from app.model import Severity
from app.terminology.matching import compile_glossary

MAD_SCALE = 1.4826  # MAD × this estimates the standard deviation of a normal distribution
_chrf = CHRF()


def chrf(hypothesis: str, reference: str) -> float:
    """sacreBLEU sentence chrF (0–100) of a machine translation against the human English."""
    return _chrf.sentence_score(hypothesis, [reference]).score


class MTDivergentCheck(Check):
    """Flags links whose chrF to the MT is below median − k·MAD of the document's links."""

    check_id = "mt.divergent"
    name = "Far from the machine translation"
    description = ("chrF between the machine translation of the Chinese and the English is far below the "
                   "document's median (median − k·MAD): a possible mistranslation or omission.")
    severity = Severity.MINOR

    def __init__(self, mt: Mapping[str, str] | None = None, k: float = 2.0, min_links: int = 8,
                 min_spread: float = 4.0):
        self.mt = dict(mt or {})
        self.k, self.min_links, self.min_spread = k, min_links, min_spread

    def scores(self, doc: DocumentContext) -> list[tuple[PairContext, float]]:
        """chrF of every complete link that has a machine translation."""
        return [(p, chrf(self.mt[p.zh], p.en)) for p in doc.pairs
                if p.complete and p.zh in self.mt and self.mt[p.zh].strip()]

    def threshold(self, values: Sequence[float]) -> float | None:
        """median − k·max(1.4826·MAD, min_spread) of the document, or None for too few links."""
        if len(values) < self.min_links:
            return None
        med = statistics.median(values)
        mad = statistics.median(abs(v - med) for v in values)
        return med - self.k * max(MAD_SCALE * mad, self.min_spread)

    def check_document(self, doc: DocumentContext) -> Iterable[tuple[PairContext, object]]:
        scored = self.scores(doc)
        limit = self.threshold([s for _, s in scored])
        if limit is None:
            return
        med = statistics.median(s for _, s in scored)
        for pair, s in scored:
            if s < limit:
                yield pair, self.issue(
                    f"chrF {s:.0f} against the machine translation; the document's median is {med:.0f} "
                    f"(flagged below {limit:.0f}): check for a mistranslation or an omission",
                    zh_span=(0, len(pair.zh)), en_span=(0, len(pair.en)), suggestion=self.mt[pair.zh],
                    chrf=round(s, 2), median=round(med, 2), threshold=round(limit, 2))


def link_mt(zh_indices: Sequence[int], zh_mt: Sequence[str]) -> str:
    """The MT of a link: the MT of each of its Chinese paragraphs, joined with spaces."""
    return " ".join(zh_mt[i].strip() for i in zh_indices if zh_mt[i].strip())


def check_mt(zh_paras: Sequence[str], en_paras: Sequence[str], links: Iterable, zh_mt: Sequence[str],
             dismissed: frozenset[str] | set[str] = frozenset(), k: float = 2.0,
             rows: Sequence[int] | None = None) -> list[Finding]:
    """``mt.divergent`` findings for an aligned document; ``zh_mt[i]`` is the MT of Chinese paragraph i.
    ``rows``: the review row of each link, as for :func:`app.checks.runner.check_document`."""
    if len(zh_mt) != len(zh_paras):
        raise InputError(f"check_mt: {len(zh_mt)} machine translations for {len(zh_paras)} Chinese paragraphs")
    links = [_as_link(link) for link in links]
    _check_indices(links, len(zh_paras), len(en_paras))
    numbering = numbering_of(links, rows)
    glossary = compile_glossary(())
    pairs = [PairContext(src, tgt, PARA_SEP.join(zh_paras[i] for i in src), PARA_SEP.join(en_paras[j] for j in tgt),
                         glossary, index=k) for k, (src, tgt) in enumerate(links)]
    mt = {p.zh: link_mt(p.zh_indices, zh_mt) for p in pairs}
    findings = [place(pair, issue, zh_paras, en_paras, numbering)
                for pair, issue in MTDivergentCheck(mt, k=k).check_document(DocumentContext(pairs, glossary))]
    return [f for f in findings if f.key not in dismissed]
