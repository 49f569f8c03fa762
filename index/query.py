"""The query model shared by every backend: what investigators filter and sort on."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, get_args

from index.records import Listing

SortKey = Literal["relevance", "price", "-price", "last_seen", "-last_seen", "first_seen", "-first_seen"]
SORT_KEYS: tuple[str, ...] = get_args(SortKey)


@dataclass(frozen=True)
class ListingQuery:
    """A search over listings. Empty fields do not filter.

    `text` matches title and description (full-text); `substances` are canonical names, any of
    which may match (the caller resolves aliases such as `Ketamin` to `ketamine`), ORed with the
    text match. `since`/`until` filter on last seen; prices are in EUR. `carriers` are shipping
    method names (`DHL`, `InPost`, any case) and `shipping_kinds` their kinds (`parcel_locker`,
    `dead_drop`, `supplier`…) from the extraction's `shipping_methods`; any of each may match.

    Deep paging: `after` is the `next_after` cursor of the previous page (then `offset` is
    ignored). A cursor is opaque and belongs to the backend and the sort that made it.
    """

    text: str = ""
    substances: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()
    vendors: tuple[str, ...] = ()
    ships_from: tuple[str, ...] = ()
    ships_to: tuple[str, ...] = ()
    carriers: tuple[str, ...] = ()
    shipping_kinds: tuple[str, ...] = ()
    price_min_eur: Decimal | None = None
    price_max_eur: Decimal | None = None
    # the extraction's price per gram (EUR), where it worked one out: listings without one never match
    price_per_gram_min_eur: Decimal | None = None
    price_per_gram_max_eur: Decimal | None = None
    since: datetime | None = None
    until: datetime | None = None
    first_seen_since: datetime | None = None
    status: Literal["active", "removed", "any"] = "any"
    sort: SortKey = "relevance"
    limit: int = 20
    offset: int = 0
    after: str = ""


@dataclass(frozen=True)
class ListingHit:
    """A listing that matched, with its relevance score (higher is better)."""

    listing: Listing
    score: float = 0.0


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[ListingHit] = field(default_factory=list)
    #: The cursor of the page after this one (None on the last page).
    next_after: str | None = None


#: What a search can be counted by: facet name -> its values' counts, most frequent first.
FACETS: tuple[str, ...] = ("substance", "class", "market", "vendor", "ships_from", "ships_to", "shipping")
Facets = dict[str, list[tuple[str, int]]]


def encode_cursor(values: list[Any]) -> str:
    """Sort values of a page's last hit as a URL-safe token."""
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, length: int) -> list[Any]:
    """The sort values in a cursor; ValueError when it is not one of ours for this sort."""
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, TypeError):
        raise ValueError("invalid paging cursor (use the next_after of the previous page)") from None
    if not isinstance(values, list) or len(values) != length:
        raise ValueError("paging cursor does not fit this search's sort")
    if not all(v is None or isinstance(v, (str, int, float)) for v in values):
        raise ValueError("invalid paging cursor")
    return values


def sort_facets(counts: dict[str, int], size: int) -> list[tuple[str, int]]:
    """Most frequent first, ties by value: the order every backend returns."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:size]


Interval = Literal["day", "week", "all"]
INTERVALS: tuple[str, ...] = get_args(Interval)


@dataclass(frozen=True)
class TrendQuery:
    """Trends over the sightings (every listing every run saw): a period is a UTC day, an ISO
    week (from Monday) or `all` of [since, until]. Empty fields do not filter."""

    since: datetime | None = None
    until: datetime | None = None
    markets: tuple[str, ...] = ()
    substances: tuple[str, ...] = ()
    interval: Interval = "day"


@dataclass(frozen=True)
class SubstancePoint:
    """How many distinct listings, and distinct vendor aliases, offered a substance in a period."""

    period: date | None  # None for interval "all"
    substance: str
    listings: int
    vendors: int


@dataclass(frozen=True)
class PricePoint:
    """The median price per gram (EUR) of a substance on a market in a period, over the
    sightings that had one (a cluster estimates it with t-digest: exact for small groups)."""

    period: date | None
    substance: str
    market: str
    median_eur_per_gram: float
    sightings: int
