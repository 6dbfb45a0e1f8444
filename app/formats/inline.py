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

    def _walk(self, el, out: list) -> None:
        """Text as characters, elements as items numbered afterwards in document order (``_pair_up``)."""
        self._text(el.text, out)
        for child in el:
            if not isinstance(child.tag, str):  # a comment or PI inside a segment is not part of its text
                self._text(child.tail, out)
                continue
            name = etree.QName(child).localname
            if name in WRAPPING and not _is_seg_mark(child):
                opening = ["wrap", name, child, None]
                out.append(opening)
                self._walk(child, out)
                out.append(["wrap-end", opening])
            else:
                out.append(["one", name, child, None])
            self._text(child.tail, out)

    def _pair_up(self, out: list) -> str:
        """Pair start and end elements (a start and its end in the same text are one paired code), then number
        every code in document order."""
        ends_for: dict[int, int] = {}
        open_starts: list[tuple[int, str, tuple]] = []
        for i, item in enumerate(out):
            if isinstance(item, list) and item[0] == "one":
                name, el = item[1], item[2]
                if name in STARTS:
                    open_starts.append((i, STARTS[name], _pair_key(el)))
                elif name in ENDS:
                    for j in range(len(open_starts) - 1, -1, -1):
                        si, end_name, key = open_starts[j]
                        if end_name == name and key == _pair_key(el):
                            ends_for[si] = i
                            del open_starts[j]
                            break
        closing = {e: s for s, e in ends_for.items()}
        text: list[str] = []
        numbers: dict[int, int] = {}
        for i, item in enumerate(out):
            if not isinstance(item, list):
                text.append(item)
                continue
            kind = item[0]
            if kind == "wrap":
                n = self._number(("wrap", item[1], _ident(item[2])), "paired", True)
                self._codes[n][self._side] = (_element(item[2], False),)
                item[3] = n
                text.append(code_char("open", n))
            elif kind == "wrap-end":
                text.append(code_char("close", item[1][3]))
            elif i in ends_for:
                end = out[ends_for[i]][2]
                n = self._number(("pair", item[1], _ident(item[2])), "paired", False)
                self._codes[n][self._side] = (_element(item[2], True), _element(end, True))
                numbers[ends_for[i]] = n
                text.append(code_char("open", n))
            elif i in closing:
                text.append(code_char("close", numbers[i]))
            else:
                n = self._number(("one", item[1], _ident(item[2])), "standalone", False)
                self._codes[n][self._side] = (_element(item[2], True),)
                text.append(code_char("standalone", n))
        return "".join(text)

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


def build_element(parent, spec: CodeElement, with_content: bool):
    """A new child of ``parent`` made from ``spec`` (its content too, with ``with_content``)."""
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


NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
NATIVE = {
    "tmx": (None, frozenset({"bpt", "ept", "it", "ph", "hi", "ut"})),
    "xliff12": (NS12, frozenset({"g", "x", "bx", "ex", "ph", "bpt", "ept", "it", "mrk"})),
    "xliff20": (NS20, frozenset({"pc", "sc", "ec", "ph", "mrk", "sm", "em", "cp"})),
}


def _is_native(spec: CodeElement, native: str) -> bool:
    ns, names = NATIVE[native]
    q = etree.QName(spec.tag)
    return q.namespace == ns and q.localname in names


def _xml_of(spec: CodeElement) -> str:
    """The element as XML text, e.g. ``<g xmlns="…" id="1"/>``: the native code of a converted code."""
    ns = etree.QName(spec.tag).namespace
    holder = etree.Element(f"{{{ns}}}holder" if ns else "holder", nsmap={None: ns} if ns else None)
    el = build_element(holder, spec, True)
    return etree.tostring(el, encoding="unicode")


def convert(code: InlineCode, native: str, side: str) -> InlineCode:
    """``code`` in the vocabulary of another format (a TMX code going into XLIFF, an XLIFF code into TMX…):
    wrapping codes become that format's wrapping or begin/end codes, others placeholders whose native code is
    the original element's XML (XLIFF 2 has no native code in its inline elements: only the kind survives)."""
    elements = code.side(side)
    if not elements or not elements[0].tag or all(_is_native(e, native) for e in elements):
        return code
    ns = NATIVE[native][0]

    def q(local: str) -> str:
        return f"{{{ns}}}{local}" if ns else local

    n = str(code.n)
    originals = [escape(_xml_of(e)) for e in elements]
    if code.kind == "paired":
        start = originals[0].replace("/&gt;", "&gt;") if code.wraps else originals[0]
        end = f"&lt;/{elements[0].local}&gt;" if code.wraps else originals[-1]
        new = {"tmx": (CodeElement(q("bpt"), (("i", n), ("x", n)), start), CodeElement(q("ept"), (("i", n),), end)),
               "xliff12": (CodeElement(q("bpt"), (("id", n),), start), CodeElement(q("ept"), (("id", n),), end)),
               "xliff20": (CodeElement(q("sc"), (("id", n),)), CodeElement(q("ec"), (("startRef", n),)))}[native]
        if native == "xliff12" and code.wraps:
            return InlineCode(code.n, code.kind, (CodeElement(q("g"), (("id", n),)),) * (side == "zh"),
                              (CodeElement(q("g"), (("id", n),)),) * (side == "en"), True)
        if native == "xliff20" and code.wraps:
            return InlineCode(code.n, code.kind, (CodeElement(q("pc"), (("id", n),)),) * (side == "zh"),
                              (CodeElement(q("pc"), (("id", n),)),) * (side == "en"), True)
        wraps = False
    else:
        new = ({"tmx": CodeElement(q("ph"), (("x", n),), originals[0]),
                "xliff12": CodeElement(q("ph"), (("id", n),), originals[0]),
                "xliff20": CodeElement(q("ph"), (("id", n),))}[native],)
        wraps = False
    return InlineCode(code.n, code.kind, new if side == "zh" else (), new if side == "en" else (), wraps)


def write_codes(el, text: str, codes, side: str = "en", native: str | None = None) -> int:
    """Replace the content of ``el`` by ``text``, writing each placeholder back as its code's element(s).

    Placeholders of codes not in ``codes`` are dropped; the number written is returned. A paired wrapping code
    whose closing placeholder is missing wraps the rest of the text; one that closes across another is closed
    and reopened (the tag check reports both). With ``native`` ("tmx", "xliff12", "xliff20"), codes read from
    another format are converted to that format's elements first (see ``convert``).
    """
    if native is not None:
        codes = [convert(c, native, side) for c in codes]
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
                stack.append((n, build_element(parent, elements[0], False)))
                written += 1
            elif role == "close" and any(m == n for m, _ in stack):
                reopen = []
                while stack[-1][0] != n:
                    reopen.append(stack.pop())
                stack.pop()
                for m, _old in reversed(reopen):
                    spec = by_n[m].side(side)[0]
                    stack.append((m, build_element(stack[-1][1], spec, False)))
            elif role == "standalone":
                build_element(parent, elements[0], False)
                written += 1
        elif role == "close" and code.kind == "paired":
            build_element(parent, elements[-1], True)
            written += 1
        else:
            build_element(parent, elements[0], True)
            written += 1
    add_text("".join(run))
    return written
