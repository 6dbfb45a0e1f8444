"""The glossary formats under the same contract as every other format."""

from __future__ import annotations

from app.errors import InputError
from tests.formats.contract import FormatContract


class TestGlossaryCsv(FormatContract):
    name = "glossary-csv"
    refusal = InputError


class TestTbx2008(FormatContract):
    name = "tbx"


class TestTbx3(FormatContract):
    name = "tbx3"
