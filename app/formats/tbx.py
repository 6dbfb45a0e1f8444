"""TBX glossaries: TBX 2008 (`martif`, ISO 30042:2008) and TBX v3 (`tbx`, ISO 30042:2019, TBX-Basic).

Mapping of a TermEntry (one concept entry):
- the Chinese forms are `zh` terms; a person's name carries termNote partOfSpeech = properNoun;
- the approved English is the `en` term with administrativeStatus preferredTerm-admn-sts,
  variants admittedTerm-admn-sts, forbidden renderings deprecatedTerm-admn-sts;
- domains are `descrip type="subjectField"`, the note a `note`, the authority `admin type="source"`
  (TBX 2008) or `admin type="source"` too (v3); the entry's status and case rule are kept in
  `admin type="x-status"` / `admin type="x-caseRule"` so that our own files round-trip.
On import, an English term without an administrativeStatus counts as approved when it is the first
one, as a variant otherwise; a `zh-*` language code (zh-CN, zh-Hans, zh-TW) is Chinese.
"""

from __future__ import annotations

from lxml import etree

from app.errors import FormatError
from app.formats.base import GlossaryFormat
from app.formats.xmlsafe import local, parse_xml
from app.model import TermEntry

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TBX3_NS = "urn:iso:std:iso:30042:ed-2"
ROLE_STATUS = {"approved": "preferredTerm-admn-sts", "variant": "admittedTerm-admn-sts",
               "forbidden": "deprecatedTerm-admn-sts"}
STATUS_ROLE = {v: k for k, v in ROLE_STATUS.items()} | {"supersededTerm-admn-sts": "forbidden",
                                                         "legalTerm-admn-sts": "approved",
                                                         "regulatedTerm-admn-sts": "approved"}
STATUSES = ("approved", "proposed", "deprecated")
CASES = ("exact", "insensitive", "capitalised")


class _Tbx(GlossaryFormat):
    extensions = (".tbx",)
    mimetype = "application/x-tbx+xml"
    # element names: entry, language section, term section
    ENTRY = LANGSEC = TERMSEC = ""

    def read(self, data: bytes, filename: str = "glossary.tbx") -> list[TermEntry]:
        root = parse_xml(data, filename)
        if local(root.tag) not in ("martif", "tbx"):
            raise FormatError(f"{filename}: not a TBX file (root element <{local(root.tag)}>)")
        entries = []
        for n, node in enumerate(el for el in root.iter() if local(el.tag) in ("termEntry", "conceptEntry")):
            entries.append(_read_entry(node, filename, n + 1))
        if not entries:
            raise FormatError(f"{filename}: the TBX file has no termEntry or conceptEntry")
        return entries

    def write(self, entries) -> bytes:
        root = self._root()
        body = etree.SubElement(etree.SubElement(root, self._q("text")), self._q("body"))
        for n, e in enumerate(entries, 1):
            entry = etree.SubElement(body, self._q(self.ENTRY), id=f"c{n}")
            for domain in e.domains:
                etree.SubElement(entry, self._q("descrip"), type="subjectField").text = domain
            if e.note:
                etree.SubElement(entry, self._q("note")).text = e.note
            if e.authority:
                etree.SubElement(entry, self._q("admin"), type="source").text = e.authority
            etree.SubElement(entry, self._q("admin"), type="x-status").text = e.status
            etree.SubElement(entry, self._q("admin"), type="x-caseRule").text = e.case
            zh = etree.SubElement(entry, self._q(self.LANGSEC), {XML_LANG: "zh"})
            for form in e.zh:
                sec = etree.SubElement(zh, self._q(self.TERMSEC))
                etree.SubElement(sec, self._q("term")).text = form
                if e.kind == "name":
                    etree.SubElement(sec, self._q("termNote"), type="partOfSpeech").text = "properNoun"
            en = etree.SubElement(entry, self._q(self.LANGSEC), {XML_LANG: "en"})
            terms = [(e.en, "approved")] + [(v, "variant") for v in e.variants]
            terms += [(f, "forbidden") for f in e.forbidden]
            for text, role in terms:
                sec = etree.SubElement(en, self._q(self.TERMSEC))
                etree.SubElement(sec, self._q("term")).text = text
                etree.SubElement(sec, self._q("termNote"), type="administrativeStatus").text = ROLE_STATUS[role]
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def _q(self, name: str) -> str:
        return name

    def _root(self):
        raise NotImplementedError


class Tbx2008(_Tbx):
    name = "tbx"
    suffix = ".tbx2008.tbx"
    ENTRY, LANGSEC, TERMSEC = "termEntry", "langSet", "tig"

    def _root(self):
        root = etree.Element("martif", {"type": "TBX", XML_LANG: "en"})
        header = etree.SubElement(root, "martifHeader")
        source = etree.SubElement(etree.SubElement(header, "fileDesc"), "sourceDesc")
        etree.SubElement(source, "p").text = "Exported by duizhao"
        return root


class Tbx3(_Tbx):
    name = "tbx3"
    suffix = ".tbxv3.tbx"
    extensions = (".tbx",)
    ENTRY, LANGSEC, TERMSEC = "conceptEntry", "langSec", "termSec"

    def _q(self, name: str) -> str:
        return f"{{{TBX3_NS}}}{name}"

    def _root(self):
        root = etree.Element(self._q("tbx"), {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"},
                             nsmap={None: TBX3_NS})
        header = etree.SubElement(root, self._q("tbxHeader"))
        source = etree.SubElement(etree.SubElement(header, self._q("fileDesc")), self._q("sourceDesc"))
        etree.SubElement(source, self._q("p")).text = "Exported by duizhao"
        return root


def _text(el) -> str:
    return "".join(el.itertext()).strip()


def _read_entry(node, filename: str, n: int) -> TermEntry:
    where = f"{filename}: entry {n}" + (f" ({node.get('id')})" if node.get("id") else "")
    domains, note, authority, status, case = [], "", "", "approved", "insensitive"
    zh: list[str] = []
    en: list[tuple[str, str | None]] = []
    kind = "term"
    for child in node:
        tag = local(child.tag)
        kind_of = child.get("type", "")
        if tag == "descrip" and kind_of == "subjectField" and _text(child):
            domains.append(_text(child))
        elif tag == "note":
            note = _text(child)
        elif tag == "admin" and kind_of in ("source", "sourceIdentifier"):
            authority = _text(child)
        elif tag == "admin" and kind_of == "x-status" and _text(child) in STATUSES:
            status = _text(child)
        elif tag == "admin" and kind_of == "x-caseRule" and _text(child) in CASES:
            case = _text(child)
        elif tag in ("langSet", "langSec"):
            lang = (child.get(XML_LANG) or child.get("lang") or "").lower()
            for sec in child:
                if local(sec.tag) not in ("tig", "ntig", "termSec"):
                    continue
                term = next((t for t in sec.iter() if local(t.tag) == "term"), None)
                if term is None or not _text(term):
                    continue
                notes = {t.get("type"): _text(t) for t in sec.iter() if local(t.tag) == "termNote"}
                if lang == "zh" or lang.startswith("zh-"):
                    zh.append(_text(term))
                    if notes.get("partOfSpeech") == "properNoun":
                        kind = "name"
                elif lang == "en" or lang.startswith("en-"):
                    en.append((_text(term), STATUS_ROLE.get(notes.get("administrativeStatus", ""))))
    if not zh:
        raise FormatError(f"{where} has no Chinese term")
    approved = [t for t, role in en if role == "approved"]
    unmarked = [t for t, role in en if role is None]
    if approved:
        main = approved[0]
    elif unmarked:
        main = unmarked[0]
    else:
        raise FormatError(f"{where} has no approved English term")
    variants = [t for t, role in en if t != main and role in ("approved", "variant", None)]
    forbidden = [t for t, role in en if role == "forbidden"]
    return TermEntry(zh=tuple(zh), en=main, variants=tuple(variants), forbidden=tuple(forbidden), case=case,
                     note=note, authority=authority, status=status, domains=tuple(domains), kind=kind)
