"""The shared test class for checks: each check only fills in its good and bad example tables."""

from __future__ import annotations

from app.checks.runner import check_document
from app.terminology.glossary import load_glossary_csv

GLOSSARY_CSV = """zh,en,variants,forbidden,case,kind,status
两个确立,Two Establishments,,two establishment,capitalised,term,approved
确立,establish,,,insensitive,term,approved
两个维护,Two Upholds,Two Safeguards,two maintenance,capitalised,term,approved
三个规定,Three Regulations,,,capitalised,term,approved
全国两会,the two sessions,,National Two Sessions,insensitive,term,approved
十四五规划,14th Five-Year Plan,,,capitalised,term,approved
高质效办好每一个案件,handling every case with high quality and efficiency,,,insensitive,term,approved
检察长,Procurator-General,,Procurator General,exact,term,approved
枫桥经验,Fengqiao Experience,Fengqiao model,Maple Bridge experience,capitalised,term,approved
信访,petitions,letters and visits,complaint reporting,insensitive,term,approved
旧词,old term,,,insensitive,term,deprecated
童建明,Tong Jianming,,Tongjianming,exact,name,approved
单霁翔,Shan Jixiang,,,exact,name,approved
"""


def make_glossary():
    return load_glossary_csv(GLOSSARY_CSV)


def as_doc(example):
    """(zh, en) of strings or of paragraph lists -> paragraph lists and 1-1 links."""
    zh, en = example[0], example[1]
    zh_paras = [zh] if isinstance(zh, str) else list(zh)
    en_paras = [en] if isinstance(en, str) else list(en)
    n = max(len(zh_paras), len(en_paras))
    links = [((i,) if i < len(zh_paras) else (), (i,) if i < len(en_paras) else ()) for i in range(n)]
    return zh_paras, en_paras, links


class CheckTestCase:
    """Subclasses set check_id and the tables; good examples give no finding, bad ones give some.

    A bad example is (zh, en) or (zh, en, expected) where expected is the en_text (or zh_text) of
    one of the findings.
    """

    check_id = ""
    good: list = []
    bad: list = []
    use_glossary = True

    def run(self, example):
        zh_paras, en_paras, links = as_doc(example)
        glossary = make_glossary() if self.use_glossary else []
        return check_document(zh_paras, en_paras, links, glossary, checks=[self.check_id])

    def test_good(self):
        for example in self.good:
            findings = self.run(example)
            assert findings == [], (example, [f.message for f in findings])

    def test_bad(self):
        assert self.bad, "every check needs failing examples"
        for example in self.bad:
            findings = self.run(example)
            assert findings, example
            assert all(f.check == self.check_id for f in findings)
            if len(example) > 2:
                texts = {f.en_text for f in findings} | {f.zh_text for f in findings}
                assert example[2] in texts, (example, [(f.en_text, f.zh_text, f.message) for f in findings])

    def test_findings_are_placed(self):
        for example in self.bad:
            zh_paras, en_paras, _ = as_doc(example)
            for f in self.run(example):
                assert f.severity in ("critical", "major", "minor", "info")
                assert f.key.startswith(self.check_id + ":")
                if f.en_span:
                    assert en_paras[f.en_index][f.en_span[0]:f.en_span[1]] == f.en_text
                if f.zh_span:
                    assert zh_paras[f.zh_index][f.zh_span[0]:f.zh_span[1]] == f.zh_text
