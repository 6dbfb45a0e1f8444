"""Every registered format runs the contract: adding a format without its test class fails here."""

from __future__ import annotations

from app.formats.registry import FORMATS
from tests.formats import test_bitext_formats, test_glossary_contract  # noqa: F401 - define the subclasses
from tests.formats.contract import FormatContract


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_registered_format_has_a_contract_test():
    assert set(FORMATS) <= {sub.name for sub in _subclasses(FormatContract)}


def test_extensions_are_unique_within_a_kind_except_tbx():
    seen: dict[tuple[str, str], str] = {}
    for name, cls in FORMATS.items():
        for ext in cls.extensions:
            other = seen.setdefault((cls.kind, ext), name)
            assert other == name or {other, name} == {"tbx", "tbx3"}, (ext, other, name)
