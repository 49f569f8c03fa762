"""Opening the index for a service call: read-only unless the caller writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from index import open_store
from index.errors import StoreError
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


def active_listings(settings: Settings, markets: list[str]) -> dict[str, int]:
    """Active listings per market; empty when there is no index or it cannot be read (a
    summary must still print after a crawl into the spool)."""
    try:
        with reading(settings) as store:
            return {market: store.count_listings(market, "active") for market in markets}
    except (NotFound, StoreError):
        return {}


def describe(settings: Settings) -> str:
    """Where the index is, for people (never with credentials)."""
    if settings.store == "sqlite":
        return str(settings.data_dir)
    cluster = settings.cluster
    hosts = ", ".join(_without_credentials(h) for h in cluster.hosts)
    return f"{cluster.product} at {hosts} (indices {cluster.index_prefix}-*)"


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
