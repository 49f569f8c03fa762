"""The query model shared by every backend: what investigators filter and sort on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal, get_args

from index.records import Listing

SortKey = Literal[
    "relevance", "price", "-price", "last_seen", "-last_seen", "first_seen", "-first_seen"
]
SORT_KEYS: tuple[str, ...] = get_args(SortKey)


@dataclass(frozen=True)
class ListingQuery:
    """A search over listings. Empty fields do not filter.

    `text` matches title and description (full-text); `substances` are canonical names, any of
    which may match (the caller resolves aliases such as `Ketamin` to `ketamine`), ORed with the
    text match. `since`/`until` filter on last seen; prices are in EUR.
    """

    text: str = ""
    substances: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()
    vendors: tuple[str, ...] = ()
    ships_from: tuple[str, ...] = ()
    ships_to: tuple[str, ...] = ()
    price_min_eur: Decimal | None = None
    price_max_eur: Decimal | None = None
    since: datetime | None = None
    until: datetime | None = None
    first_seen_since: datetime | None = None
    status: Literal["active", "removed", "any"] = "any"
    sort: SortKey = "relevance"
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class ListingHit:
    """A listing that matched, with its relevance score (higher is better)."""

    listing: Listing
    score: float = 0.0


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[ListingHit] = field(default_factory=list)
