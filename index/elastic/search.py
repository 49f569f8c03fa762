"""The query model as cluster query DSL. Text is folded like the indexed copy, and every word
must match as a prefix in some text field: what the SQLite backend's FTS5 query does."""

from __future__ import annotations

from typing import Any

from index.elastic.documents import fold, ts
from index.query import ListingQuery

TEXT_FIELDS = ["title_folded^10", "description_folded", "substances_folded^5", "other_folded"]

#: Explicit sorts end on (market, listing_id), as in SQLite, so the order is the same.
_TIEBREAK = [{"market": "asc"}, {"listing_id": "asc"}]
SORTS: dict[str, list[dict[str, Any]]] = {
    "price": [{"price_eur": {"order": "asc", "missing": "_last"}}],
    "-price": [{"price_eur": {"order": "desc", "missing": "_last"}}],
    "last_seen": [{"last_seen": "asc"}],
    "-last_seen": [{"last_seen": "desc"}],
    "first_seen": [{"first_seen": "asc"}],
    "-first_seen": [{"first_seen": "desc"}],
}


#: Facet name -> the keyword field it counts.
FACET_FIELDS = {
    "substance": "substances",
    "class": "classes",
    "market": "market",
    "vendor": "vendor",
    "ships_from": "ships_from",
    "ships_to": "ships_to",
    "shipping": "shipping_methods.name",
}


def facet_aggs(fields: tuple[str, ...], size: int) -> dict[str, Any]:
    """A terms aggregation per facet, ordered as every backend orders facets."""
    unknown = [f for f in fields if f not in FACET_FIELDS]
    if unknown:
        raise ValueError(f"unknown facet {unknown[0]!r}; expected one of: {', '.join(FACET_FIELDS)}")
    return {
        name: {
            "terms": {
                "field": FACET_FIELDS[name],
                "size": size,
                "order": [{"_count": "desc"}, {"_key": "asc"}],
                "exclude": [""],
            }
        }
        for name in fields
    }


def text_clause(text: str) -> dict[str, Any] | None:
    words = fold(text).split()
    if not words:
        return None
    return {
        "bool": {
            "must": [
                {"multi_match": {"query": w, "type": "bool_prefix", "fields": TEXT_FIELDS}} for w in words
            ]
        }
    }


def listing_query(q: ListingQuery) -> dict[str, Any]:
    """The `query` part of a listing search."""
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    text = text_clause(q.text) if q.text else None
    alternatives: list[dict[str, Any]] = []
    if text is not None:
        alternatives.append(text)
    if q.substances:
        alternatives.append({"terms": {"substances": list(q.substances)}})
    if q.text or q.substances:
        if not alternatives:
            filters.append({"match_none": {}})
        else:
            must.append({"bool": {"should": alternatives, "minimum_should_match": 1}})
    if q.classes:
        filters.append({"terms": {"classes": list(q.classes)}})
    if q.markets:
        filters.append({"terms": {"market.lower": [m.lower() for m in q.markets]}})
    if q.vendors:
        filters.append({"terms": {"vendor.lower": [v.lower() for v in q.vendors]}})
    if q.ships_from:
        filters.append({"terms": {"ships_from": [c.upper() for c in q.ships_from]}})
    if q.ships_to:
        filters.append({"terms": {"ships_to": [c.upper() for c in q.ships_to]}})
    if q.carriers:
        filters.append({"terms": {"shipping_methods.name.lower": [c.lower() for c in q.carriers]}})
    if q.shipping_kinds:
        filters.append({"terms": {"shipping_methods.kind": list(q.shipping_kinds)}})
    price: dict[str, float] = {}
    if q.price_min_eur is not None:
        price["gte"] = float(q.price_min_eur)
    if q.price_max_eur is not None:
        price["lte"] = float(q.price_max_eur)
    if price:
        filters.append({"range": {"price_eur": price}})
    per_gram: dict[str, float] = {}
    if q.price_per_gram_min_eur is not None:
        per_gram["gte"] = float(q.price_per_gram_min_eur)
    if q.price_per_gram_max_eur is not None:
        per_gram["lte"] = float(q.price_per_gram_max_eur)
    if per_gram:
        filters.append({"range": {"price_per_gram_eur": per_gram}})
    for field, op, value in (
        ("last_seen", "gte", q.since),
        ("last_seen", "lte", q.until),
        ("first_seen", "gte", q.first_seen_since),
    ):
        if value is not None:
            filters.append({"range": {field: {op: ts(value)}}})
    if q.status != "any":
        filters.append({"term": {"status": q.status}})
    return {"bool": {"must": must or [{"match_all": {}}], "filter": filters}}


def listing_sort(q: ListingQuery) -> list[Any]:
    if q.sort != "relevance":
        return [*SORTS[q.sort], *_TIEBREAK]
    if q.text:
        return ["_score", {"last_seen": "desc"}, *_TIEBREAK]
    return [{"last_seen": "desc"}, *_TIEBREAK]
