"""Glossary CSV: the documented columns, defaults, round trip, and precise errors."""

from __future__ import annotations

import pytest

from app.errors import InputError
from app.model import TermEntry
from app.terminology.glossary import dump_glossary_csv, load_glossary_csv


def test_minimal_file_takes_defaults():
    [e] = load_glossary_csv("zh,en\n最高检,Supreme People's Procuratorate\n")
    assert e == TermEntry(zh=("最高检",), en="Supreme People's Procuratorate")
    assert (e.case, e.kind, e.status) == ("insensitive", "term", "approved")


def test_lists_and_quoted_cells():
    text = ('zh,en,variants,forbidden,case,kind,status,domains,authority,note\n'
            '最高检|最高人民检察院,Supreme People\'s Procuratorate,SPP,Supreme Procuratorate|Supreme Inspection,'
            'capitalised,term,approved,judiciary|party,"SPP website, 2024",\n')
    [e] = load_glossary_csv(text)
    assert e.zh == ("最高检", "最高人民检察院")
    assert e.forbidden == ("Supreme Procuratorate", "Supreme Inspection")
    assert e.domains == ("judiciary", "party")
    assert e.authority == "SPP website, 2024"


def test_round_trip():
    entries = load_glossary_csv(
        'zh,en,variants,note\n两个维护,Two Upholds,Two Safeguards,"capitalised, plural"\n信访,petitions,,\n')
    assert load_glossary_csv(dump_glossary_csv(entries)) == entries


def test_bom_and_blank_lines(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes("\ufeffzh,en\n\n信访,petitions\n".encode())
    assert load_glossary_csv(path)[0].en == "petitions"
    assert load_glossary_csv(str(path))[0].zh == ("信访",)


@pytest.mark.parametrize("text,where", [
    ("", "empty"),
    ("zh\n信访\n", "missing required column 'en'"),
    ("zh,en,colour\n信访,petitions,red\n", "unknown column"),
    ("zh,en\n信访\n", "line 2"),
    ("zh,en\n信访,petitions\n,petitions\n", "line 3"),
    ("zh,en\npetitions,petitions\n", "no Chinese character"),
    ("zh,en,case\n信访,petitions,upper\n", "case 'upper'"),
    ("zh,en,status\n信访,petitions,maybe\n", "status"),
    ("zh,en\n信访,\n", "'en' cell is empty"),
    ('zh,en\n信访,"petitions\n', "line"),
])
def test_bad_files_name_line_and_reason(text, where):
    with pytest.raises(InputError) as exc:
        load_glossary_csv(text)
    assert where in str(exc.value)


def test_unreadable_file(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        load_glossary_csv(tmp_path / "missing.csv")
    bad = tmp_path / "latin.csv"
    bad.write_bytes("zh,en\n\xe9,x\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_glossary_csv(bad)


def test_formula_cells_are_guarded_and_read_back():
    from app.model import TermEntry
    from app.terminology.glossary import dump_glossary_csv, load_glossary_csv

    entry = TermEntry(zh=("双一流",), en="=Double First-Class", note="@see the 2017 list")
    text = dump_glossary_csv([entry])
    assert "'=Double First-Class" in text and "'@see" in text
    back = load_glossary_csv(text, name="g.csv")[0]
    assert back.en == entry.en and back.note == entry.note
