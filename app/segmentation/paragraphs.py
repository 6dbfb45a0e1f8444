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
    return [p for _, p in numbered_paragraphs(text)]


def numbered_paragraphs(text: str) -> list[tuple[int, str]]:
    """``split_paragraphs`` with the 1-based line number each paragraph starts on."""
    return [(n, line.strip()) for n, line in enumerate(normalise_newlines(text).split("\n"), 1) if line.strip()]
