"""Paragraph splitting: every non-blank line is a paragraph."""

from __future__ import annotations


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_paragraphs(text: str) -> list[str]:
    """Split on line breaks; blank lines separate, single-newline lines are paragraphs too.

    Leading and trailing whitespace (including the ideographic indent) is dropped;
    inner spaces are kept as written.
    """
    return [line.strip() for line in normalise_newlines(text).split("\n") if line.strip()]
