"""Round trips of real bilingual files written by CAT tools (tests/fixtures/real/, sources in its README).

For each file: read it, edit every target (a word appended to the English; an empty target gets the source
with its codes and the word, as a reviewer copying the source's tokens would), write it back over the file,
and check that the units are the same and in the same order, every target keeps its inline codes with their
attributes (and gets the source's when it was empty), the segmentation marks and the foreign namespaces are
kept, the English reads back as edited, and lxml and translate-toolkit parse the export. Files in other
language pairs are relabelled zh-CN → en-US first.

``python -m tests.formats.test_real_files`` prints the tally: files read / refused / crashed and the share of
inline codes kept after editing every target.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from app.errors import FormatError
from app.formats.registry import by_name
from app.model import plain_text

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
FILES = sorted(p for p in REAL.iterdir() if p.suffix in (".xlf", ".xliff", ".sdlxliff", ".mqxliff", ".tmx"))
INLINE = {"g", "x", "bx", "ex", "ph", "bpt", "ept", "it", "ut", "hi", "sub", "mrk", "pc", "sc", "ec", "sm", "em",
          "cp"}
WORD = "checked"


def relabel(data: bytes, tmx: bool) -> bytes:
    """The file's source language becomes zh-CN and its target language en-US, wherever they are named."""
    if tmx:
        src = re.search(rb'srclang="([^"]*)"', data).group(1)
        data = re.sub(rb'srclang="[^"]*"', b'srclang="zh-CN"', data)
        return re.sub(rb'xml:lang="([^"]*)"',
                      lambda m: b'xml:lang="zh-CN"' if m.group(1).lower() == src.lower() else b'xml:lang="en-US"', data)
    src = re.search(rb'(?:source-language|srcLang)="([^"]*)"', data)
    tgt = re.search(rb'(?:target-language|trgLang|tgtLang)="([^"]*)"', data)
    data = re.sub(rb'(source-language|srcLang)="[^"]*"', rb'\1="zh-CN"', data)
    data = re.sub(rb'(target-language|trgLang|tgtLang)="[^"]*"', rb'\1="en-US"', data)
    for found, new in ((src, b"zh-CN"), (tgt, b"en-US")):
        if found:
            data = data.replace(b'xml:lang="' + found.group(1) + b'"', b'xml:lang="' + new + b'"')
    return data


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _codes(el) -> list[tuple]:
    """The inline elements under ``el`` in document order: name, attributes, native-code text."""
    if el is None:
        return []
    return [(etree.QName(c).text, tuple(sorted(c.attrib.items())), (c.text or "") if _local(c) not in (
        "g", "pc", "mrk", "hi") else "") for c in el.iter() if c is not el and _local(c) in INLINE]


def _units(root, tmx: bool):
    """(unit id, source element, target elements) in document order."""
    if tmx:
        out = []
        for number, tu in enumerate(root.iter("tu")):
            segs = [tuv.find("seg") for tuv in tu.iter("tuv")]
            out.append((tu.get("tuid") or str(number), segs[0], segs[1:]))
        return out
    out = []
    for unit in root.iter():
        if _local(unit) == "trans-unit":
            out.append((unit.get("id"), _child(unit, "seg-source") if _child(unit, "seg-source") is not None
                        else _child(unit, "source"), [_child(unit, "target")]))
        elif _local(unit) == "segment":
            out.append((unit.getparent().get("id") + "#" + (unit.get("id") or ""), _child(unit, "source"),
                        [_child(unit, "target")]))
    return out


def _child(el, name):
    return next((c for c in el if _local(c) == name), None)


def _namespaces(root) -> set[str]:
    return {etree.QName(el).namespace for el in root.iter() if isinstance(el.tag, str)} | {
        etree.QName(a).namespace for el in root.iter() if isinstance(el.tag, str) for a in el.attrib} - {None}


def edit(bitext):
    """Every target edited: a word appended, or the source (codes included) and the word when it was empty."""
    pairs = []
    for pair in bitext.pairs:
        en = pair.en or pair.zh
        pairs.append(replace(pair, en=(*en[:-1], f"{en[-1]} {WORD}")))
    return replace(bitext, pairs=tuple(pairs))


def round_trip(path: Path):
    """(template, output, bitext read, edited bitext, re-read bitext) of one fixture."""
    tmx = path.suffix == ".tmx"
    fmt = by_name("tmx" if tmx else "xliff")
    data = relabel(path.read_bytes(), tmx)
    bitext = fmt.read(data, path.name)
    edited = edit(bitext)
    out = fmt.write(replace(edited, template=data, name=path.name))
    return data, out, bitext, edited, fmt.read(out, path.name)


def _has_text(el) -> bool:
    """Text of the segment itself (not the native code inside bpt, ph…)."""
    parts = [el.text or ""]
    for c in el:
        if _local(c) in ("g", "pc", "mrk", "hi"):
            parts.append("x" if _has_text(c) else "")
        parts.append(c.tail or "")
    return bool("".join(parts).strip())


def _empty(el) -> bool:
    return el is None or not ((el.text or "").strip() or len(el))


def expected_codes(data: bytes, tmx: bool) -> list[list[tuple]]:
    """Per unit, the inline codes its targets must have after the edit: their own, or, for an empty target (or
    empty segment mark) whose source has text, the source's (the edit copies the source into it)."""
    import copy

    root = etree.fromstring(data)
    out = []
    for _, source, targets in _units(root, tmx):
        for target in targets:
            if _empty(target):
                out.append(_codes(source) if source is not None and _has_text(source) else _codes(target))
                continue
            target = copy.deepcopy(target)
            source_marks = {m.get("mid"): m for m in source.iter() if _local(m) == "mrk" and m.get("mtype") == "seg"}
            for mark in [m for m in target.iter() if _local(m) == "mrk" and m.get("mtype") == "seg"]:
                src = source_marks.get(mark.get("mid"))
                if _empty(mark) and src is not None and _has_text(src):
                    mark[:] = [copy.deepcopy(c) for c in src]
            out.append(_codes(target))
    return out


def tally_files(run, codes, refused=FormatError, on_error=lambda: None) -> dict:
    """Files read / refused / crashed and inline codes kept over every fixture. ``run(path)`` gives the file's
    bytes and the exported bytes; ``codes(data, out, tmx)`` the codes expected and the codes got, per target;
    ``on_error()`` runs after a refused or crashed file."""
    result = {"read": 0, "refused": 0, "crashed": 0, "codes": 0, "kept": 0, "rows": []}
    for path in FILES:
        tmx = path.suffix == ".tmx"
        try:
            data, out = run(path)
        except refused as exc:
            on_error()
            result["refused"] += 1
            result["rows"].append((path.name, "refused", str(exc), 0, 0))
            continue
        except Exception as exc:  # noqa: BLE001 - counted, the tests fail on it
            on_error()
            result["crashed"] += 1
            result["rows"].append((path.name, "crashed", repr(exc), 0, 0))
            continue
        want, got = codes(data, out, tmx)
        total = sum(len(w) for w in want)
        kept = sum(sum(1 for c in w if c in g) for w, g in zip(want, got, strict=False))
        result["read"] += 1
        result["codes"] += total
        result["kept"] += kept
        result["rows"].append((path.name, "read", "", total, kept))
    return result


def tally() -> dict:
    """Files read / refused / crashed and inline codes kept over every fixture."""
    return tally_files(lambda path: round_trip(path)[:2], lambda data, out, tmx: (
        expected_codes(data, tmx), [_codes(t) for _, _, targets in _units(etree.fromstring(out), tmx) for t in targets]))


def format_tally(result: dict, heading: str = "") -> str:
    lines = [f"{'file':40} {'result':8} {'codes':>6} {'kept':>6}"]
    for name, status, note, total, kept in result["rows"]:
        lines.append(f"{name:40} {status:8} {total:6} {kept:6} {note}")
    lines.append(f"{heading}files read {result['read']}, refused {result['refused']}, crashed {result['crashed']}; "
                 f"inline codes kept after editing every target: {result['kept']} of {result['codes']}")
    return "\n".join(lines)




def test_there_are_real_files_of_every_kind():
    kinds = {p.suffix for p in FILES}
    assert {".sdlxliff", ".mqxliff", ".xlf", ".tmx"} <= kinds
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    for path in FILES:
        assert path.name in readme, f"{path.name} is not described in tests/fixtures/real/README.md"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_round_trip_keeps_units_codes_marks_and_namespaces(path):
    tmx = path.suffix == ".tmx"
    data, out, bitext, edited, again = round_trip(path)
    before, after = etree.fromstring(data), etree.fromstring(out)  # the export parses with lxml
    assert [u[0] for u in _units(after, tmx)] == [u[0] for u in _units(before, tmx)]  # same units, same order
    assert expected_codes(data, tmx) == [_codes(t) for _, _, ts in _units(after, tmx) for t in ts]
    # the source side is untouched
    assert [_codes(s) for _, s, _ in _units(after, tmx)] == [_codes(s) for _, s, _ in _units(before, tmx)]
    def marks(root):  # per unit: the mids of its seg-source and of its target
        out = []
        for unit in (u for u in root.iter() if _local(u) == "trans-unit"):
            sides = [_child(unit, "seg-source"), _child(unit, "target")]
            out.append([[m.get("mid") for m in el.iter() if _local(m) == "mrk" and m.get("mtype") == "seg"]
                        if el is not None else None for el in sides])
        return out

    for (src_before, tgt_before), (src_after, tgt_after) in zip(marks(before), marks(after), strict=True):
        assert src_after == src_before
        assert tgt_after == (src_before if src_before else tgt_before) or tgt_after == tgt_before
    assert _namespaces(before) <= _namespaces(after)
    assert [etree.tostring(c) for c in before.iter(etree.Comment, etree.ProcessingInstruction)] == [
        etree.tostring(c) for c in after.iter(etree.Comment, etree.ProcessingInstruction)]
    assert [(p.unit_id, tuple(map(plain_text, p.en))) for p in again.pairs] == [
        (p.unit_id, tuple(map(plain_text, p.en))) for p in edited.pairs]
    assert [p.codes for p in again.pairs if p.en] and all(
        {c.n for c in p.codes} >= {c.n for c in q.codes} for p, q in zip(again.pairs, bitext.pairs, strict=True))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_translate_toolkit_reads_the_export(path):
    from translate.storage import tmx, xliff, xliff2

    _, out, _, edited, _ = round_trip(path)
    if path.suffix == ".tmx":
        store = tmx.tmxfile.parsestring(out)
    elif b"xliff:document:2.0" in out:
        store = xliff2.Xliff2File.parsestring(out)
    else:
        store = xliff.xlifffile.parsestring(out)
    targets = [u.target or "" for u in store.units]
    assert sum(WORD in str(t) for t in targets) >= 1


def test_every_code_is_kept():
    result = tally()
    print("\n" + format_tally(result))
    assert result["crashed"] == 0 and result["refused"] == 0
    assert result["codes"] > 0 and result["kept"] == result["codes"], format_tally(result)


if __name__ == "__main__":
    print(format_tally(tally()))
