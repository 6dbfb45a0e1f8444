"""XLIFF 1.2 and XLIFF 2.0: one unit per link, states mapped to our statuses, notes kept.

XLIFF 1.2 ``target/@state`` and ``trans-unit/@approved``:
  new, needs-translation → untranslated; translated, needs-review-*, needs-adaptation, needs-l10n →
  translated; signed-off → reviewed; final or approved="yes" → approved; x-rejected → rejected.
  Written: untranslated → new, translated → translated, reviewed → signed-off, approved → final with
  approved="yes", rejected → x-rejected (XLIFF 1.2 allows ``x-`` values).
XLIFF 2.0 ``segment/@state`` (and ``@subState`` for ours):
  initial → untranslated, translated → translated, reviewed → reviewed, final → approved;
  subState="duizhao:rejected" → rejected (written with state="initial").
SDLXLIFF ``sdl:seg/@conf`` (a segment's own, else the unit's when it has no state): Draft → untranslated,
  Translated → translated, ApprovedTranslation → reviewed, ApprovedSignOff → approved, Rejected* → rejected;
  updated in place on export.
Segments: each ``<mrk mtype="seg">`` of a unit's ``seg-source`` (Trados, Okapi) and each XLIFF 2 ``<segment>``
is its own pair, keyed ``unit-id#mid`` (``unit-id#segment-id``) when the unit has several, else ``unit-id``;
the written file has one target mark per source mark, each with its own text, codes and ``sdl:seg``; the unit's
state becomes the lowest of its segments' statuses. ``locked``: ``translate="no"``, ``sdl:seg locked="true"``,
``mq:locked``. Segments without text on either side (codes only) are left in the file and not read.
Inline codes are placeholders in the text with the pair's side table (app/formats/inline.py).
A unit's paragraphs are joined by a blank line. A file whose source is English and target Chinese is read
the other way round. When the Bitext carries the file it came from (``template``), writing updates that
file's segments in place (matched by key), in the file's own XLIFF version, so foreign namespaces, elements,
attributes, comments and processing instructions survive.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from lxml import etree

from app.errors import FormatError
from app.formats.base import BitextFormat, join_paragraphs, split_unit
from app.formats.inline import read_codes, write_codes
from app.formats.units import default_status, is_en, is_zh, keep_edges, xml_safe
from app.formats.xmlsafe import local, parse_xml
from app.model import Bitext, BitextPair, plain_text

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


MQ_NS = "MQXliff"
# the order in which a unit with several segments takes its lowest status as the unit's state
STATUS_ORDER = {"untranslated": 0, "rejected": 1, "translated": 2, "reviewed": 3, "approved": 4}


def _status_12(unit, target, en: tuple[str, ...], mid: str | None = None) -> str:
    state = target.get("state", "") if target is not None else ""
    seg = _sdl_seg(unit, mid)
    conf = _sdl_confs(unit)
    if seg is not None and seg.get("conf") in SDL_CONF_IN:  # a segment's own Trados status comes first
        status = SDL_CONF_IN[seg.get("conf")]
    elif not state and unit.get("approved") is None and conf:
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


def _sdl_seg(unit, mid: str | None):
    """The sdl:seg of segment ``mid`` (None when the unit is not segmented or has no such seg)."""
    if mid is None:
        return None
    return next((seg for seg in _sdl_segs(unit) if seg.get("id") == mid), None)


def _locked(unit, mid: str | None) -> bool:
    """A segment the file marks as not to be edited: translate="no", Trados locked, memoQ mq:locked."""
    if unit.get("translate") == "no" or unit.get(f"{{{MQ_NS}}}locked") in ("locked", "true"):
        return True
    seg = _sdl_seg(unit, mid)
    return seg is not None and seg.get("locked") == "true"


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


def _is_seg_mark(el) -> bool:
    return isinstance(el.tag, str) and local(el.tag) == "mrk" and el.get("mtype") == "seg"


def _marks(el) -> list:
    return [m for m in el.iter() if _is_seg_mark(m)] if el is not None else []


def _segments_12(root):
    """(key, unit, source element, mid) for every segment: each ``<mrk mtype="seg">`` of a segmented unit
    (SDLXLIFF, Okapi), or the unit's whole ``<source>``. A unit with several marks gives keys ``id#mid``."""
    for key, unit in _keyed(root, "trans-unit"):
        source = _first(unit, "source")
        marks = _marks(_first(unit, "seg-source"))
        if source is None or not marks:
            yield key, unit, source, None
            continue
        for index, mark in enumerate(marks, start=1):
            mid = mark.get("mid", "") or str(index)
            yield (key if len(marks) == 1 else f"{key}#{mid}"), unit, mark, mid


def _target_of(unit, mid: str | None, create: bool = False):
    """The element holding segment ``mid``'s target (the target mark, or the whole ``<target>``); with
    ``create``, made when missing: a new target copies the seg-source's structure with empty marks."""
    target = _first(unit, "target")
    if target is None and create:
        source = _first(unit, "seg-source") if mid is not None else None
        source = source if source is not None else _first(unit, "source")
        if mid is not None:
            target = copy.deepcopy(source)
            target.tag = etree.QName(etree.QName(source).namespace, "target").text \
                if etree.QName(source).namespace else "target"
            for mark in _marks(target):
                for child in list(mark):
                    mark.remove(child)
                mark.text = None
        else:
            ns = etree.QName(source).namespace
            target = etree.Element(f"{{{ns}}}target" if ns else "target")
        (_first(unit, "seg-source") if _first(unit, "seg-source") is not None else source).addnext(target)
    if target is None or mid is None:
        return target
    if not _marks(target):  # a target written without marks holds the first segment's translation
        first = _marks(_first(unit, "seg-source"))[:1]
        if first and (first[0].get("mid", "") or "1") == mid:
            return target
    mark = next((m for m in _marks(target) if (m.get("mid", "") or "") == mid), None)
    if mark is None and create:
        source_mark = next((m for m in _marks(_first(unit, "seg-source")) if m.get("mid", "") == mid), None)
        mark = etree.SubElement(target, source_mark.tag if source_mark is not None else target.tag.replace(
            "target", "mrk"), dict(source_mark.attrib) if source_mark is not None else {"mtype": "seg", "mid": mid})
    return mark



def _empty(zh, en) -> bool:
    """No text on either side (a segment of codes only, or nothing): left in the file, not shown."""
    return not any(plain_text(p).strip() for p in (*zh, *en))



def _segment_text(source, target, where: str, unit):
    """A segment's Chinese and English paragraphs (inline codes as placeholders) and its code table."""
    try:
        zh_text, en_text, codes = read_codes(source, target)
    except OverflowError:
        raise FormatError(f"{where} {unit.get('id', '?')} has too many inline codes", line=unit.sourceline) from None
    return split_unit(zh_text), (split_unit(en_text) if en_text is not None else ()), codes

def _root(data: bytes, filename: str, version: str | None = None, keep_comments: bool = False):
    root = parse_xml(data, filename, keep_comments)
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
        return [replace(p, zh=p.en, en=p.zh, codes=tuple(replace(c, zh=c.en, en=c.zh) for c in p.codes))
                for p in pairs], target_lang, source_lang
    return pairs, source_lang, target_lang


class Xliff12(BitextFormat):
    name = "xliff"
    suffix = ".zh-en.xliff12.xlf"
    extensions = (".xliff", ".xlf", ".sdlxliff", ".mqxliff")
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
        noted = None  # the unit whose notes were taken
        for key, unit, source, mid in _segments_12(root):
            if source is None:
                raise FormatError(f"{filename}: trans-unit {unit.get('id', '?')} has no <source>",
                                  line=unit.sourceline)
            target = _first(unit, "target")
            zh, en, codes = _segment_text(source, _target_of(unit, mid), f"{filename}: trans-unit", unit)
            if _empty(zh, en):
                continue
            status = _status_12(unit, target, en, mid)
            note = ""
            if unit is not noted:  # a unit's notes go with its first segment
                noted = unit
                notes = [(n.text or "").strip() for n in _children(unit, "note")]
                note = "\n\n".join(n for n in notes if n)
            pairs.append(BitextPair(zh=zh, en=en, status=status, note=note, unit_id=key, codes=codes,
                                    locked=_locked(unit, mid)))
        return _bitext(pairs, source_lang, target_lang, filename, self.name, "translation units")

    def write(self, bitext: Bitext) -> bytes:
        if bitext.template:
            if _major(_root(bitext.template, bitext.name or "template")) == "2":
                return Xliff20()._update(bitext)  # an XLIFF 2 file goes back as XLIFF 2, whatever its name
            return self._update(bitext)
        root = etree.Element(f"{{{NS12}}}xliff", version="1.2", nsmap={None: NS12})
        file = etree.SubElement(root, f"{{{NS12}}}file", {
            "original": xml_safe(bitext.name or "document"), "source-language": bitext.source_lang or "zh-CN",
            "target-language": bitext.target_lang or "en", "datatype": "plaintext"})
        body = etree.SubElement(file, f"{{{NS12}}}body")
        for number, pair in enumerate(bitext.pairs, start=1):
            unit = etree.SubElement(body, f"{{{NS12}}}trans-unit", {"id": pair.unit_id or str(number)})
            unit.set(XML_SPACE, "preserve")
            write_codes(etree.SubElement(unit, f"{{{NS12}}}source"), join_paragraphs(pair.zh), pair.codes, "zh",
                        native="xliff12")
            write_codes(etree.SubElement(unit, f"{{{NS12}}}target"), join_paragraphs(pair.en), pair.codes, "en",
                        native="xliff12")
            self._set_state(unit, pair.status)
            if pair.locked:
                unit.set("translate", "no")
            for note in _notes(pair):
                etree.SubElement(unit, f"{{{NS12}}}note").text = xml_safe(note)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    @staticmethod
    def _set_state(unit, status: str) -> None:
        _set_conf(unit, status, None)
        Xliff12._set_unit_state(unit, status)

    @staticmethod
    def _set_unit_state(unit, status: str) -> None:
        target = _first(unit, "target")
        target.set("state", STATE_12_OUT[status])
        if status == "approved":
            unit.set("approved", "yes")
        elif unit.get("approved") is not None:
            unit.set("approved", "no")

    def _update(self, bitext: Bitext) -> bytes:
        """Update the template's segments in place (matched by key): each target (mark) gets its own text with
        its inline codes, status and notes; every other element, attribute and namespace stays as it was."""
        root = _root(bitext.template, bitext.name or "template", "1.2", keep_comments=True)
        segments = {key: (unit, source, mid) for key, unit, source, mid in _segments_12(root)}
        by_unit: dict[int, list] = {}  # unit → [unit, its pairs, status changed]
        for pair in bitext.pairs:
            found = segments.get(pair.unit_id)
            if found is None or found[1] is None:
                continue
            unit, source, mid = found
            entry = by_unit.setdefault(id(unit), [unit, [], False])
            entry[1].append(pair)
            old_zh, old_en, codes = read_codes(source, _target_of(unit, mid))
            current = split_unit(old_en) if old_en is not None else ()
            if _status_12(unit, _first(unit, "target"), current, mid) != pair.status:
                entry[2] = True
                _target_of(unit, mid, create=True)
                _set_conf(unit, pair.status, mid)
            if current != pair.en:
                container = _target_of(unit, mid, create=True)
                write_codes(container, keep_edges(old_en, join_paragraphs(pair.en)), pair.codes or codes, "en")
        for unit, unit_pairs, status_changed in by_unit.values():
            if status_changed:  # an unchanged status leaves state, approved and sdl:conf as they were
                self._set_unit_state(unit, min((p.status for p in unit_pairs), key=STATUS_ORDER.get))
            notes = [n for p in unit_pairs for n in _notes(p)]
            old = _children(unit, "note")
            if [n for n in ((o.text or "").strip() for o in old) if n] != notes:
                for note in old:
                    unit.remove(note)
                ns = etree.QName(unit).namespace
                for note in notes:
                    etree.SubElement(unit, f"{{{ns}}}note" if ns else "note").text = xml_safe(note)
        return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def _set_conf(unit, status: str, mid: str | None) -> None:
    """Write ``status`` on segment ``mid``'s sdl:seg (every sdl:seg when the unit is not segmented)."""
    seg = _sdl_seg(unit, mid)
    for sdl in ([seg] if seg is not None else _sdl_segs(unit)):
        if sdl.get("conf") is not None or status != "untranslated":
            sdl.set("conf", SDL_CONF_OUT[status])


def _notes(pair: BitextPair) -> list[str]:
    return [n.strip() for n in pair.note.split("\n\n") if n.strip()]


def _segments_20(root):
    """(key, unit, segment) for every ``<segment>``; a unit with several segments gives keys ``id#segment``."""
    for key, unit in _keyed(root, "unit"):
        segments = _children(unit, "segment")
        for index, segment in enumerate(segments, start=1):
            yield (key if len(segments) == 1 else f"{key}#{segment.get('id') or index}"), unit, segment


class Xliff20(BitextFormat):
    name = "xliff2"
    suffix = ".zh-en.xliff20.xlf"
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
        noted = None  # the unit whose notes were taken
        for key, unit, segment in _segments_20(root):
            source, target = _first(segment, "source"), _first(segment, "target")
            if source is None:
                raise FormatError(f"{filename}: unit {unit.get('id', '?')} has a segment without <source>",
                                  line=segment.sourceline)
            zh, en, codes = _segment_text(source, target, f"{filename}: unit", unit)
            if _empty(zh, en):
                continue
            state = REJECTED_20 if segment.get("subState") == REJECTED_20 else segment.get("state", "")
            note = ""
            if unit is not noted:
                noted = unit
                notes_el = _first(unit, "notes")
                notes = [(n.text or "").strip() for n in _children(notes_el, "note")] if notes_el is not None else []
                note = "\n\n".join(n for n in notes if n)
            pairs.append(BitextPair(zh=zh, en=en, status=_status_20(state, en), note=note, unit_id=key,
                                    codes=codes, locked=unit.get("translate") == "no"
                                    or segment.get("translate") == "no"))
        return _bitext(pairs, source_lang, target_lang, filename, self.name, "units")

    def write(self, bitext: Bitext) -> bytes:
        if bitext.template:
            if _major(_root(bitext.template, bitext.name or "template")) == "1":
                return Xliff12()._update(bitext)
            return self._update(bitext)
        q = f"{{{NS20}}}"
        root = etree.Element(q + "xliff", {"version": "2.0", "srcLang": bitext.source_lang or "zh-CN",
                                           "trgLang": bitext.target_lang or "en"}, nsmap={None: NS20})
        file = etree.SubElement(root, q + "file", id="f1", original=xml_safe(bitext.name or "document"))
        for number, pair in enumerate(bitext.pairs, start=1):
            unit = etree.SubElement(file, q + "unit", id=pair.unit_id or f"u{number}")
            if pair.locked:
                unit.set("translate", "no")
            if _notes(pair):
                notes = etree.SubElement(unit, q + "notes")
                for note in _notes(pair):
                    etree.SubElement(notes, q + "note").text = xml_safe(note)
            segment = etree.SubElement(unit, q + "segment")
            self._set_state(segment, pair)
            source = etree.SubElement(segment, q + "source")
            write_codes(source, join_paragraphs(pair.zh), pair.codes, "zh", native="xliff20")
            source.set(XML_SPACE, "preserve")
            target = etree.SubElement(segment, q + "target")
            write_codes(target, join_paragraphs(pair.en), pair.codes, "en", native="xliff20")
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
        """Update the template's segments in place: each segment's target gets its own text and codes."""
        root = _root(bitext.template, bitext.name or "template", "2.0", keep_comments=True)
        segments = {key: segment for key, _, segment in _segments_20(root)}
        for pair in bitext.pairs:
            segment = segments.get(pair.unit_id)
            if segment is None:
                continue
            source, target = _first(segment, "source"), _first(segment, "target")
            if source is None:
                continue
            old_zh, old_en, codes = read_codes(source, target)
            current = split_unit(old_en) if old_en is not None else ()
            state = REJECTED_20 if segment.get("subState") == REJECTED_20 else segment.get("state", "")
            if current != pair.en:
                if target is None:
                    ns = etree.QName(segment).namespace
                    target = etree.Element(f"{{{ns}}}target" if ns else "target")
                    source.addnext(target)
                write_codes(target, keep_edges(old_en, join_paragraphs(pair.en)), pair.codes or codes, "en")
            if _status_20(state, current) != pair.status:
                self._set_state(segment, pair)
        return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
