"""`duizhao check ZH EN [--glossary FILE ...] [--format ...] [--fail-on ...]` without a database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import cli

ROOT = Path(__file__).resolve().parents[2]
ZH = str(ROOT / "corpus" / "demo" / "zh.txt")
EN = str(ROOT / "corpus" / "demo" / "en.txt")
GLOSSARY = str(ROOT / "glossary" / "spp-2024.csv")


def run(*args):
    return CliRunner().invoke(cli, ["check", *args])


def test_json_output_on_the_demo():
    result = run(ZH, EN, "--glossary", GLOSSARY, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    required = {"check", "severity", "zh_index", "en_index", "zh_text", "en_text", "message"}
    assert data and all(required <= set(d) for d in data)
    assert any(d["check"] == "names.pinyin" and d["en_text"] == "Tongjianming" for d in data)


def test_csv_and_text_output():
    rows = list(csv.DictReader(io.StringIO(run(ZH, EN, "--glossary", GLOSSARY, "--format", "csv").output)))
    assert any(r["en_text"] == "Maple Bridge experience" for r in rows)
    text = run(ZH, EN, "--glossary", GLOSSARY).output
    assert "term.forbidden" in text and "finding(s)" in text


@pytest.mark.parametrize("fail_on,code", [("major", 1), ("critical", 0)])
def test_fail_on(fail_on, code):
    assert run(ZH, EN, "--glossary", GLOSSARY, "--fail-on", fail_on).exit_code == code


def test_bad_input_exits_2(tmp_path):
    assert run(ZH, str(tmp_path / "missing.txt")).exit_code == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("zh,en\n信访\n", encoding="utf-8")
    result = run(ZH, EN, "--glossary", str(bad))
    assert result.exit_code == 2
    assert "line 2" in result.output
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    assert run(str(empty), EN).exit_code == 2


def test_gb18030_input(tmp_path):
    zh = tmp_path / "zh.txt"
    zh.write_bytes(Path(ZH).read_text(encoding="utf-8").encode("gb18030"))
    result = run(str(zh), EN, "--glossary", GLOSSARY, "--format", "json")
    assert result.exit_code == 0
    assert any(d["en_text"] == "two maintenance" for d in json.loads(result.output))


def test_without_a_glossary_the_demo_drift_is_reported():
    """Issue 15's done-when: no glossary, and still the drifting terms and the run-together name."""
    data = json.loads(run(ZH, EN, "--format", "json").output)
    drift = {d["extra"]["term"]: d for d in data if d["check"] == "consistency.term"}
    assert {"全国两会", "信访", "党组"} <= set(drift)
    assert {"Party Leadership Group", "Party Group"} <= {r["text"] for r in drift["党组"]["extra"]["renderings"]}
    assert len(drift["全国两会"]["extra"]["renderings"]) >= 3
    assert any(d["check"] == "names.pinyin" and d["en_text"] == "Tongjianming" for d in data)


def test_the_seed_files_without_a_glossary():
    seed = Path("/work/shared/seed")
    if not seed.exists():
        pytest.skip("the shared seed is not on this machine")
    data = json.loads(run(str(seed / "zh-source.txt"), str(seed / "000_a09e699c147a1733.txt"),
                          "--format", "json").output)
    terms = {d["extra"]["term"] for d in data if d["check"] == "consistency.term"}
    assert {"全国两会", "信访", "党组"} <= terms
