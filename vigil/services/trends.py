"""Trends for monitoring and early warning: how many listings and vendors offer each substance
per day or week, and the median price per gram per substance and market. Rows are plain dicts
(docs/services.md); the numbers come from the sightings, every listing every run saw."""

from __future__ import annotations

from typing import Any

from index.query import INTERVALS, TrendQuery
from vigil.services.errors import UsageError
from vigil.services.index import reading
from vigil.services.search import canonical_substance, parse_date
from vigil.settings import Settings


def trend_query(
    *,
    interval: str = "day",
    since: str | None = None,
    until: str | None = None,
    markets: tuple[str, ...] = (),
    substances: tuple[str, ...] = (),
) -> TrendQuery:
    """The backend query; UsageError names the first bad value."""
    if interval not in INTERVALS:
        raise UsageError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}")
    return TrendQuery(
        since=parse_date(since, "since"),
        until=parse_date(until, "until", end_of_day=True),
        markets=markets,
        substances=tuple(dict.fromkeys(canonical_substance(s) for s in substances)),
        interval=interval,  # type: ignore[arg-type]
    )


def substance_trend(settings: Settings, query: TrendQuery) -> list[dict[str, Any]]:
    with reading(settings) as store:
        found = store.substance_trend(query)
    return [
        {"period": _day(p.period), "substance": p.substance, "listings": p.listings, "vendors": p.vendors}
        for p in found
    ]


def price_per_gram(settings: Settings, query: TrendQuery) -> list[dict[str, Any]]:
    with reading(settings) as store:
        found = store.price_per_gram(query)
    return [
        {
            "period": _day(p.period),
            "substance": p.substance,
            "market": p.market,
            "median_eur_per_gram": round(p.median_eur_per_gram, 2),
            "sightings": p.sightings,
        }
        for p in found
    ]


def _day(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def first_sightings(
    settings: Settings, *, since: str | None = None, markets: tuple[str, ...] = (), limit: int = 50
) -> list[dict[str, Any]]:
    """When each substance was first seen offered, and where: `[{"substance", "class",
    "first_seen", "market", "listing_id", "title", "vendor", "listings"}]`, the newest first
    sighting first (early warning: what appeared lately), `since` filtering on first seen. Built
    from searches (facet counts, then the earliest listing per substance), so every backend
    answers it the same way."""
    from vigil.services.search import SearchRequest, search

    counts = search(settings, SearchRequest(markets=markets, first_seen_since=since, limit=1,
                                            facets=("substance",), facet_size=1000))
    rows = []
    for item in counts["facets"]["substance"]:
        earliest = search(settings, SearchRequest(substances=(item["value"],), markets=markets,
                                                  first_seen_since=since, sort="first_seen", limit=1))
        if not earliest["hits"]:
            continue
        hit = earliest["hits"][0]
        offered = next((s for s in hit["substances"] if s["name"] == item["value"]), {})
        rows.append({"substance": item["value"], "class": offered.get("class"),
                     "first_seen": hit["first_seen"], "market": hit["market"],
                     "listing_id": hit["listing_id"], "title": hit["title"],
                     "vendor": hit["vendor"], "listings": item["count"]})
    rows.sort(key=lambda r: (r["first_seen"] or "", r["substance"]), reverse=True)
    return rows[:limit]
