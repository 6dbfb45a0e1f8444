"""Terms rendered several ways in one document, found without a glossary by word alignment.

1. Candidate terms: jieba words of at least two characters that recur in at least two links and are
   rare in jieba's dictionary, or nouns of middling frequency; a common word always followed by the
   same specialised one is merged with it (全国 + 两会 → 全国两会).
2. A :class:`~app.terminology.wordalign.LexicalModel` learned from the document's links gives, for
   every English content token, the posterior that the term's words explain it. Runs of tokens the
   term explains (stop words may bridge them) are its renderings at that place; the evidence is the
   aligned word pairs with their t(e|f).
3. Renderings are grouped: the same words after case, plural and inflection folding; one contained
   in the other ('sessions' in 'two sessions'); an acronym and the phrase it abbreviates (defined in
   the text as 'National People's Congress (NPC)', or spelling the phrase's initials).
4. A term is drifting when at least two groups remain and each is well attested: aligned with
   confidence, and either recurring or backed by the dictionary.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from app.terminology.wordalign import EN_STOP, LexicalModel, LinkTokens, en_tokens, gloss_tokens, short_glosses

ZH_STOP = frozenset("""我们 他们 你们 一个 一些 这个 那个 这些 那些 以及 进一步 不断 坚持 要求 强调 指出 加强 推进
推动 持续 全面 深入 认真 切实 更好 更加 实现 提升 落实 贯彻 工作 会议 重要 问题 方面 情况 发展 建设 开展 作为 进行
已经 就是 还是 但是 因为 所以 如果 通过 根据 关于 对于 并且 各级 各项 有关 相关 结合 围绕 努力 积极 主动 充分
有效 什么 怎么 这样 那样 自己 没有 知道 时候 可以 一下 一样 起来 出来""".split())
RARE_FREQ = 1000  # a word rarer than this in jieba's dictionary is a candidate whatever its tag (两会 is "m")
NOMINAL_TAGS = frozenset({"vn", "nz", "nt", "l", "i", "j", "eng"})  # terms are names of things, not verbs
CJK_RE = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_NOT_WORD_RE = re.compile(r"^[\W\d_]+$")
ACRONYM_DEF_RE = re.compile(r"((?:[A-Z][\w'’]*\s+(?:(?:of|and|the|for)\s+)*){1,8}[A-Z][\w'’]*)\s*\(([A-Z]{2,8})s?\)")


@dataclass
class Settings:
    """The thresholds of the method (bench/bench_consistency.py --tune cross-validates them)."""

    token_posterior: float = 0.15  # a rendering has a token the term explains this much
    min_posterior: float = 0.1  # its other tokens: explained by the term more than by any other word, and this much
    strong_posterior: float = 0.6  # a token the term explains this much is a seed without the reverse direction
    max_words: int = 6
    confidence: float = 0.5  # what a rendering the dictionary does not give needs (found twice at least)
    max_links: int = 150  # a term in more links than this is analysed on an even sample of the document…
    max_views: int = 150  # …of about this many links (bounds a long document's cost)
    max_document_links: int = 200  # a longer document is compared over an even sample of this many links
    dictionary_fallback: bool = True  # an occurrence alignment leaves unrendered may be rendered by a gloss
    zh_max_freq: int = 3000  # jieba frequency above which a word is everyday vocabulary, not a term
    everyday_ratio: float = 2.0  # a word in this many times more links than the term (+2) is everyday
    all_glossed: bool = True  # the two commonest renderings must both be dictionary translations
    min_majority: int = 3  # the commonest rendering recurs at least this often…
    min_share: float = 0.6  # …and covers this share of the rendered occurrences
    max_variant: int = 1  # some other rendering occurs at most this often (a slip, not a choice)


SETTINGS = Settings()


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.initialize()
    return jieba.dt


def _word_tags() -> dict:
    from app.terminology.tables import word_tags

    return word_tags()


def zh_words(text: str) -> list[tuple[str, int, int]]:
    return list(_zh_words(text))


@lru_cache(maxsize=16384)
def _zh_words(text: str) -> tuple[tuple[str, int, int], ...]:
    """The words of a Chinese link (memoised: an English edit re-analyses a document whose Chinese is the same)."""
    return tuple((w, s, e) for w, s, e in _tokenizer().tokenize(text, HMM=False) if not w.isspace())


@lru_cache(maxsize=16384)
def _content_words(text: str) -> tuple[tuple[str, int, int], ...]:
    """The link's words without punctuation and numbers (memoised by text, as its cut is)."""
    return tuple(w for w in _zh_words(text) if not _NOT_WORD_RE.match(w[0]))


@lru_cache(maxsize=16384)
def _glossers(words: tuple[str, ...]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for w in words:
        for t in gloss_tokens(w):
            out[t].add(w)
    return {t: frozenset(ws) for t, ws in out.items()}


@dataclass
class _LinkView:
    post: np.ndarray  # NULL + Chinese words × English content tokens
    by_type: np.ndarray  # the same summed per distinct word (row 0 NULL)
    types: dict[str, int]
    rev_best: np.ndarray  # per Chinese word: its best English token, -1 for NULL
    claimer: np.ndarray  # per English token: the word (type) that claims it both ways, 0 if none

    @cached_property
    def glossers(self) -> dict[str, frozenset[str]]:
        """English token -> words of the link whose glosses give it (read only)."""
        return _glossers(tuple(self.types))


@dataclass
class Place:
    link: int
    zh_span: tuple[int, int]
    en_span: tuple[int, int]


@dataclass
class TermRendering:
    text: str
    key: tuple[str, ...]
    places: list[Place] = field(default_factory=list)
    confidence: float = 0.0  # mean over its places of the best token's posterior
    evidence: dict[tuple[str, str], float] = field(default_factory=dict)  # (zh word, English word) -> t(e|f)
    glossed: bool = False  # one of its tokens is in the term's CC-CEDICT glosses

    @property
    def count(self) -> int:
        return len(self.places)


@dataclass
class TermUsage:
    """One candidate term: its occurrences and how the English renders them."""

    zh: str
    words: tuple[str, ...]
    links: list[int]
    renderings: list[TermRendering]  # grouped, commonest first
    unrendered: int = 0
    sampled: int | None = None  # links analysed, when the term is in more than Settings.max_links

    @property
    def drifting(self) -> bool:
        return len(self.renderings) > 1


class DocumentTerms:
    """The word-alignment analysis of one document (links given as joined Chinese and English texts)."""

    def __init__(self, zh_links: Sequence[str], en_links: Sequence[str], skip_zh: frozenset[str] = frozenset(),
                 settings: Settings | None = None, en_tokenised: Sequence | None = None):
        """``en_tokenised``: (normalised tokens, spans) of each English link, if the caller has them."""
        self.settings = settings or SETTINGS
        self.zh_links, self.en_links = zh_links, en_links
        self.tokens: list[LinkTokens] = []
        self.all_en: list[tuple[list[str], list[tuple[int, int]]]] = []
        cut = [list(_content_words(zh)) for zh in zh_links]
        cut = _merge_words(_split_compounds(cut), skip_zh)
        for n, (en, words) in enumerate(zip(en_links, cut, strict=True)):
            toks, spans = en_tokenised[n] if en_tokenised is not None else en_tokens(en)
            content = [k for k, t in enumerate(toks) if t not in EN_STOP and not t.isdigit()]
            self.all_en.append((toks, spans))
            self.tokens.append(LinkTokens([w for w, _, _ in words], [(s, e) for _, s, e in words],
                                          [toks[k] for k in content], [spans[k] for k in content], content))
        self.terms = self._candidates(skip_zh)
        self.model = LexicalModel(self.tokens) if self.terms else None
        self.reverse = LexicalModel([_swap(lk) for lk in self.tokens], seed=False) if self.terms else None
        self.acronyms = self._acronyms()
        self._by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for z, ws in sorted(self.terms.items(), key=lambda kv: -len(kv[1])):
            self._by_first[ws[0]].append((z, ws))

    # -- 1. candidates ------------------------------------------------------------------------------
    def _candidates(self, skip_zh: frozenset[str]) -> dict[str, tuple[str, ...]]:
        freq = _tokenizer().FREQ
        links_of: dict[str, set[int]] = defaultdict(set)
        count: Counter = Counter()
        bigram: Counter = Counter()
        for n, lk in enumerate(self.tokens):
            for w in lk.zh:
                if CJK_RE.match(w):
                    links_of[w].add(n)
                    count[w] += 1
            for a, b in zip(lk.zh, lk.zh[1:], strict=False):
                if CJK_RE.match(a) and CJK_RE.match(b):
                    bigram[(a, b)] += 1

        tags = _word_tags()

        def special(w: str) -> bool:
            tag, f = tags.get(w), freq.get(w) or 0
            if w in ZH_STOP or f > self.settings.zh_max_freq:
                return False
            return f <= RARE_FREQ or tag is None or tag[0] == "n" or tag in NOMINAL_TAGS

        terms: dict[str, tuple[str, ...]] = {}
        for w, links in links_of.items():
            if len(links) >= 2 and special(w):
                terms[w] = (w,)
        for (a, b), n in bigram.items():
            if (n >= 2 and special(b) and a not in ZH_STOP and n >= 0.8 * count[b] and len(a + b) <= 8
                    and ((freq.get(b) or 0) <= RARE_FREQ or not (tags.get(b) or "n").startswith(("a", "v", "d")))):
                terms.pop(b, None)
                terms[a + b] = (a, b)
        if not skip_zh:
            return terms
        import ahocorasick

        auto = ahocorasick.Automaton()
        for z in skip_zh:
            auto.add_word(z, z)
        auto.make_automaton()
        return {z: ws for z, ws in terms.items() if z not in skip_zh and next(auto.iter(z), None) is None}

    # -- 3. acronyms ----------------------------------------------------------------------------------
    def _acronyms(self) -> dict[str, tuple[str, ...]]:
        out = {}
        for en in self.en_links:
            for m in ACRONYM_DEF_RE.finditer(en):
                long_toks = tuple(t for t in en_tokens(m.group(1))[0] if t not in EN_STOP)
                out[m.group(2).lower()] = long_toks
        return out

    # -- 2. renderings at each place ------------------------------------------------------------------
    def occurrences(self, n: int) -> list[tuple[str, list[int], list[tuple[int, int]]]]:
        """(term, rows of its words in the link, its Chinese spans) for every term of link n."""
        lk = self.tokens[n]
        out = []
        by_first = self._by_first
        found: dict[str, tuple[list[int], list[tuple[int, int]]]] = {}
        i = 0
        while i < len(lk.zh):
            hit = None
            for z, ws in by_first.get(lk.zh[i], ()):
                if tuple(lk.zh[i:i + len(ws)]) == ws:
                    hit = (z, ws)
                    break
            if hit:
                z, ws = hit
                rows, spans = found.setdefault(z, ([], []))
                rows.extend(range(i + 1, i + 1 + len(ws)))
                spans.append((lk.zh_spans[i][0], lk.zh_spans[i + len(ws) - 1][1]))
                i += len(ws)
            else:
                i += 1
        for z, (rows, spans) in found.items():
            out.append((z, rows, spans))
        return out

    def view(self, n: int) -> _LinkView:
        """What every term of link n is compared with: the posteriors summed per word, both directions."""
        lk = self.tokens[n]
        post = self.model.posteriors(lk, n)
        rpost = self.reverse.posteriors(_swap(lk), n)
        types: dict[str, int] = {}
        row_type = np.array([types.setdefault(w, len(types) + 1) for w in lk.zh], dtype=np.int64)
        by_type = np.zeros((len(types) + 1, post.shape[1]))
        by_type[0] = post[0]
        np.add.at(by_type, row_type, post[1:])
        best_type = by_type[1:].argmax(axis=0) + 1 if len(types) else np.zeros(post.shape[1], dtype=np.int64)
        rev_best = rpost.argmax(axis=0) - 1  # each Chinese word's best English token (-1: NULL)
        claimer = np.zeros(post.shape[1], dtype=np.int64)  # a word that claims the token both ways
        for i, j in enumerate(rev_best.tolist()):
            if j >= 0 and best_type[j] == row_type[i]:
                claimer[j] = row_type[i]
        return _LinkView(post, by_type, types, rev_best, claimer)

    def renderings_at(self, n: int, v: _LinkView, term: str, rows: list[int], k: int):
        """Up to k phrases of link n that render the term: (content token columns, confidence).

        Seeds are tokens both directions agree on: the term's words explain the token better than any
        other word does (Chinese→English), and the token is the best English match of one of the term's
        words (English→Chinese). A phrase grows from a seed over adjacent tokens the term explains best,
        and over capitalised neighbours no other word claims in both directions (stop words may bridge)."""
        st = self.settings
        if v.post.shape[1] == 0:
            return []
        mine = [v.types[w] for w in set(self.terms[term]) if w in v.types]
        mass = v.post[rows].sum(axis=0)
        others = v.by_type.copy()
        others[mine] = -1.0
        rival = others.max(axis=0)
        best = (mass >= st.min_posterior) & (mass >= rival)
        fwd = set(np.flatnonzero(best).tolist())
        rev = set(v.rev_best[[i - 1 for i in rows]].tolist()) - {-1}
        seeds = set(np.flatnonzero(best & (mass >= st.token_posterior)).tolist()) & rev | set(
            np.flatnonzero(best & (mass >= st.strong_posterior)).tolist())
        runs: list[list[int]] = []
        for j in sorted(fwd):
            if runs and len(runs[-1]) < st.max_words and self._bridge(n, runs[-1][-1], j):
                runs[-1].append(j)
            else:
                runs.append([j])
        own = np.zeros(len(v.by_type), dtype=bool)  # the term's word types, and NULL (0): no rival claim
        own[mine] = True
        own[0] = True
        claimed = np.where(own[v.claimer], 0.0, v.by_type[v.claimer, np.arange(len(v.claimer))])
        runs = [self._grow(n, c, claimed, mass) for c in runs if seeds.intersection(c)]
        scored = sorted(runs, key=lambda c: -float(mass[c].sum()))[:k]
        return [(c, float(mass[c].max())) for c in sorted(scored)]

    def glossed_at(self, n: int, v: _LinkView, term: str, gl: frozenset[str], found, k: int):
        """Where alignment found fewer renderings than occurrences: runs of tokens the dictionary gives for
        the term and for no other word of the link (a one-off synonym the model has no counts for)."""
        if not gl or not self.settings.dictionary_fallback:
            return []
        lk = self.tokens[n]
        used = {j for cols, _ in found for j in cols}
        mine = set(self.terms[term])
        hits = [j for j, e in enumerate(lk.en) if e in gl and not (v.glossers.get(e, set()) - mine) and j not in used]
        runs: list[list[int]] = []
        for j in hits:
            if runs and self._bridge(n, runs[-1][-1], j):
                runs[-1].append(j)
            else:
                runs.append([j])
        return [(c, 0.0) for c in runs[:k]]

    def _bridge(self, n: int, a: int, b: int, connectors=frozenset({"of", "and", "the", "for", "on", "in"})) -> bool:
        """Content tokens a < b of link n are one phrase: nothing but one connector (or 'of the') between."""
        lk = self.tokens[n]
        toks, spans = self.all_en[n]
        ia, ib = lk.en_index[a], lk.en_index[b]
        between = toks[ia + 1:ib]
        if b != a + 1 or len(between) > 2 or not all(t in connectors for t in between):
            return False
        if len(between) == 2 and between != ["of", "the"]:
            return False
        return not re.search(r"[^\w\s'’-]", self.en_links[n][spans[ia][1]:spans[ib][0]])

    def _grow(self, n: int, cols: list[int], claimed, mass) -> list[int]:
        """Widen a phrase over capitalised neighbours ('National' → 'National Two Sessions')."""
        lk = self.tokens[n]
        text = self.en_links[n]

        def cap(j: int) -> bool:
            return text[lk.en_spans[j][0]].isupper()

        def free(j: int) -> bool:  # no other word claims it (both directions) more than the term does
            return claimed[j] <= mass[j]

        cols = list(cols)
        while (len(cols) < self.settings.max_words and cols[0] > 0 and cap(cols[0]) and cap(cols[0] - 1)
               and free(cols[0] - 1) and self._bridge(n, cols[0] - 1, cols[0])):
            cols.insert(0, cols[0] - 1)
        while (len(cols) < self.settings.max_words and cols[-1] + 1 < len(lk.en) and cap(cols[-1])
               and cap(cols[-1] + 1) and free(cols[-1] + 1) and self._bridge(n, cols[-1], cols[-1] + 1)):
            cols.append(cols[-1] + 1)
        return cols

    def usage(self) -> list[TermUsage]:
        """Every candidate term with its grouped renderings (kept until the alignment settings change)."""
        if self.model is None:
            return []
        st = self.settings
        key = (st.token_posterior, st.min_posterior, st.strong_posterior, st.max_words, st.dictionary_fallback,
               st.max_links, st.max_views)
        if self.__dict__.get("_usage_key") != key:
            self._usage = self._compute_usage()
            self._usage_key = key
        return self._usage

    def _compute_usage(self) -> list[TermUsage]:
        raw: dict[str, dict[tuple[str, ...], TermRendering]] = defaultdict(dict)
        links_of: dict[str, list[int]] = defaultdict(list)
        missing: Counter = Counter()
        per_link = [self.occurrences(n) for n in range(len(self.tokens))]
        for n, occ in enumerate(per_link):
            for term, _rows, _spans in occ:
                links_of[term].append(n)
        # a term in very many links is analysed on an even sample of them (the finding says so)
        cap = self.settings.max_links
        stride = max(1, -(-len(self.tokens) // self.settings.max_views))
        chosen = {t: {n for n in ls if n % stride == 0} if len(ls) > cap else None
                  for t, ls in links_of.items()}  # one sample of the document's links for all such terms
        self.sampled = {t: len(c) for t, c in chosen.items() if c is not None}
        views: dict[int, _LinkView] = {}
        for n, occ in enumerate(per_link):
            lk = self.tokens[n]
            for term, rows, zh_spans in occ:
                if chosen[term] is not None and n not in chosen[term]:
                    continue
                v = views.get(n)
                if v is None:
                    v = views[n] = self.view(n)
                gl = frozenset().union(*(gloss_tokens(w) for w in self.terms[term]))
                found = self.renderings_at(n, v, term, rows, len(zh_spans))
                if len(found) < len(zh_spans):
                    found = sorted(found + self.glossed_at(n, v, term, gl, found, len(zh_spans) - len(found)))
                missing[term] += len(zh_spans) - len(found)
                for (cols, conf), zspan in zip(found, zh_spans + zh_spans[-1:] * len(found), strict=False):
                    key = tuple(lk.en[j] for j in cols)
                    start, end = lk.en_spans[cols[0]][0], lk.en_spans[cols[-1]][1]
                    r = raw[term].get(key)
                    if r is None:
                        r = raw[term][key] = TermRendering(self.en_links[n][start:end], key)
                    r.confidence += conf
                    r.places.append(Place(n, zspan, (start, end)))
                    r.glossed = r.glossed or any(t in gl for t in key)
                    for j in cols:
                        best = max(rows, key=lambda i: v.post[i, j])
                        w = lk.zh[best - 1]
                        surface = self.en_links[n][lk.en_spans[j][0]:lk.en_spans[j][1]]
                        r.evidence[(w, surface)] = self.model.prob(w, lk.en[j])
        out = []
        for term, by_key in raw.items():
            for r in by_key.values():
                r.confidence /= max(r.count, 1)
            for r in by_key.values():
                r.places.sort(key=lambda p: (p.link, p.en_span))
            pieces = tuple(p for w in self.terms[term] for p in short_glosses(w))
            groups = self._group(list(by_key.values()), pieces)
            out.append(TermUsage(term, self.terms[term], links_of[term], groups, missing[term],
                                 self.sampled.get(term)))
        return out

    def _same(self, a: tuple[str, ...], b: tuple[str, ...], pieces=()) -> bool:
        if a == b or _contains(a, b) or _contains(b, a) or _contains_similar(a, b) or _contains_similar(b, a):
            return True
        if len(a) == len(b) == 1 and any(a[0] in p and b[0] in p for p in pieces):
            return True  # two words of one short definition ('straight', 'line' of 'straight line')
        if len(a) == len(b) and all(_similar(x, y) for x, y in zip(a, b, strict=True)):
            return True  # irregular inflections: lent / lend, fluctuation / fluctuat(ing)
        for x, y in ((a, b), (b, a)):
            if len(x) == 1:
                long = self.acronyms.get(x[0])
                if long and (long == y or _contains(y, long) or _contains(long, y)):
                    return True
                if len(y) >= 2 and "".join(t[0] for t in y) == x[0]:
                    return True
        return False

    def _group(self, renderings: list[TermRendering], pieces=()) -> list[TermRendering]:
        renderings.sort(key=lambda r: (-r.count, -len(r.key)))
        groups: list[TermRendering] = []
        for r in renderings:
            for g in groups:
                if self._same(g.key, r.key, pieces) or any(self._same(k, r.key, pieces)
                                                           for k in g.__dict__.get("_keys", ())):
                    g.confidence = (g.confidence * g.count + r.confidence * r.count) / (g.count + r.count)
                    g.places.extend(r.places)
                    g.evidence.update(r.evidence)
                    g.glossed = g.glossed or r.glossed
                    g.__dict__.setdefault("_keys", []).append(r.key)
                    break
            else:
                groups.append(r)
        for g in groups:
            g.places.sort(key=lambda p: (p.link, p.en_span))
        groups.sort(key=lambda g: -g.count)
        return groups

    # -- 4. drift ---------------------------------------------------------------------------------------
    def drifting(self) -> list[TermUsage]:
        """Terms with at least two well-attested groups of renderings.

        A group is attested when the dictionary gives one of its words for the term, or when alignment
        found it at least twice with confidence; a one-word group whose word is in many more links than the
        term ('woman', 'hand') is not a rendering of its own."""
        st = self.settings
        df: Counter = Counter()
        for lk in self.tokens:
            df.update(set(lk.en))
        out = []
        for u in self.usage():
            everyday = st.everyday_ratio * len(set(u.links)) + 2
            good = []
            for g in u.renderings:
                if len(g.key) == 1 and df[g.key[0]] > everyday:
                    continue
                if g.glossed or (g.count >= 2 and g.confidence >= st.confidence):
                    good.append(g)
            if len(good) < 2 or len(set(u.links)) < 2:
                continue
            total = sum(g.count for g in good)
            if good[0].count < st.min_majority or good[0].count < st.min_share * total:
                continue  # no established rendering to deviate from
            if not any(g.count <= st.max_variant for g in good[1:]):
                continue  # the other renderings recur too: a deliberate choice, not a slip
            if st.all_glossed and not all(g.glossed for g in good[:2]):
                continue
            out.append(TermUsage(u.zh, u.words, u.links, good, u.unrendered, u.sampled))
        return out


def _merge_words(cut: list[list[tuple[str, int, int]]], words: frozenset[str]) -> list[list[tuple[str, int, int]]]:
    """Join the pieces jieba cut a known word into (童 建 明 → 童建明: the document's person names)."""
    words = frozenset(w for w in words if 2 <= len(w) <= 4)
    if not words:
        return cut
    firsts = {w[0] for w in words}
    out = []
    for toks in cut:
        if not any(len(w) == 1 and w in firsts for w, _, _ in toks):
            out.append(toks)
            continue
        new, i = [], 0
        while i < len(toks):
            if toks[i][0][0] not in firsts:
                new.append(toks[i])
                i += 1
                continue
            for k in (4, 3, 2):
                piece = toks[i:i + k]
                joined = "".join(w for w, _, _ in piece)
                if len(piece) == k and joined in words and any(len(w) == 1 for w, _, _ in piece):
                    new.append((joined, piece[0][1], piece[-1][2]))
                    i += k
                    break
            else:
                new.append(toks[i])
                i += 1
        out.append(new)
    return out


def _split_compounds(cut: list[list[tuple[str, int, int]]]) -> list[list[tuple[str, int, int]]]:
    """信访工作 → 信访 + 工作 where one part is a word of its own elsewhere in the document and the other a
    dictionary word, so that a term is one token wherever it occurs."""
    freq = _tokenizer().FREQ
    alone = {w for words in cut for w, _, _ in words}
    out = []
    for words in cut:
        new = []
        for w, s, e in words:
            split = None
            if len(w) >= 3 and CJK_RE.match(w):
                for k in range(1, len(w)):
                    a, b = w[:k], w[k:]
                    if ((len(a) > 1 and a in alone) or (len(b) > 1 and b in alone)) and (
                            (freq.get(a) or 0) > 0 and (freq.get(b) or 0) > 0):
                        split = k
                        break
            if split is None:
                new.append((w, s, e))
            else:
                new.extend([(w[:split], s, s + split), (w[split:], s + split, e)])
        out.append(new)
    return out


def _contains_similar(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    """small is within big up to inflection: ('lent',) in ('lend', 'money')."""
    n = len(small)
    return 0 < n < len(big) and any(all(_similar(x, y) for x, y in zip(big[i:i + n], small, strict=True))
                                    for i in range(len(big) - n + 1))


def _similar(x: str, y: str) -> bool:
    if x == y:
        return True
    k = 0
    while k < min(len(x), len(y)) and x[k] == y[k]:
        k += 1
    return k >= 4 or (k >= 3 and k >= min(len(x), len(y)) - 1)


def _swap(lk: LinkTokens) -> LinkTokens:
    return LinkTokens(lk.en, lk.en_spans, lk.zh, lk.zh_spans, [])


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return 0 < n < len(big) and any(big[i:i + n] == small for i in range(len(big) - n + 1))


__all__ = ["DocumentTerms", "TermUsage", "TermRendering", "Settings", "SETTINGS", "zh_words"]
