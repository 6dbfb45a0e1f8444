"""The inline-code check: the English keeps the source's codes (app.model "inline codes"), balanced and in place.

The texts keep their placeholders (``sees_codes``); a finding's span is the placeholder it is about, in the
Chinese for a code missing from the English, in the English otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from app.checks.base import Check, PairContext
from app.model import Issue, Severity, code_char, codes_in, has_codes


def _balanced(codes) -> set[int]:
    """Numbers of the paired codes a text opens and then closes."""
    opened, done = set(), set()
    for _, role, n in codes:
        if role == "open":
            opened.add(n)
        elif role == "close" and n in opened:
            done.add(n)
    return done


LABEL = {"open": "<{n}>", "close": "</{n}>", "standalone": "<{n}/>"}


def _label(role: str, n: int) -> str:
    return LABEL[role].format(n=n)


class TagCheck(Check):
    check_id = "tags"
    name = "Inline codes"
    description = ("Inline codes (formatting, links, placeholders of a CAT file) missing from or added to the "
                   "English, paired codes unbalanced or crossed, codes out of the source's order, and spaces "
                   "lost around a code.")
    severity = Severity.MAJOR
    sees_codes = True

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        zh, en = pair.zh, pair.en
        if not has_codes(zh) and not has_codes(en):
            return
        source, target = codes_in(zh), codes_in(en)
        src_count = Counter((role, n) for _, role, n in source)
        tgt_count = Counter((role, n) for _, role, n in target)
        seen: Counter = Counter()
        for offset, role, n in source:
            seen[(role, n)] += 1
            if seen[(role, n)] > tgt_count[(role, n)]:
                yield self.issue(f"code {_label(role, n)} of the source is missing from the English",
                                 zh_span=(offset, offset + 1))
        seen = Counter()
        for offset, role, n in target:
            seen[(role, n)] += 1
            if seen[(role, n)] > src_count[(role, n)]:
                what = "duplicated" if src_count[(role, n)] else "not in the source"
                yield self.issue(f"code {_label(role, n)} in the English is {what}", en_span=(offset, offset + 1))
        yield from self._balance(target, _balanced(source))
        yield from self._order(source, target, tgt_count, src_count)
        yield from self._spaces(zh, en, source, target)

    def _balance(self, target, balanced: set[int]) -> Iterable[Issue]:
        """Pairs the source opens and closes in this link must be opened and closed, and nested, in the
        English too (a pair split across links by the alignment is left alone)."""
        stack: list[tuple[int, int]] = []
        for offset, role, n in target:
            if n not in balanced:
                continue
            if role == "open":
                stack.append((n, offset))
            elif role == "close":
                if stack and stack[-1][0] == n:
                    stack.pop()
                elif any(m == n for m, _ in stack):
                    inner = stack[-1][0]
                    yield self.issue(f"codes {_label('open', n)} and {_label('open', inner)} cross: "
                                     f"{_label('close', n)} comes before {_label('close', inner)}",
                                     en_span=(offset, offset + 1))
                    stack = [(m, o) for m, o in stack if m != n]
                else:
                    yield self.issue(f"{_label('close', n)} closes a code that is not open",
                                     en_span=(offset, offset + 1))
        for n, offset in stack:
            yield self.issue(f"{_label('open', n)} is never closed", en_span=(offset, offset + 1))

    def _order(self, source, target, tgt_count, src_count) -> Iterable[Issue]:
        def sequence(items, other):
            out, seen = [], set()
            for offset, role, n in items:
                if other[(role, n)] and (role, n) not in seen:
                    seen.add((role, n))
                    out.append((offset, role, n))
            return out

        src_seq = [(r, n) for _, r, n in sequence(source, tgt_count)]
        tgt_seq = sequence(target, src_count)
        for expected, (offset, role, n) in zip(src_seq, tgt_seq, strict=False):
            if expected != (role, n):
                yield self.issue(f"code {_label(role, n)} is out of the source's order", en_span=(offset, offset + 1),
                                 severity=Severity.MINOR)
                return

    def _spaces(self, zh: str, en: str, source, target) -> Iterable[Issue]:
        """A space next to a code in the source, where the English has a letter or digit against the code."""
        src_at = {}
        for offset, role, n in source:
            src_at.setdefault((role, n), offset)
        done = set()
        for offset, role, n in target:
            where = src_at.get((role, n))
            if where is None or (role, n) in done:
                continue
            done.add((role, n))
            for step, side in ((-1, "before"), (1, "after")):
                s, e = where + step, offset + step
                if 0 <= s < len(zh) and 0 <= e < len(en) and zh[s] in " \t\u3000" and en[e].isalnum():
                    yield self.issue(f"the space {side} code {_label(role, n)} in the source is missing in the "
                                     "English", en_span=(offset, offset + 1), severity=Severity.MINOR,
                                     suggestion=(" " + code_char(role, n)) if step < 0 else code_char(role, n) + " ")
