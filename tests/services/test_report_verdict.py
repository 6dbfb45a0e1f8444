"""The one pass rule (services/report.verdict): PASS needs a score within its threshold and no open major or
critical finding; the counts by severity travel with it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.model import Severity
from app.services.report import Score, verdict


def _score(per_thousand: float, threshold: float = 10.0) -> Score:
    return Score(penalty=per_thousand, source_chars=1000, per_thousand=per_thousand, threshold=threshold,
                 passed=per_thousand <= threshold)


def _found(*severities: str):
    return [SimpleNamespace(severity=Severity(s)) for s in severities]


@pytest.mark.parametrize("per_thousand, severities, passed, reasons", [
    (0.0, (), True, []),
    (0.0, ("minor", "minor", "info"), True, []),
    (0.0, ("major",) * 65 + ("minor",), False, ["65 major findings open"]),
    (0.0, ("critical", "major"), False, ["1 critical finding open", "1 major finding open"]),
    (12.5, ("minor",), False, ["score 12.5 over the threshold 10.0"]),
    (10.0, (), True, []),  # at the threshold still passes, as the score always did
])
def test_pass_rule(per_thousand, severities, passed, reasons):
    result = verdict(_score(per_thousand), _found(*severities))
    assert result.passed is passed and result.label == ("PASS" if passed else "FAIL")
    assert result.reasons == reasons


def test_counts_by_severity_most_severe_first():
    result = verdict(_score(0.0), _found("minor", "major", "major", "info"))
    assert result.open == {"critical": 0, "major": 2, "minor": 1, "info": 1}
    assert [(s, n) for s, _icon, n in result.counts] == [("critical", 0), ("major", 2), ("minor", 1), ("info", 1)]
    assert all(icon for _s, icon, _n in result.counts)  # every count has an icon beside its word
    quiet = verdict(_score(0.0), _found("minor"))
    assert [s for s, _i, _n in quiet.counts] == ["critical", "major", "minor"]  # info only when there is some
