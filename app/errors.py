"""One error family for the whole application.

The engine raises these; the web maps them to 4xx pages and the CLI to a
one-line message with exit code 2.
"""

from __future__ import annotations


class AppError(Exception):
    """Base of every error a user can cause; carries an HTTP status."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(AppError):
    """Bad input: wrong encoding, binary, empty, oversized, malformed."""


class FormatError(InputError):
    """A file of a known format that cannot be parsed; line and column where known."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None):
        where = ""
        if line is not None:
            where = f" (line {line}" + (f", column {col}" if col is not None else "") + ")"
        super().__init__(message + where)
        self.line = line
        self.col = col


class TooLarge(InputError):
    """A file (or a request) over the size limit."""

    status = 413


class NotFound(AppError):
    """A project, document, link or user that does not exist."""

    status = 404


class Forbidden(AppError):
    """The current user's role does not allow the action."""

    status = 403


class Conflict(AppError):
    """A write based on a stale version; carries the newer state."""

    status = 409

    def __init__(self, message: str, current=None):
        super().__init__(message)
        self.current = current
