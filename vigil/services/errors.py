"""The errors services raise for their callers to turn into messages and exit codes."""

from __future__ import annotations


class UsageError(ValueError):
    """Bad input from the user: an unknown market or class, a malformed date or hash."""


class NotFound(LookupError):
    """The record asked for is not in the index."""


class Unavailable(RuntimeError):
    """Something the command needs does not answer (a proxy, a browser): exit 1."""
