"""Errors every index backend raises, so that callers never need a backend's own types."""

from __future__ import annotations


class StoreError(Exception):
    """A read or write of the index or the evidence vault failed (disk full, read-only
    folder, a locked or corrupt database). A crawl that meets one stops: nothing it would
    write after it could be kept."""
