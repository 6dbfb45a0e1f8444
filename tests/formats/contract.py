"""The contract every registered format inherits (as translate-toolkit's test_base does).

A format's test class sets ``name`` (the registered name) and inherits: write→read round trip, refusal of
garbage and of empty input with a FormatError naming the file, and a hypothesis fuzz of the reader
(random bytes and byte-level mutations of a valid file) that may only ever raise FormatError.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import FormatError
from app.formats.registry import by_name
from app.model import Bitext, BitextPair, TermEntry, TextDocument

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WHEN = datetime(2026, 11, 30, 8, 15, 0, tzinfo=UTC)

SAMPLE_DOCUMENT = TextDocument(
    ("最高人民检察院工作报告", "Report on the Work of the Supreme People's Procuratorate",
     "Numbers 1,234 & <tags> \"quoted\" 'single' — dash", "=SUM(A1) starts like a formula"),
    name="sample",
)
SAMPLE_BITEXT = Bitext((
    BitextPair(zh=("最高人民检察院工作报告",), en=("Report on the Work of the Supreme People's Procuratorate",),
               status="approved", note="title checked", author="tom", reviewer="rita", created=WHEN, changed=WHEN,
               unit_id="1"),
    BitextPair(zh=("第一段。", "第二段。"), en=("Paragraphs one and two, joined.",), status="reviewed", unit_id="2"),
    BitextPair(zh=("只有中文。",), en=(), status="untranslated", unit_id="3"),
    BitextPair(zh=("被拒绝的译文。",), en=("A rejected <rendering> & \"more\".",), status="rejected",
               note="wrong term\n\nsecond note", unit_id="4"),
    BitextPair(zh=("公式",), en=("=1+1 is not a formula", "@ neither"), status="translated", unit_id="5"),
), name="sample")


SAMPLE_GLOSSARY = [
    TermEntry(zh=("最高人民检察院", "最高检"), en="Supreme People's Procuratorate", variants=("SPP",),
              forbidden=("Supreme Procuratorate",), note="institution", status="approved", domains=("law",)),
    TermEntry(zh=("童建明",), en="Tong Jianming", kind="name", case="exact"),
    TermEntry(zh=("枫桥经验",), en="Fengqiao Experience", status="proposed", authority="Xinhua 2023"),
]


class FormatContract:
    name: str
    # What a bad file raises. Formats written for issue 6 raise FormatError; plain text and the glossary
    # CSV predate it and raise its parent InputError (both are a 400 in the web and exit 2 in the CLI).
    refusal: type[Exception] = FormatError

    @property
    def fmt(self):
        return by_name(self.name)

    def sample(self):
        return {"bitext": SAMPLE_BITEXT, "glossary": SAMPLE_GLOSSARY}.get(self.fmt.kind, SAMPLE_DOCUMENT)

    def essentials(self, obj):
        """What a round trip must keep."""
        if isinstance(obj, Bitext):
            return [(p.zh, p.en, p.status, p.note) for p in obj.pairs]
        if isinstance(obj, list):
            return obj
        return obj.paragraphs

    def test_registered_once_under_its_extensions(self):
        assert list(by_name(self.name).extensions)
        from app.formats.registry import for_filename

        found = for_filename("x" + self.fmt.extensions[0], self.fmt.kind)
        assert found.name == self.name or self.fmt.extensions[0] in found.extensions  # a shared extension

    def test_round_trip(self):
        data = self.fmt.write(self.sample())
        assert isinstance(data, bytes)
        again = self.fmt.read(data, "round" + self.fmt.extensions[0])
        assert self.essentials(again) == self.essentials(self.sample())
        assert self.fmt.write(again) == data or self.essentials(self.fmt.read(self.fmt.write(again), "x")) == \
            self.essentials(again)

    def test_empty_file_is_refused_naming_it(self):
        with pytest.raises(self.refusal, match="empty.file"):
            self.fmt.read(b"", "empty.file")

    def test_garbage_is_refused_naming_it(self):
        with pytest.raises(self.refusal, match="garbage.file"):
            self.fmt.read(b"\x00\x01\x02\xff\xfe garbage \x00" * 20, "garbage.file")

    def __init_subclass__(cls, **kwargs):
        """Each format gets its own fuzz tests (hypothesis wants one executor per test function)."""
        super().__init_subclass__(**kwargs)
        if "test_fuzz_random_bytes" not in cls.__dict__:
            cls.test_fuzz_random_bytes = _fuzz_random_bytes()
        if "test_fuzz_mutated_file" not in cls.__dict__:
            cls.test_fuzz_mutated_file = _fuzz_mutated_file()

    _cache: dict = {}

    def _valid(self) -> bytes:
        if self.name not in self._cache:
            self._cache[self.name] = self.fmt.write(self.sample())
        return self._cache[self.name]


def _fuzz_random_bytes():
    @FUZZ
    @given(data=st.binary(max_size=400))
    def test(self, data):
        try:
            self.fmt.read(data, "fuzz")
        except self.refusal:
            pass

    return test


def _fuzz_mutated_file():
    @FUZZ
    @given(st.data())
    def test(self, data):
        valid = bytearray(self._valid())
        for _ in range(data.draw(st.integers(1, 8))):
            pos = data.draw(st.integers(0, len(valid) - 1))
            op = data.draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
            if op == "flip":
                valid[pos] = data.draw(st.integers(0, 255))
            elif op == "delete":
                del valid[pos: pos + data.draw(st.integers(1, 40))]
            elif op == "insert":
                valid[pos:pos] = data.draw(st.binary(min_size=1, max_size=20))
            else:
                del valid[pos:]
            if not valid:
                break
        try:
            self.fmt.read(bytes(valid), "fuzz")
        except self.refusal:
            pass

    return test
