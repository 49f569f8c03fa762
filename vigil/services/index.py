"""Opening the index for a service call: read-only unless the caller writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from index import open_store
from index.store import Store
from vigil.services.errors import NotFound
from vigil.settings import Settings


@contextmanager
def reading(settings: Settings) -> Iterator[Store]:
    """The index, read-only, closed after use; NotFound when nothing was indexed yet."""
    try:
        store = open_store(settings, readonly=True)
    except FileNotFoundError:
        raise NotFound(f"no index in {settings.data_dir}: crawl something first") from None
    try:
        yield store
    finally:
        store.close()
