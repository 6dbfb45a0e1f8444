"""The one list of checks. Adding a check: write the class, add one line here, add a test table."""

from __future__ import annotations

from app.checks.base import Check
from app.checks.chars import (
    ConsistencySourceCheck,
    ConsistencyTargetCheck,
    DoubleSpaceCheck,
    EmptyCheck,
    LengthCheck,
    PunctuationCheck,
    RepeatedWordCheck,
    UntranslatedCheck,
)
from app.checks.consistency import ConsistencyNameCheck, ConsistencyTermCheck
from app.checks.names import NamesPinyinCheck
from app.checks.numbers import NumbersCheck
from app.checks.tags import TagCheck
from app.checks.terms import (
    NumberedFormulationCheck,
    TermDriftCheck,
    TermForbiddenCheck,
    TermFormCheck,
    TermMissingCheck,
)

CHECK_CLASSES: tuple[type[Check], ...] = (
    TermMissingCheck,
    TermForbiddenCheck,
    TermFormCheck,
    TermDriftCheck,
    ConsistencyTermCheck,
    ConsistencySourceCheck,
    ConsistencyTargetCheck,
    NamesPinyinCheck,
    ConsistencyNameCheck,
    NumberedFormulationCheck,
    NumbersCheck,
    TagCheck,
    UntranslatedCheck,
    PunctuationCheck,
    RepeatedWordCheck,
    DoubleSpaceCheck,
    LengthCheck,
    EmptyCheck,
)

CHECKS: dict[str, type[Check]] = {cls.check_id: cls for cls in CHECK_CLASSES}
