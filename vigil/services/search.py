"""Search: query text and filters in, one documented result shape out (docs/services.md).

`search(settings, SearchRequest(...))` validates the request (unknown classes, markets,
countries, dates and sort keys are `UsageError`s, never empty results), resolves substance
names through the extractor's lexicon (`Ketamin` finds what `ketamine` finds) and returns
`{"total", "page", "limit", "hits": [listing_json(...)]}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from crawler.config import market_files
from index.query import FACETS, SORT_KEYS, ListingQuery
from index.records import Listing, Price
from index.store import Store
from nlp.lexicon import CLASSES
from nlp.shipping import KINDS as SHIPPING_KINDS
from vigil.services.errors import UsageError
from vigil.services.index import reading
from vigil.settings import Settings

STATUSES = ("active", "removed", "any")
_COUNTRY = re.compile(r"^(?:[A-Z]{2}|EU|WORLDWIDE)$")


@dataclass(frozen=True)
class SearchRequest:
    """What a user asks; strings as typed (dates ISO 8601, countries ISO 3166-1 alpha-2)."""

    text: str = ""
    substances: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()
    vendors: tuple[str, ...] = ()
    ships_from: tuple[str, ...] = ()
    ships_to: tuple[str, ...] = ()
    carriers: tuple[str, ...] = ()  # shipping method names: DHL, InPost, "dead drop"...
    shipping_kinds: tuple[str, ...] = ()  # post, courier, parcel_locker, stealth, dead_drop...
    min_price: float | None = None
    max_price: float | None = None
    min_price_per_gram: float | None = None  # EUR per gram, where the extraction worked one out
    max_price_per_gram: float | None = None
    since: str | None = None
    until: str | None = None
    first_seen_since: str | None = None
    status: str = "any"
    sort: str = "relevance"
    limit: int = 20
    page: int = 1
    after: str = ""  # the `next_after` of the previous page: deep paging, `page` ignored
    facets: tuple[str, ...] = ()  # count the matches by these (see FACETS)
    facet_size: int = 10


def search(settings: Settings, request: SearchRequest) -> dict[str, Any]:
    query = build_query(request)  # bad input is reported before the index is opened
    with reading(settings) as store:
        check_markets(request.markets, known_markets(settings, store))
        try:
            result = store.search(query)
        except ValueError as exc:  # a cursor that is not ours
            raise UsageError(str(exc)) from None
        counts = store.facets(query, request.facets, request.facet_size) if request.facets else {}
    out: dict[str, Any] = {
        "total": result.total,
        "page": None if request.after else request.page,
        "limit": request.limit,
        "next_after": result.next_after,
        "hits": [listing_json(hit.listing, hit.score) for hit in result.hits],
    }
    if request.facets:
        out["facets"] = {
            name: [{"value": v, "count": n} for v, n in values] for name, values in counts.items()
        }
    return out


def known_markets(settings: Settings, store: Store) -> set[str]:
    """Markets a filter may name: those configured and those the index holds."""
    return {p.stem for p in market_files(settings.markets_dir)} | set(store.markets())


def check_markets(names: tuple[str, ...], markets: set[str]) -> None:
    lowered = {m.lower() for m in markets}
    missing = [m for m in names if m.lower() not in lowered]
    if missing:
        raise UsageError(f"unknown market {missing[0]!r}; known: {', '.join(sorted(markets)) or 'none'}")


def build_query(request: SearchRequest) -> ListingQuery:
    """The backend query for a request; UsageError names the first bad value (markets are
    checked against the index by `check_markets`)."""
    unknown = [c for c in request.classes if c not in CLASSES]
    if unknown:
        raise UsageError(f"unknown class {unknown[0]!r}; expected one of: {', '.join(sorted(CLASSES))}")
    unknown = [k for k in request.shipping_kinds if k not in SHIPPING_KINDS]
    if unknown:
        raise UsageError(
            f"unknown shipping kind {unknown[0]!r}; expected one of: {', '.join(sorted(SHIPPING_KINDS))}"
        )
    if request.sort not in SORT_KEYS:
        raise UsageError(f"sort must be one of {', '.join(SORT_KEYS)}, not {request.sort!r}")
    if request.status not in STATUSES:
        raise UsageError(f"status must be one of {', '.join(STATUSES)}, not {request.status!r}")
    if request.limit < 1 or request.limit > 10_000 or request.page < 1:
        raise UsageError("limit must be 1 to 10000 and page at least 1")
    if not request.after and request.page * request.limit > 10_000:
        raise UsageError("pages beyond the 10000th listing: page with the cursor (--after) instead")
    unknown_facets = [f for f in request.facets if f not in FACETS]
    if unknown_facets or not 1 <= request.facet_size <= 1000:
        raise UsageError(f"facets are {', '.join(FACETS)} (1 to 1000 values each), not {unknown_facets}")
    for name, value in (("min price", request.min_price), ("max price", request.max_price),
                        ("min price per gram", request.min_price_per_gram),
                        ("max price per gram", request.max_price_per_gram)):
        if value is not None and not (0 <= value < 1e12):
            raise UsageError(f"{name} must be a non-negative amount in EUR, not {value}")
    substances = tuple(canonical_substance(s) for s in request.substances)
    if request.text:
        substances += resolve_substances(request.text)
    return ListingQuery(
        text=request.text,
        substances=tuple(dict.fromkeys(substances)),
        classes=request.classes,
        markets=request.markets,
        vendors=request.vendors,
        ships_from=_countries(request.ships_from, "ships from"),
        ships_to=_countries(request.ships_to, "ships to"),
        carriers=tuple(c.strip() for c in request.carriers if c.strip()),
        shipping_kinds=request.shipping_kinds,
        price_min_eur=None if request.min_price is None else Decimal(str(request.min_price)),
        price_max_eur=None if request.max_price is None else Decimal(str(request.max_price)),
        price_per_gram_min_eur=_decimal(request.min_price_per_gram),
        price_per_gram_max_eur=_decimal(request.max_price_per_gram),
        since=parse_date(request.since, "since"),
        until=parse_date(request.until, "until", end_of_day=True),
        first_seen_since=parse_date(request.first_seen_since, "first seen since"),
        status=request.status,  # type: ignore[arg-type]
        sort=request.sort,  # type: ignore[arg-type]
        limit=request.limit,
        offset=(request.page - 1) * request.limit,
        after=request.after,
    )


def resolve_substances(text: str) -> tuple[str, ...]:
    """Canonical names a query names, through the extractor's lexicon (`Ketamin` → ketamine)."""
    from nlp import extract

    result = extract({"id": "query", "title": text})
    names = {s["name"] for s in result.get("substances", []) + result.get("mentions", [])}
    return tuple(sorted(names))


def canonical_substance(name: str) -> str:
    from nlp.lexicon import load

    by_name = {n.lower(): n for n in load().by_canonical()}
    if name.lower() in by_name:
        return by_name[name.lower()]
    resolved = resolve_substances(name)
    if len(resolved) == 1:
        return resolved[0]
    raise UsageError(f"unknown substance {name!r}: give a name the lexicon knows (e.g. ketamine)")


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _countries(values: tuple[str, ...], what: str) -> tuple[str, ...]:
    codes = tuple(v.strip().upper() for v in values)
    bad = [c for c in codes if not _COUNTRY.match(c)]
    if bad:
        raise UsageError(f"{what}: {bad[0]!r} is not an ISO country code (e.g. NL), EU or WORLDWIDE")
    return codes


def parse_date(value: str | None, what: str, *, end_of_day: bool = False) -> datetime | None:
    """An ISO date or time (UTC unless it says otherwise); a bare date as `until` means the
    end of that day."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{what} expects a date like 2026-01-31, got {value!r}") from None
    if end_of_day and len(value) == 10:
        parsed = datetime.combine(date.fromisoformat(value), datetime.max.time())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def price_json(price: Price | None) -> dict[str, Any] | None:
    if price is None:
        return None
    return {
        "amount": str(price.amount),
        "currency": price.currency,
        "eur": None if price.eur is None else round(float(price.eur), 2),
    }


def listing_json(listing: Listing, score: float | None = None) -> dict[str, Any]:
    """A listing as every front end shows it (the shape is documented in docs/services.md)."""
    alt = price_json(listing.price_alt)
    out: dict[str, Any] = {
        "market": listing.market,
        "listing_id": listing.listing_id,
        "url": listing.url,
        "title": listing.title,
        "category": listing.category,
        "vendor": listing.vendor,
        "price": price_json(listing.price),
        "price_alt": None if not listing.price_alt_raw else {**(alt or {}), "text": listing.price_alt_raw},
        "ships_from": listing.ships_from,
        "ships_to": listing.ships_to,
        "sales": listing.sales,
        "feedback_count": listing.feedback_count,
        "feedback_score": listing.feedback_score,
        "stock": listing.stock,
        "in_stock": listing.in_stock,
        "shipping_options": [
            {"name": o.name, "price": price_json(o.price), "price_text": o.price_text}
            for o in listing.shipping_options
        ],
        "status": listing.status,
        "first_seen": _iso(listing.first_seen),
        "last_seen": _iso(listing.last_seen),
        "removed_at": _iso(listing.removed_at),
        "substances": listing.substances,
        "extraction": listing.extraction,
        "evidence": listing.evidence,
    }
    if score is not None:
        out["score"] = round(score, 4)
    return out


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
