"""Exports of listings for hand-over: the matches of a search, or a chosen selection, as CSV
rows or JSON objects (`listing_json`). CSV cells that a spreadsheet would run as a formula are
prefixed with a quote: scraped text is data, never a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from vigil.services.errors import NotFound, UsageError
from vigil.services.index import reading
from vigil.services.search import SearchRequest, listing_json, search
from vigil.settings import Settings

CSV_COLUMNS = ("market", "listing_id", "title", "substances", "vendor", "price_amount",
               "price_currency", "price_eur", "ships_from", "ships_to", "status", "first_seen",
               "last_seen", "url")
#: An export holds at most this many listings (a search pages with its cursor up to it).
MAX_EXPORT = 10_000
MAX_SELECTION = 1_000


def search_hits(
    settings: Settings, request: SearchRequest, limit: int = MAX_EXPORT, page_size: int = 1000
) -> list[dict[str, Any]]:
    """Every match of `request` (from its first page), in its order, up to `limit`, read
    `page_size` at a time with the search's cursor."""
    hits: list[dict[str, Any]] = []
    page = replace(request, page=1, after="", facets=(), limit=min(page_size, limit))
    while len(hits) < limit:
        result = search(settings, page)
        hits += result["hits"]
        if not result["next_after"] or not result["hits"]:
            break
        page = replace(page, after=result["next_after"])
    return hits[:limit]


def selected(settings: Settings, keys: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """The listings named by (market, listing id), in the order given; NotFound names the first
    that is not in the index."""
    keys = list(dict.fromkeys(keys))
    if len(keys) > MAX_SELECTION:
        raise UsageError(f"a selection holds at most {MAX_SELECTION} listings, not {len(keys)}")
    out = []
    with reading(settings) as store:
        for market, listing_id in keys:
            listing = store.get_listing(market.lower(), listing_id)
            if listing is None:
                raise NotFound(f"no listing {listing_id!r} in market {market!r}")
            out.append(listing_json(listing))
    return out


def csv_row(hit: dict[str, Any]) -> list[str]:
    price = hit["price"] or {}
    row = {
        **hit,
        "substances": ", ".join(sorted({s["name"] for s in hit["substances"]})),
        "price_amount": price.get("amount"),
        "price_currency": price.get("currency"),
        "price_eur": price.get("eur"),
        "ships_from": " ".join(hit["ships_from"]),
        "ships_to": " ".join(hit["ships_to"]),
    }
    return [csv_cell(row.get(name)) for name in CSV_COLUMNS]


def csv_text(hits: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for hit in hits:
        writer.writerow(csv_row(hit))
    return out.getvalue()


def csv_cell(value: Any) -> str:
    """A cell starting with = + - @ (or a tab or CR) would be a formula in a spreadsheet."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
