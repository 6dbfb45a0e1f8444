"""XLIFF 1.2 and XLIFF 2.0: one unit per link, states mapped to our statuses, notes kept.

XLIFF 1.2 ``target/@state`` and ``trans-unit/@approved``:
  new, needs-translation → untranslated; translated, needs-review-*, needs-adaptation, needs-l10n →
  translated; signed-off → reviewed; final or approved="yes" → approved; x-rejected → rejected.
  Written: untranslated → new, translated → translated, reviewed → signed-off, approved → final with
  approved="yes", rejected → x-rejected (XLIFF 1.2 allows ``x-`` values).
XLIFF 2.0 ``segment/@state`` (and ``@subState`` for ours):
  initial → untranslated, translated → translated, reviewed → reviewed, final → approved;
  subState="duizhao:rejected" → rejected (written with state="initial").
SDLXLIFF ``sdl:seg/@conf`` (when the unit has no state): Draft → untranslated, Translated → translated,
  ApprovedTranslation → reviewed, ApprovedSignOff → approved, Rejected* → rejected; updated in place on export.
A unit's paragraphs are joined by a blank line. A file whose source is English and target Chinese is read
the other way round. When the Bitext carries the file it came from (``template``), writing updates that
file's units in place (matched by id), so foreign namespaces, elements and attributes survive.
"""

from __future__ import annotations

from lxml import etree

from app.errors import FormatError
from app.formats.base import BitextFormat, join_paragraphs, split_unit
from app.formats.units import default_status, inline_text, is_en, is_zh, xml_safe
from app.formats.xmlsafe import local, parse_xml
from app.model import Bitext, BitextPair

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

STATE_12_IN = {
    "new": "untranslated", "needs-translation": "untranslated", "translated": "translated",
    "needs-review-translation": "translated", "needs-review-adaptation": "translated",
    "needs-review-l10n": "translated", "needs-adaptation": "translated", "needs-l10n": "translated",
    "signed-off": "reviewed", "final": "approved", "x-rejected": "rejected",
}
STATE_12_OUT = {"untranslated": "new", "translated": "translated", "reviewed": "signed-off",
                "approved": "final", "rejected": "x-rejected"}
STATE_20_IN = {"initial": "untranslated", "translated": "translated", "reviewed": "reviewed", "final": "approved"}
STATE_20_OUT = {"untranslated": "initial", "translated": "translated", "reviewed": "reviewed",
                "approved": "final", "rejected": "initial"}
REJECTED_20 = "duizhao:rejected"
# SDLXLIFF (Trados) keeps a segment's status in <sdl:seg conf="...">; read when the XLIFF state is absent,
# updated in place on export.
SDL_NS = "http://sdl.com/FileTypes/SdlXliff/1.0"
SDL_CONF_IN = {"Draft": "untranslated", "Translated": "translated", "ApprovedTranslation": "reviewed",
               "ApprovedSignOff": "approved", "RejectedTranslation": "rejected", "RejectedSignOff": "rejected"}
SDL_CONF_OUT = {"untranslated": "Draft", "translated": "Translated", "reviewed": "ApprovedTranslation",
                "approved": "ApprovedSignOff", "rejected": "RejectedTranslation"}


def _status_12(unit, target, en: tuple[str, ...]) -> str:
    state = target.get("state", "") if target is not None else ""
    conf = _sdl_confs(unit)
    if not state and unit.get("approved") is None and conf:
        status = SDL_CONF_IN.get(conf[0], default_status(en))
    else:
        status = STATE_12_IN.get(state, default_status(en))
    if unit.get("approved") == "yes" and status != "rejected":
        status = "approved"
    return status


def _status_20(state: str, en: tuple[str, ...]) -> str:
    return "rejected" if state == REJECTED_20 else STATE_20_IN.get(state, default_status(en))


def _sdl_segs(unit):
    return [el for el in unit.iter(f"{{{SDL_NS}}}seg")]


def _sdl_confs(unit) -> list[str]:
    return [c for c in (seg.get("conf") for seg in _sdl_segs(unit)) if c]


def _children(el, name: str):
    return [c for c in el if local(c.tag) == name]


def _descendants(root, name: str):
    """Elements named ``name`` in any XLIFF namespace (1.0 to 2.x) or in none; foreign namespaces are skipped."""
    for el in root.iter():
        if isinstance(el.tag, str) and local(el.tag) == name:
            ns = etree.QName(el).namespace
            if ns is None or ns.startswith("urn:oasis:names:tc:xliff:document:"):
                yield el


def _keyed(root, name: str):
    """(key, unit) pairs: the unit's id, made unique with ``@n`` when a later <file> reuses it (ids are only
    unique within one file). Reading and in-place writing both use these keys."""
    seen: set[str] = set()
    for unit in _descendants(root, name):
        key = unit.get("id", "")
        if key in seen:
            n = 2
            while f"{key}@{n}" in seen:
                n += 1
            key = f"{key}@{n}"
        seen.add(key)
        yield key, unit


def _first(el, name: str):
    return next((c for c in el if local(c.tag) == name), None)


def _set_text(el, text: str) -> None:
    """Replace an element's content by plain text (inline markup in it is dropped)."""
    for child in list(el):
        el.remove(child)
    el.text = xml_safe(text)


def _root(data: bytes, filename: str, version: str | None = None):
    root = parse_xml(data, filename)
    if local(root.tag) != "xliff":
        raise FormatError(f"{filename}: not an XLIFF file (the root element is <{local(root.tag)}>)")
    found = root.get("version", "")
    if version is not None and found.split(".")[0] != version.split(".")[0]:
        raise FormatError(f"{filename}: this is XLIFF {found or '(no version)'}, not XLIFF {version}")
    return root


def _major(root) -> str:
    return "2" if root.get("version", "").startswith("2") or etree.QName(root).namespace == NS20 else "1"


def _bitext(pairs, source_lang, target_lang, filename: str, fmt: str, what: str) -> Bitext:
    """The Bitext of a read XLIFF file, Chinese first; a file without units is refused."""
    if not pairs:
        raise FormatError(f"{filename}: the XLIFF file has no {what}")
    pairs, source_lang, target_lang = _orient(pairs, source_lang, target_lang, filename)
    return Bitext(tuple(pairs), name=filename, source_lang=source_lang or "zh-CN", target_lang=target_lang or "en",
                  format=fmt)


def _orient(pairs, source_lang: str, target_lang: str, filename: str):
    """Chinese first: swap a file translated from English into Chinese; refuse one without Chinese."""
    if source_lang and target_lang and not is_zh(source_lang) and not is_zh(target_lang):
        raise FormatError(f"{filename}: a {source_lang} → {target_lang} file; duizhao reviews Chinese and English")
    if is_en(source_lang) and is_zh(target_lang):
        return [BitextPair(zh=p.en, en=p.zh, status=p.status, note=p.note, unit_id=p.unit_id) for p in pairs], \
            target_lang, source_lang
    return pairs, source_lang, target_lang


class Xliff12(BitextFormat):
    name = "xliff"
    extensions = (".xliff", ".xlf", ".sdlxliff")
    mimetype = "application/x-xliff+xml"

    def read(self, data: bytes, filename: str = "file") -> Bitext:
        root = _root(data, filename)
        if _major(root) == "2":  # .xlf is used by both versions
            return Xliff20()._read(root, filename)
        return self._read(root, filename)

    def _read(self, root, filename: str) -> Bitext:
        files = _children(root, "file")
        if not files:
            raise FormatError(f"{filename}: the XLIFF file has no <file> element")
        source_lang = files[0].get("source-language", "")
        target_lang = files[0].get("target-language", "")
        pairs = []
        for key, unit in _keyed(root, "trans-unit"):
            source = _first(unit, "source")
            if source is None:
                raise FormatError(f"{filename}: trans-unit {unit.get('id', '?')} has no <source>",
                                  line=unit.sourceline)
            target = _first(unit, "target")
            zh = split_unit(inline_text(source))
            en = split_unit(inline_text(target)) if target is not None else ()
            if not zh and not en:
                continue
            status = _status_12(unit, target, en)
            notes = [(n.text or "").strip() for n in _children(unit, "note")]
            pairs.append(BitextPair(zh=zh, en=en, status=status, note="\n\n".join(n for n in notes if n),
                                    unit_id=key))
        return _bitext(pairs, source_lang, target_lang, filename, self.name, "translation units")

    def write(self, bitext: Bitext) -> bytes:
        if bitext.template:
            return self._update(bitext)
        root = etree.Element(f"{{{NS12}}}xliff", version="1.2", nsmap={None: NS12})
        file = etree.SubElement(root, f"{{{NS12}}}file", {
            "original": xml_safe(bitext.name or "document"), "source-language": bitext.source_lang or "zh-CN",
            "target-language": bitext.target_lang or "en", "datatype": "plaintext"})
        body = etree.SubElement(file, f"{{{NS12}}}body")
        for number, pair in enumerate(bitext.pairs, start=1):
            unit = etree.SubElement(body, f"{{{NS12}}}trans-unit", {"id": pair.unit_id or str(number)})
            unit.set(XML_SPACE, "preserve")
            etree.SubElement(unit, f"{{{NS12}}}source").text = xml_safe(join_paragraphs(pair.zh))
            etree.SubElement(unit, f"{{{NS12}}}target").text = xml_safe(join_paragraphs(pair.en))
            self._set_state(unit, pair)
            for note in _notes(pair):
                etree.SubElement(unit, f"{{{NS12}}}note").text = xml_safe(note)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    @staticmethod
    def _set_state(unit, pair: BitextPair) -> None:
        for seg in _sdl_segs(unit):
            if seg.get("conf") is not None or pair.status != "untranslated":
                seg.set("conf", SDL_CONF_OUT[pair.status])
        target = _first(unit, "target")
        target.set("state", STATE_12_OUT[pair.status])
        if pair.status == "approved":
            unit.set("approved", "yes")
        elif unit.get("approved") is not None:
            unit.set("approved", "no")

    def _update(self, bitext: Bitext) -> bytes:
        root = _root(bitext.template, bitext.name or "template", "1.2")
        units = dict(_keyed(root, "trans-unit"))
        for pair in bitext.pairs:
            unit = units.get(pair.unit_id)
            if unit is None:
                continue
            target = _first(unit, "target")
            current = split_unit(inline_text(target)) if target is not None else ()
            status_changed = _status_12(unit, target, current) != pair.status
            if target is None and (pair.en or status_changed):
                source = _first(unit, "seg-source")
                source = source if source is not None else _first(unit, "source")
                ns = etree.QName(source).namespace
                target = etree.Element(f"{{{ns}}}target" if ns else "target")
                source.addnext(target)
            if current != pair.en:
                # segmented targets (SDLXLIFF, Okapi) keep their <mrk mtype="seg"> wrappers
                marks = [m for m in target.iter() if local(m.tag) == "mrk" and m.get("mtype") == "seg"]
                if marks:
                    for index, mark in enumerate(marks):
                        _set_text(mark, join_paragraphs(pair.en) if index == 0 else "")
                else:
                    _set_text(target, join_paragraphs(pair.en))
            if status_changed:  # an unchanged status leaves state, approved and sdl:conf as they were
                self._set_state(unit, pair)
            old = _children(unit, "note")
            if [n for n in ((o.text or "").strip() for o in old) if n] != _notes(pair):
                for note in old:
                    unit.remove(note)
                ns = etree.QName(unit).namespace
                for note in _notes(pair):
                    etree.SubElement(unit, f"{{{ns}}}note" if ns else "note").text = xml_safe(note)
        return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def _notes(pair: BitextPair) -> list[str]:
    return [n.strip() for n in pair.note.split("\n\n") if n.strip()]


class Xliff20(BitextFormat):
    name = "xliff2"
    extensions = (".xlf2", ".xliff2")
    mimetype = "application/xliff+xml"

    def read(self, data: bytes, filename: str = "file") -> Bitext:
        root = _root(data, filename)
        if _major(root) == "1":
            return Xliff12()._read(root, filename)
        return self._read(root, filename)

    def _read(self, root, filename: str) -> Bitext:
        source_lang, target_lang = root.get("srcLang", ""), root.get("trgLang", "")
        pairs = []
        for key, unit in _keyed(root, "unit"):
            sources, targets, states = [], [], []
            for part in unit:
                kind = local(part.tag)
                if kind not in ("segment", "ignorable"):
                    continue
                source, target = _first(part, "source"), _first(part, "target")
                if source is None:
                    raise FormatError(f"{filename}: unit {unit.get('id', '?')} has a {kind} without <source>",
                                      line=part.sourceline)
                sources.append(inline_text(source))
                targets.append(inline_text(target) if target is not None else "")
                if kind == "segment":
                    states.append(REJECTED_20 if part.get("subState") == REJECTED_20 else part.get("state", ""))
            zh, en = split_unit("".join(sources)), split_unit("".join(targets))
            if not zh and not en:
                continue
            status = _status_20(states[0] if states else "", en)
            notes_el = _first(unit, "notes")
            notes = [(n.text or "").strip() for n in _children(notes_el, "note")] if notes_el is not None else []
            pairs.append(BitextPair(zh=zh, en=en, status=status, note="\n\n".join(n for n in notes if n),
                                    unit_id=key))
        return _bitext(pairs, source_lang, target_lang, filename, self.name, "units")

    def write(self, bitext: Bitext) -> bytes:
        if bitext.template:
            return self._update(bitext)
        q = f"{{{NS20}}}"
        root = etree.Element(q + "xliff", {"version": "2.0", "srcLang": bitext.source_lang or "zh-CN",
                                           "trgLang": bitext.target_lang or "en"}, nsmap={None: NS20})
        file = etree.SubElement(root, q + "file", id="f1", original=xml_safe(bitext.name or "document"))
        for number, pair in enumerate(bitext.pairs, start=1):
            unit = etree.SubElement(file, q + "unit", id=pair.unit_id or f"u{number}")
            if _notes(pair):
                notes = etree.SubElement(unit, q + "notes")
                for note in _notes(pair):
                    etree.SubElement(notes, q + "note").text = xml_safe(note)
            segment = etree.SubElement(unit, q + "segment")
            self._set_state(segment, pair)
            source = etree.SubElement(segment, q + "source")
            source.text = xml_safe(join_paragraphs(pair.zh))
            source.set(XML_SPACE, "preserve")
            target = etree.SubElement(segment, q + "target")
            target.text = xml_safe(join_paragraphs(pair.en))
            target.set(XML_SPACE, "preserve")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    @staticmethod
    def _set_state(segment, pair: BitextPair) -> None:
        segment.set("state", STATE_20_OUT[pair.status])
        if pair.status == "rejected":
            segment.set("subState", REJECTED_20)
        elif segment.get("subState") == REJECTED_20:
            del segment.attrib["subState"]

    def _update(self, bitext: Bitext) -> bytes:
        """Update units in place: the whole text goes into the first segment's target, other targets empty."""
        root = _root(bitext.template, bitext.name or "template", "2.0")
        units = dict(_keyed(root, "unit"))
        for pair in bitext.pairs:
            unit = units.get(pair.unit_id)
            segments = _children(unit, "segment") if unit is not None else []
            if not segments:
                continue
            current = split_unit("".join(inline_text(t) for s in segments if (t := _first(s, "target")) is not None))
            first = segments[0]
            state = REJECTED_20 if first.get("subState") == REJECTED_20 else first.get("state", "")
            status_changed = _status_20(state, current) != pair.status
            if current != pair.en:
                for index, segment in enumerate(segments):
                    target = _first(segment, "target")
                    if target is None:
                        ns = etree.QName(segment).namespace
                        target = etree.SubElement(segment, f"{{{ns}}}target" if ns else "target")
                    _set_text(target, join_paragraphs(pair.en) if index == 0 else "")
            if status_changed:
                for segment in segments:
                    self._set_state(segment, pair)
        return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
