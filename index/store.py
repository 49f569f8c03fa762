"""The `Store` protocol: what the pipelines and the services need of an index backend.

The SQLite backend (`index.sqlite`) implements it now; the Elasticsearch backend will too, so
everything above this line is backend-agnostic. Backends raise `index.errors.StoreError` when
a read or write fails, and `index.records.MarketLocked` when a market's crawl lock is held.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol

from index.query import (
    FACETS,
    Facets,
    ListingQuery,
    PricePoint,
    SearchResult,
    SubstancePoint,
    TrendQuery,
)
from index.records import (
    CrawlRun,
    Evidence,
    EvidenceLink,
    Feedback,
    Listing,
    LockOwner,
    Observation,
    Vendor,
)
from index.versioning import Recorded

#: (sha256, role) of each page a record's fields came from.
Pages = Sequence[tuple[str, str]]


class Store(Protocol):
    # crawl runs and the one-crawl-per-market lock
    def acquire_lock(
        self, market: str, owner: LockOwner, now: datetime, stale_after: float
    ) -> list[int]:
        """Take the market's lock or raise `MarketLocked`; a dead holder's lock is taken over
        and its `running` runs marked `failed` (their ids are returned)."""
        ...

    def heartbeat(self, market: str, owner: LockOwner, now: datetime) -> None: ...
    def release_lock(self, market: str, owner: LockOwner) -> None: ...
    def start_run(self, run: CrawlRun, owner: LockOwner | None = None) -> CrawlRun: ...
    def finish_run(self, run: CrawlRun) -> None: ...
    def runs(self, market: str | None = None, limit: int = 20) -> list[CrawlRun]: ...
    def get_run(self, run_id: int) -> CrawlRun | None: ...
    def markets(self) -> list[str]: ...

    # listings and their history
    def get_listing(self, market: str, listing_id: str) -> Listing | None: ...
    def seen_in_run(self, run_id: int, market: str, listing_id: str) -> bool: ...
    def record_listing(self, listing: Listing, run_id: int, pages: Pages = ()) -> Recorded:
        """What a crawl calls for each listing it reads: compare with the stored state and
        write what changed (`index.versioning.plan`), marking it seen by run `run_id`."""
        ...

    def write_listing(
        self, listing: Listing, observation: Observation | None, run_id: int, pages: Pages = ()
    ) -> None:
        """Write a listing's state, (when something changed) one observation and the links to
        the pages it came from, atomically; mark it seen by run `run_id`."""
        ...

    def touch_listing(
        self, market: str, listing_id: str, seen_at: datetime, run_id: int, pages: Pages = ()
    ) -> None:
        """An unchanged listing seen again: move last_seen and mark it seen by the run."""
        ...

    def mark_removed(self, market: str, run_id: int, at: datetime, confirm_runs: int = 1) -> list[str]:
        """Mark every active listing of `market` not seen by run `run_id` as removed (only call
        for complete runs); returns their ids. With `confirm_runs` N > 1, only the listings
        that the N - 1 previous `ok` runs of the market missed too (N consecutive complete runs
        without it); until the market has had that many, nothing is removed."""
        ...

    def observations(self, market: str, listing_id: str) -> list[Observation]: ...
    def count_listings(self, market: str | None = None, status: str | None = None) -> int: ...
    def count_observations(self, market: str | None = None) -> int: ...
    def listings_of_vendor(self, market: str, alias: str, limit: int = 100) -> list[Listing]: ...

    # vendors and evidence
    def write_vendor(self, vendor: Vendor, pages: Pages = ()) -> None: ...
    def get_vendor(self, market: str, alias: str) -> Vendor | None: ...
    def vendors(self, market: str | None = None) -> list[Vendor]: ...
    def vendors_named(self, alias: str) -> list[Vendor]: ...
    def add_evidence(self, evidence: Evidence) -> bool:
        """Record a page's metadata; False when that hash was already known."""
        ...

    def write_feedback(self, records: Sequence[Feedback]) -> None:
        """Store feedback records; a record whose key is known is left as first stored."""
        ...

    def feedback(
        self, market: str, *, listing_id: str | None = None, vendor: str | None = None, limit: int = 100
    ) -> list[Feedback]:
        """A market's feedback (of one listing, or one vendor), newest first, undated last."""
        ...

    def count_feedback(
        self, market: str | None = None, *, listing_id: str | None = None, vendor: str | None = None
    ) -> int: ...

    def get_evidence(self, sha256: str) -> Evidence | None: ...
    def iter_evidence(self) -> Iterator[Evidence]: ...
    def evidence_links(self, sha256: str) -> list[EvidenceLink]: ...
    def links_of(self, record: str, market: str, key: str) -> list[EvidenceLink]: ...

    # search
    def search(self, query: ListingQuery) -> SearchResult: ...
    def substance_trend(self, query: TrendQuery) -> list[SubstancePoint]:
        """Listings and vendors per substance per period, ordered by period then substance."""
        ...

    def price_per_gram(self, query: TrendQuery) -> list[PricePoint]:
        """Median price per gram per substance and market per period, ordered by period,
        substance, market."""
        ...

    def facets(self, query: ListingQuery, fields: tuple[str, ...] = FACETS, size: int = 10) -> Facets:
        """How many listings matching `query` have each value of each field (`FACETS`), the
        `size` most frequent first, ties by value. ValueError for an unknown field."""
        ...

    # durability
    def flush(self) -> None:
        """Write out anything buffered and make it searchable."""
        ...

    def backlog(self) -> int:
        """Writes kept locally because the index could not take them yet (a cluster's spool);
        always 0 for an embedded index."""
        ...

    def close(self) -> None: ...
