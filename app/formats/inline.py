"""Inline codes between XML and the model: read a segment element into text with placeholders and a side
table (app.model "inline codes"), and write such a text back into an element with every code in place.

Element families, by local name (XLIFF 1.2, XLIFF 2.0 and TMX share most of them):
  wrapping   g, pc, mrk (not mtype="seg"), hi      one element around text: an opening and a closing code
  start/end  bpt/ept, bx/ex, sc/ec, sm/em           two elements: paired within the segment by rid, i, startRef
                                                    or id; an unpaired one is a standalone (isolated) code
  standalone x, ph, it, ut, cp and anything unknown  one code; the element's content (native code) is kept

A code is matched between the source and the target by its element family and identifier (``x``, ``id``,
``i``, ``rid``), or by its order when it has none; matched codes share one number.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from lxml import etree

from app.formats.units import xml_safe
from app.formats.xmlsafe import parse_xml
from app.model import (
    CODE_END,
    CODE_STANDALONE,
    MAX_CODE,
    CodeElement,
    InlineCode,
    code_char,
    code_of,
)

WRAPPING = frozenset({"g", "pc", "mrk", "hi"})
STARTS = {"bpt": "ept", "bx": "ex", "sc": "ec", "sm": "em"}
ENDS = {v: k for k, v in STARTS.items()}


def _element(el, with_content: bool) -> CodeElement:
    attrs = tuple((k, v) for k, v in el.attrib.items())
    parent = el.getparent()
    inherited = dict(parent.nsmap) if parent is not None else {}
    own = tuple((p or "", u) for p, u in el.nsmap.items() if inherited.get(p) != u)
    content = ""
    if with_content:  # the content as XML: escaped text and any sub-elements
        content = escape(el.text or "") + "".join(
            etree.tostring(child, encoding="unicode", with_tail=True) for child in el)
    return CodeElement(etree.QName(el).text, attrs, content, own)


def _ident(el) -> str:
    for name in ("x", "id", "i", "rid"):
        if el.get(name):
            return f"{name}={el.get(name)}"
    return ""


def _pair_key(el) -> tuple[str, str]:
    """What pairs a start with its end: ``rid`` (XLIFF 1.2), ``i`` (TMX), else the start's ``id`` and the
    end's ``startRef`` (XLIFF 2) or ``id`` (XLIFF 1.2 bpt/ept without rid)."""
    for name, kind in (("rid", "rid"), ("i", "i"), ("startRef", "id"), ("id", "id")):
        if el.get(name):
            return kind, el.get(name)
    return "", ""


def _is_seg_mark(el) -> bool:
    return etree.QName(el).localname == "mrk" and el.get("mtype") == "seg"


class CodeTable:
    """The codes of one segment (its source and target): read elements into placeholder text, then freeze."""

    def __init__(self):
        self._codes: dict[int, dict] = {}
        self._by_sig: dict[tuple, int] = {}
        self._next = 1

    # ------------------------------------------------------------ reading

    def read(self, el, side: str) -> str:
        """The content of ``el`` as text with placeholders; ``side`` is "zh" or "en"."""
        self._seen: dict[tuple, int] = {}
        self._side = side
        out: list[str] = []
        self._walk(el, out)
        return self._pair_up(out)

    def _number(self, sig: tuple, kind: str, wraps: bool) -> int:
        count = self._seen.get(sig, 0) + 1
        self._seen[sig] = count
        full = (*sig, count)
        n = self._by_sig.get(full)
        if n is None or self._side in self._codes[n]:  # new, or this side already used it
            if self._next > MAX_CODE:
                raise OverflowError("too many inline codes in one segment")
            n = self._next
            self._next += 1
            self._by_sig[full] = n
            self._codes[n] = {"kind": kind, "wraps": wraps}
        return n

    def _text(self, text: str | None, out: list[str]) -> None:
        for ch in text or "":
            if CODE_STANDALONE <= ord(ch) < CODE_END:  # a private-use character of the text itself
                n = self._number(("char", ch), "standalone", False)
                self._codes[n][self._side] = (CodeElement("", (), ch),)
                out.append(code_char("standalone", n))
            else:
                out.append(ch)

    def _walk(self, el, out: list[str]) -> None:
        self._text(el.text, out)
        for child in el:
            if not isinstance(child.tag, str):  # comments and PIs were removed by the parser; be safe
                self._text(child.tail, out)
                continue
            name = etree.QName(child).localname
            if name in WRAPPING and not _is_seg_mark(child):
                n = self._number(("wrap", name, _ident(child)), "paired", True)
                self._codes[n][self._side] = (_element(child, False),)
                out.append(code_char("open", n))
                self._walk(child, out)
                out.append(code_char("close", n))
            elif name in STARTS or name in ENDS:
                # numbered later, once starts and ends are paired: keep the element for now
                out.append(("pending", name, child))
            else:
                n = self._number(("one", name, _ident(child)), "standalone", False)
                self._codes[n][self._side] = (_element(child, True),)
                out.append(code_char("standalone", n))
            self._text(child.tail, out)

    def _pair_up(self, out: list) -> str:
        """Number start/end elements: a start and its end in the same text are one paired code."""
        pending = [(i, item) for i, item in enumerate(out) if isinstance(item, tuple)]
        ends_for: dict[int, int] = {}
        open_starts: list[tuple[int, str, str]] = []
        for i, (_, name, el) in pending:
            if name in STARTS:
                open_starts.append((i, STARTS[name], _pair_key(el)))
            else:
                for j in range(len(open_starts) - 1, -1, -1):
                    si, end_name, key = open_starts[j]
                    if end_name == name and key == _pair_key(el):
                        ends_for[si] = i
                        del open_starts[j]
                        break
        closing = {e: s for s, e in ends_for.items()}
        for i, (_, name, el) in pending:
            if i in ends_for:
                end = out[ends_for[i]][2]
                n = self._number(("pair", name, _ident(el)), "paired", False)
                self._codes[n][self._side] = (_element(el, True), _element(end, True))
                out[i] = code_char("open", n)
                out[ends_for[i]] = ("closing", n)
            elif i not in closing:
                n = self._number(("one", name, _ident(el)), "standalone", False)
                self._codes[n][self._side] = (_element(el, True),)
                out[i] = code_char("standalone", n)
        return "".join(code_char("close", item[1]) if isinstance(item, tuple) else item for item in out)

    def freeze(self) -> tuple[InlineCode, ...]:
        return tuple(InlineCode(n, d["kind"], d.get("zh", ()), d.get("en", ()), d["wraps"])
                     for n, d in sorted(self._codes.items()))


def read_codes(source, target, source_side: str = "zh") -> tuple[str, str | None, tuple[InlineCode, ...]]:
    """(source text, target text or None, codes) of a source and a target element (target may be None)."""
    table = CodeTable()
    target_side = "en" if source_side == "zh" else "zh"
    src = table.read(source, source_side) if source is not None else ""
    tgt = table.read(target, target_side) if target is not None else None
    return src, tgt, table.freeze()


# ------------------------------------------------------------ writing


def _build(parent, spec: CodeElement, with_content: bool):
    nsmap = {p or None: u for p, u in spec.nsmap} or None
    el = etree.SubElement(parent, spec.tag, nsmap=nsmap)
    for k, v in spec.attrs:
        el.set(k, v)
    if with_content and spec.content:
        if "<" in spec.content or "&" in spec.content:
            ns = etree.QName(spec.tag).namespace
            decl = f' xmlns="{ns}"' if ns else ""
            holder = parse_xml(f"<w{decl}>{spec.content}</w>".encode(), "inline code")
            el.text = holder.text
            for child in list(holder):
                el.append(child)
        else:
            el.text = xml_safe(spec.content)
    return el


def write_codes(el, text: str, codes, side: str = "en") -> int:
    """Replace the content of ``el`` by ``text``, writing each placeholder back as its code's element(s).

    Placeholders of codes not in ``codes`` are dropped; the number written is returned. A paired wrapping code
    whose closing placeholder is missing wraps the rest of the text; one that closes across another is closed
    and reopened (the tag check reports both).
    """
    by_n = {c.n: c for c in codes}
    for child in list(el):
        el.remove(child)
    el.text = None
    stack: list[tuple[int | None, object]] = [(None, el)]
    written = 0

    def add_text(s: str) -> None:
        s = xml_safe(s)
        if not s:
            return
        parent = stack[-1][1]
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + s
        else:
            parent.text = (parent.text or "") + s

    run: list[str] = []
    for ch in text or "":
        found = code_of(ch)
        if found is None:
            run.append(ch)
            continue
        add_text("".join(run))
        run = []
        role, n = found
        code = by_n.get(n)
        elements = code.side(side) if code is not None else ()
        if not elements:
            continue
        if not elements[0].tag:  # a literal private-use character
            add_text(elements[0].content)
            written += 1
            continue
        parent = stack[-1][1]
        if code.wraps:
            if role == "open":
                stack.append((n, _build(parent, elements[0], False)))
                written += 1
            elif role == "close" and any(m == n for m, _ in stack):
                reopen = []
                while stack[-1][0] != n:
                    reopen.append(stack.pop())
                stack.pop()
                for m, _old in reversed(reopen):
                    spec = by_n[m].side(side)[0]
                    stack.append((m, _build(stack[-1][1], spec, False)))
            elif role == "standalone":
                _build(parent, elements[0], False)
                written += 1
        elif role == "close" and code.kind == "paired":
            _build(parent, elements[-1], True)
            written += 1
        else:
            _build(parent, elements[0], True)
            written += 1
    add_text("".join(run))
    return written
