"""Document-level consistency without a glossary: a person name or a term rendered several ways."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

from app.checks.base import Check, DocumentContext, PairContext, at
from app.checks.people import conflicting_styles, document_names
from app.model import Issue, Severity


def _place(pair: PairContext, span) -> dict:
    return {"link": pair.index, "zh_index": pair.zh_indices[0] if pair.zh_indices else None,
            "en_index": pair.en_indices[0] if pair.en_indices else None,
            "en_span": list(span) if span else None}


def _summary(renderings: list[dict]) -> str:
    """Each rendering with its count and places: "'Xi' ×3 (rows 2, 5); 'Hsi' ×1 (row 9)"."""
    return "; ".join(f"'{r['text']}' ×{r['count']} ({at(*(p['link'] for p in r['places']))})" for r in renderings)


def _name_suggestion(doc: DocumentContext, zh: str, renderings: list[dict], pinyin: str) -> str:
    g = doc.glossary
    for m in g.match_zh(zh):
        e = g.entries[m.entry]
        if e.kind == "name" and m.text == zh:
            return e.en
    full = [r for r in renderings if r["part"] in ("full", "reversed")]
    best = max(full, key=lambda r: (r["count"], r["pinyin"], r["part"] == "full"), default=None)
    return best["text"] if best else pinyin


def _clash(a: tuple, b: tuple) -> bool:
    return any(x is not None and y is not None and x != y for x, y in zip(a, b, strict=True))


class ConsistencyNameCheck(Check):
    check_id = "consistency.name"
    name = "Name written several ways"
    description = ("One Chinese person name written in more than one way across the document: pinyin and a "
                   "legacy romanisation, family name first and last, run together or not. The given or family "
                   "name alone is not a different form.")
    severity = Severity.MAJOR

    def check_document(self, doc: DocumentContext) -> Iterable[tuple[PairContext, Issue]]:
        for zh, person in document_names(doc).items():
            if len(person.forms) < 2:
                continue
            differ = conflicting_styles(person.forms)
            if not differ:
                continue
            by_surface: dict[str, dict] = {}
            for f in person.forms:
                r = by_surface.setdefault(f.surface, {"text": f.surface, "count": 0, "places": [], "part": f.part,
                                                      "pinyin": f.pinyin, "style": list(f.style)})
                r["count"] += 1
                r["places"].append(_place(f.pair, f.en_span))
            renderings = sorted(by_surface.values(), key=lambda r: -r["count"])
            suggestion = _name_suggestion(doc, zh, renderings, person.pinyin)
            model = next((f.style for f in person.forms if f.surface == suggestion), person.forms[0].style)
            odd = next((f for f in person.forms if _clash(f.style, model)), person.forms[0])
            yield odd.pair, self.issue(
                f"{zh} is written {len(renderings)} ways ({', '.join(differ)} differ): {_summary(renderings)}",
                zh_span=odd.zh_span, en_span=odd.en_span, suggestion=suggestion, renderings=renderings,
                term=zh, key_text=zh + "|" + "|".join(sorted(by_surface)))


# The analyses of the last few documents: re-checking a long document after an edit outside its sample of
# links, or a page view of an unchanged one, reuses the lexical model. (Plain data, no IO.)
_RECENT: OrderedDict = OrderedDict()
_RECENT_LOCK = threading.Lock()


def document_terms(doc: DocumentContext):
    """The word-alignment analysis of the document's terms outside the glossary (cached on the document)."""
    cached = doc.__dict__.get("_terms")
    if cached is None:
        from app.terminology.consistency import SETTINGS, DocumentTerms

        g = doc.glossary
        skip = frozenset(z for e in g.entries for z in e.zh if e.status != "deprecated") if len(g) else frozenset()
        names = frozenset(document_names(doc))
        pairs = [p for p in doc.pairs if p.complete]
        limit = SETTINGS.max_document_links
        total = len(pairs)
        if total > limit:  # a very long document: terms are compared over an even sample of its links
            pairs = pairs[::-(-total // limit)]
        key = (tuple((p.zh, p.en) for p in pairs), skip | names, id(SETTINGS))
        with _RECENT_LOCK:
            terms = _RECENT.get(key)
            if terms is not None:
                _RECENT.move_to_end(key)
        if terms is None:
            tokenised = [(p.en_tokens.norm.split(), list(p.en_tokens.spans)) for p in pairs]
            terms = DocumentTerms([p.zh for p in pairs], [p.en for p in pairs], skip | names, en_tokenised=tokenised)
            terms.usage()  # computed once, before other threads can see it
            with _RECENT_LOCK:
                _RECENT[key] = terms
                while len(_RECENT) > 4:
                    _RECENT.popitem(last=False)
        cached = doc.__dict__["_terms"] = (pairs, terms, total)
    return cached


class ConsistencyTermCheck(Check):
    check_id = "consistency.term"
    name = "Term rendered several ways"
    description = ("A recurring Chinese term outside the glossary rendered by more than one English phrase across "
                   "the document, found by word alignment (IBM Model 1 learned from the document, seeded with "
                   "CC-CEDICT). Inflections, a phrase within a longer one and an acronym defined in the text "
                   "count as one rendering.")
    severity = Severity.MINOR

    def check_document(self, doc: DocumentContext) -> Iterable[tuple[PairContext, Issue]]:
        pairs, terms, total = document_terms(doc)
        whole = "" if len(pairs) == total else f"; compared over {len(pairs)} of the document's {total} links"
        for usage in terms.drifting():
            renderings = []
            for r in usage.renderings:
                places = [_place(pairs[p.link], p.en_span) for p in r.places]
                evidence = sorted(r.evidence.items(), key=lambda kv: -kv[1])[:4]
                renderings.append({"text": r.text, "count": r.count, "places": places,
                                   "confidence": round(r.confidence, 2),
                                   "evidence": [f"{z}→{e} {p:.2f}" for (z, e), p in evidence]})
            top = usage.renderings[0]
            odd_rendering = usage.renderings[1]
            odd = odd_rendering.places[0]
            sample = (f" (in {usage.sampled} of the {len(set(usage.links))} links it occurs in{whole})"
                      if usage.sampled else (f" ({whole[2:]})" if whole else ""))
            yield pairs[odd.link], self.issue(
                f"{usage.zh} is rendered {len(renderings)} ways{sample}: {_summary(renderings)}",
                zh_span=odd.zh_span, en_span=odd.en_span, suggestion=top.text, renderings=renderings,
                term=usage.zh, key_text=usage.zh + "|" + "|".join(sorted(r["text"].lower() for r in renderings)))
