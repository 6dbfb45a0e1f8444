"""Job kinds: one registry, steps weighted into the job's progress, errors in one line."""

from __future__ import annotations

import pytest

from app import jobs
from app.errors import AppError, FormatError
from app.storage.jobs import one_line


def test_steps_are_weighted_into_the_whole_job():
    kind = jobs.get_kind("test.insert")
    assert kind.overall("aligning", 0) == 0
    assert kind.overall("aligning", 1) == pytest.approx(0.75)
    assert kind.overall("storing", 0.5) == pytest.approx(0.875)
    assert kind.overall("unknown", 0.5) is None
    assert kind.help.startswith("Compute for a while")


def test_equal_weights_when_steps_are_a_list():
    def work(session, job, progress):
        """Two steps."""

    jobs.register("test.two", work, steps=["encoding", "storing"])
    try:
        assert jobs.get_kind("test.two").overall("storing", 0.5) == pytest.approx(0.75)
    finally:
        jobs.unregister("test.two")


def test_a_name_is_registered_once():
    def other(session, job, progress):
        pass

    with pytest.raises(ValueError, match="already registered"):
        jobs.register("test.insert", other)
    with pytest.raises(AppError, match="unknown job kind"):
        jobs.get_kind("nothing")


def test_the_failure_message_is_one_line():
    assert jobs.describe(FormatError("bad XML\n  here", line=3)) == "bad XML here (line 3)"
    assert jobs.describe(KeyError("x")) == "KeyError: 'x'"
    assert jobs.describe(RuntimeError()) == "RuntimeError"
    assert len(one_line("x" * 2000)) == 500


def test_content_keys_separate_their_parts():
    assert jobs.content_key("ab", "c") != jobs.content_key("a", "bc")
    assert jobs.content_key(1, b"x") == jobs.content_key("1", "x")
    assert len(jobs.content_key("x")) == 64
