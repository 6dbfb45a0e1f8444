"""Gold alignments (`.align` files) and strict/lax precision, recall and F1, as Vecalign's score.py.

A link is ``(zh ids, en ids)``. Counts are summed over all documents before the
ratios are taken (the MAC-Dev convention):

* precision: system links that match a gold link / all system links (nulls included);
* recall: gold non-null links matched by a system non-null link / all gold non-null links;
* strict: the id lists are identical; lax: identical, or the two links share at
  least one zh and one en id (so a null link only ever matches exactly).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.errors import FormatError
from app.model import Bead

Link = tuple[tuple[int, ...], tuple[int, ...]]

_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


def parse_links(text: str) -> list[Link]:
    """Links of an ``.align`` text: one ``[zh ids]:[en ids]`` per line, blank lines ignored."""
    links: list[Link] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if not m:
            raise FormatError(f"not an alignment link: {line.strip()[:60]!r}", line=lineno)
        links.append((_ids(m.group(1)), _ids(m.group(2))))
    return links


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.replace(" ", "").split(",") if x)


def read_links(path: str | Path) -> list[Link]:
    """Links of an ``.align`` file."""
    return parse_links(Path(path).read_text(encoding="utf-8"))


def format_links(links: Iterable[Link | Bead]) -> str:
    """The ``.align`` text of links or beads, one per line."""
    out = []
    for link in links:
        src, tgt = (link.src, link.tgt) if isinstance(link, Bead) else link
        out.append("[" + ",".join(map(str, src)) + "]:[" + ",".join(map(str, tgt)) + "]")
    return "\n".join(out) + ("\n" if out else "")


def as_links(beads: Iterable[Bead]) -> list[Link]:
    """Beads as plain links."""
    return [(tuple(b.src), tuple(b.tgt)) for b in beads]


def _matches(test: Sequence[Link], gold: Sequence[Link]) -> tuple[int, int, int]:
    """(test links, strict matches, lax matches) of ``test`` against ``gold``."""
    gold_set = set(gold)
    by_src: dict[int, list[Link]] = {}
    for g in gold:
        for s in g[0]:
            by_src.setdefault(s, []).append(g)
    total = strict = lax = 0
    for src, tgt in test:
        if not src and not tgt:
            continue
        total += 1
        if (src, tgt) in gold_set:
            strict += 1
            lax += 1
            continue
        tset = set(tgt)
        if src and tgt and any(tset.intersection(g[1]) for s in src for g in by_src.get(s, ())):
            lax += 1
    return total, strict, lax


@dataclass(frozen=True)
class Scores:
    """Summed counts and the derived strict/lax precision, recall and F1."""

    test_links: int
    strict_tp_p: int
    lax_tp_p: int
    gold_links: int
    strict_tp_r: int
    lax_tp_r: int

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    @staticmethod
    def _f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def strict_p(self) -> float:
        return self._ratio(self.strict_tp_p, self.test_links)

    @property
    def strict_r(self) -> float:
        return self._ratio(self.strict_tp_r, self.gold_links)

    @property
    def strict_f1(self) -> float:
        return self._f1(self.strict_p, self.strict_r)

    @property
    def lax_p(self) -> float:
        return self._ratio(self.lax_tp_p, self.test_links)

    @property
    def lax_r(self) -> float:
        return self._ratio(self.lax_tp_r, self.gold_links)

    @property
    def lax_f1(self) -> float:
        return self._f1(self.lax_p, self.lax_r)

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in
                ("strict_p", "strict_r", "strict_f1", "lax_p", "lax_r", "lax_f1")}


def score_documents(gold: Sequence[Sequence[Link]], test: Sequence[Sequence[Link]]) -> Scores:
    """Scores of several documents, counts summed over all of them."""
    if len(gold) != len(test):
        raise ValueError("score_documents: as many gold as test documents are needed")
    counts = [0] * 6
    for g, t in zip(gold, test, strict=True):
        g = [(tuple(a), tuple(b)) for a, b in g]
        t = [(tuple(a), tuple(b)) for a, b in t]
        p = _matches(t, g)
        r = _matches([x for x in g if x[0] and x[1]], [x for x in t if x[0] and x[1]])
        for k, v in enumerate(p + r):
            counts[k] += v
    return Scores(*counts)


def score(gold: Sequence[Link], test: Sequence[Link]) -> Scores:
    """Scores of one document."""
    return score_documents([gold], [test])
