"""TMX 1.4b translation memories: one ``tu`` per link.

Mapping: the Chinese and English ``tuv`` of a ``tu`` hold the link's paragraphs joined by a blank line;
``tuid`` is the unit id; ``creationdate``/``creationid`` and ``changedate``/``changeid`` carry the dates,
the author and the reviewer; ``<prop type="x-status">`` and ``<prop type="x-reviewer">`` carry our status
and the reviewer; ``<note>`` elements are the link's notes. Reading accepts any ``xml:lang`` (or TMX 1.1
``lang``) starting with ``zh`` for Chinese and takes the first other language as English when no ``en`` tuv
is present. Inline codes (bpt, ept, it, ph, ut, hi) become placeholders with their elements in the pair's side
table (app/formats/inline.py) and are written back from it.
"""

from __future__ import annotations

from lxml import etree

from app.errors import FormatError
from app.formats.base import BitextFormat, join_paragraphs, split_unit
from app.formats.inline import read_codes, write_codes
from app.formats.units import (
    default_status,
    is_en,
    is_zh,
    keep_edges,
    parse_date,
    tmx_date,
    xml_safe,
)
from app.formats.xmlsafe import local, parse_xml
from app.model import STATUSES, Bitext, BitextPair, plain_text

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _lang(tuv) -> str:
    return tuv.get(XML_LANG) or tuv.get("lang") or ""


class Tmx(BitextFormat):
    name = "tmx"
    suffix = ".zh-en.tmx"
    extensions = (".tmx",)
    mimetype = "application/x-tmx+xml"

    def read(self, data: bytes, filename: str = "file") -> Bitext:
        root = parse_xml(data, filename)
        if local(root.tag) != "tmx":
            raise FormatError(f"{filename}: not a TMX file (the root element is <{local(root.tag)}>)")
        header = next((el for el in root if local(el.tag) == "header"), None)
        srclang = header.get("srclang", "") if header is not None else ""
        body = next((el for el in root if local(el.tag) == "body"), None)
        if body is None:
            raise FormatError(f"{filename}: not a TMX file (no <body>)")
        pairs = []
        target_lang = source_lang = ""
        for number, tu in enumerate((el for el in body if local(el.tag) == "tu"), start=1):
            zh_seg = en_seg = None
            has_zh = has_en = False
            notes, props = [], {}
            for child in tu:
                name = local(child.tag)
                if name == "note":
                    notes.append((child.text or "").strip())
                elif name == "prop":
                    props.setdefault(child.get("type", ""), (child.text or "").strip())
                elif name == "tuv":
                    seg = next((el for el in child if local(el.tag) == "seg"), None)
                    lang = _lang(child)
                    if is_zh(lang) and not has_zh:
                        zh_seg, has_zh, source_lang = seg, True, source_lang or lang
                    elif not is_zh(lang) and (not has_en or (is_en(lang) and not is_en(target_lang))):
                        en_seg, has_en, target_lang = seg, True, lang
            if not has_zh:
                raise FormatError(f"{filename}: translation unit {number} has no Chinese (zh) variant "
                                  f"(srclang {srclang or 'not given'})", line=tu.sourceline)
            try:
                zh, en, codes = read_codes(zh_seg, en_seg)
            except OverflowError:
                raise FormatError(f"{filename}: translation unit {number} has too many inline codes",
                                  line=tu.sourceline) from None
            zh_pars, en_pars = split_unit(zh), split_unit(en or "")
            if not any(plain_text(p).strip() for p in (*zh_pars, *en_pars)):
                continue
            status = props.get("x-status", "")
            if status not in STATUSES:
                status = default_status(en_pars)
            pairs.append(BitextPair(
                zh=zh_pars, en=en_pars, status=status,
                note="\n\n".join(n for n in notes if n),
                author=tu.get("creationid", ""),
                reviewer=props.get("x-reviewer", "") or "",
                created=parse_date(tu.get("creationdate")), changed=parse_date(tu.get("changedate")),
                unit_id=tu.get("tuid", ""), codes=codes,
            ))
        if not pairs:
            raise FormatError(f"{filename}: the TMX file has no translation units")
        return Bitext(tuple(pairs), name=filename, source_lang=source_lang or "zh-CN", target_lang=target_lang or "en",
                      format=self.name)

    def write(self, bitext: Bitext) -> bytes:
        if bitext.template:
            return self._update(bitext)
        root = etree.Element("tmx", version="1.4")
        etree.SubElement(root, "header", {
            "creationtool": "duizhao", "creationtoolversion": "0.1", "segtype": "paragraph",
            "o-tmf": "duizhao", "adminlang": "en", "srclang": bitext.source_lang or "zh-CN",
            "datatype": "plaintext",
        })
        body = etree.SubElement(root, "body")
        for number, pair in enumerate(bitext.pairs, start=1):
            attrs = {"tuid": pair.unit_id or str(number)}
            for key, value in (("creationdate", tmx_date(pair.created)), ("creationid", pair.author),
                               ("changedate", tmx_date(pair.changed)), ("changeid", pair.reviewer)):
                if value:
                    attrs[key] = xml_safe(value)
            tu = etree.SubElement(body, "tu", attrs)
            if pair.note:
                etree.SubElement(tu, "note").text = xml_safe(pair.note)
            etree.SubElement(tu, "prop", type="x-status").text = pair.status
            if pair.reviewer:
                etree.SubElement(tu, "prop", type="x-reviewer").text = xml_safe(pair.reviewer)
            for lang, texts, side in ((bitext.source_lang or "zh-CN", pair.zh, "zh"),
                                      (bitext.target_lang or "en", pair.en, "en")):
                tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
                write_codes(etree.SubElement(tuv, "seg"), join_paragraphs(texts), pair.codes, side, native="tmx")
        doctype = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype=doctype)

    def _update(self, bitext: Bitext) -> bytes:
        """The template TMX with each edited English ``seg`` rewritten in place (codes from the side table),
        matched by ``tuid`` (or in order for units without one); every other element and attribute is kept."""
        root = parse_xml(bitext.template, bitext.name or "template", keep_comments=True)
        body = next((el for el in root if local(el.tag) == "body"), None)
        tus = [el for el in body if local(el.tag) == "tu"] if body is not None else []
        by_id = {tu.get("tuid"): tu for tu in tus if tu.get("tuid")}
        anonymous = iter([tu for tu in tus if not tu.get("tuid")])
        for pair in bitext.pairs:
            tu = by_id.get(pair.unit_id) if pair.unit_id else next(anonymous, None)
            if tu is None:
                continue
            zh_seg, en_seg, en_lang = _segs(tu)
            if zh_seg is None:
                continue
            old_zh, old_en, codes = read_codes(zh_seg, en_seg)
            if split_unit(old_en or "") == pair.en:
                continue
            if en_seg is None:
                tuv = etree.SubElement(tu, "tuv", {XML_LANG: bitext.target_lang or "en"})
                en_seg = etree.SubElement(tuv, "seg")
            write_codes(en_seg, keep_edges(old_en, join_paragraphs(pair.en)), pair.codes or codes, "en")
        doctype = root.getroottree().docinfo.doctype or None
        return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8", doctype=doctype)


def _segs(tu):
    """The Chinese and the English ``seg`` of a tu (as the reader picks them) and the English language."""
    zh_seg = en_seg = None
    has_zh = has_en = False
    target_lang = ""
    for child in tu:
        if local(child.tag) != "tuv":
            continue
        seg = next((el for el in child if local(el.tag) == "seg"), None)
        lang = _lang(child)
        if is_zh(lang) and not has_zh:
            zh_seg, has_zh = seg, True
        elif not is_zh(lang) and (not has_en or (is_en(lang) and not is_en(target_lang))):
            en_seg, has_en, target_lang = seg, True, lang
    return zh_seg, en_seg, target_lang

