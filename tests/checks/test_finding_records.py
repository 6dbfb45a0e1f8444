"""Findings survive their record (the stored check runs' form): every field, tuples as tuples."""

from __future__ import annotations

import json

import pytest

from app.checks.base import Finding, dump_findings, load_findings
from app.checks.registry import CHECKS
from app.checks.runner import check_document
from app.model import Issue, Severity
from app.terminology.glossary import load_glossary_csv
from tests.checks.test_demo_findings import DEMO, ROOT, _read_links


@pytest.fixture(scope="module")
def demo_findings():
    zh = [line for line in (DEMO / "zh.txt").read_text(encoding="utf-8").split("\n") if line.strip()]
    en = [line for line in (DEMO / "en.txt").read_text(encoding="utf-8").split("\n") if line.strip()]
    links = _read_links(DEMO / "gold.align")
    glossary = load_glossary_csv(ROOT / "glossary" / "spp-2024.csv")
    return check_document(zh, en, links, glossary, rows=list(range(1, len(links) + 1)))


def _same(a: Finding, b: Finding) -> bool:
    # repr shows every field (key, row and extra too, which equality leaves out) and the types of their values
    return a == b and repr(a) == repr(b) and a.key == b.key and a.row == b.row and a.extra == b.extra


@pytest.mark.parametrize("check", list(CHECKS))
def test_every_checks_findings_round_trip(demo_findings, check):
    found = [f for f in demo_findings if f.check == check]
    back = load_findings(dump_findings(found))
    assert len(back) == len(found)
    assert all(_same(a, b) for a, b in zip(found, back, strict=True))


def test_the_demo_has_findings_with_extras_and_rows(demo_findings):
    # the round trip above is only worth something if the demo's findings carry what it must keep
    assert len({f.check for f in demo_findings}) >= 8
    assert any(f.row is not None for f in demo_findings)
    assert any(isinstance(v, tuple | list) for f in demo_findings for v in f.extra.values())


def test_tuples_odd_keys_and_nesting_round_trip():
    extra = {"places": ((1, 2), (3,)), "list": [1, (2, 3)], "by_int": {1: "a", (2, 3): ["b"]}, "none": None,
             "nested": {"\x00tuple": 1}, "f": 0.1}
    f = Finding(Issue("x.y", Severity.MAJOR, "m", (0, 2), None, "s", extra), ((0,), (1, 2)), 0, 1, "中", "en",
                key="x.y:abc", row=7)
    (back,) = load_findings(dump_findings([f]))
    assert _same(f, back)
    assert back.extra["places"] == ((1, 2), (3,)) and isinstance(back.extra["list"][1], tuple)
    assert back.link == ((0,), (1, 2)) and back.zh_span == (0, 2) and back.severity is Severity.MAJOR


def test_what_a_record_cannot_keep_is_an_error():
    f = Finding(Issue("x.y", Severity.MINOR, "m", extra={"s": {1, 2}}), ((0,), (0,)), 0, 0)
    with pytest.raises(TypeError):
        dump_findings([f])


def test_a_record_round_trips_alone(demo_findings):
    f = next(f for f in demo_findings if f.extra and f.zh_span)
    assert _same(Finding.from_record(json.loads(json.dumps(f.as_record()))), f)


def test_a_dump_keeps_repeated_values_once(demo_findings):
    dump = json.loads(dump_findings(demo_findings * 3))
    assert len(dump["findings"]) == 3 * len(demo_findings)
    assert len(dump["values"]) < 10 * len(demo_findings)  # ten shared fields a finding, each distinct value once
    assert len(json.dumps(dump["values"])) < len(dump_findings(demo_findings)) + 1000


@pytest.mark.parametrize("data", [b"", b"{}", b"[{}]", b"\xff", json.dumps([{"check": "a"}]).encode(),
                                  b'{"values": [], "findings": [[0]]}',
                                  b'{"values": ["a"], "findings": [[0,0,0,0,0,0,0,0,0,0,0,0,0,0]]}',
                                  b'{"values": [], "findings": [[0,0,0,0,0,0,0,0,0,0,0,0,0,0]]}'])
def test_a_broken_dump_is_an_error(data):
    with pytest.raises((ValueError, KeyError, IndexError, TypeError)):
        load_findings(data)
