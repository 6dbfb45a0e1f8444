"""Paragraph splitting: every non-blank line is a paragraph."""

from __future__ import annotations


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_paragraphs(text: str) -> list[str]:
    """Every non-blank line of ``text``, trailing whitespace stripped, inner spaces kept."""
    out = []
    for line in normalise_newlines(text).split("\n"):
        line = line.rstrip()
        if line.strip():
            out.append(line)
    return out
