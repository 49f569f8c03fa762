"""Trend queries as cluster aggregations over the sightings index (one document per listing
per run that saw it): a date histogram, then terms, then cardinality or percentiles. No
scripts, so they run on minimal nodes too."""

from __future__ import annotations

from datetime import date
from typing import Any

from index.elastic.documents import ts
from index.query import PricePoint, SubstancePoint, TrendQuery

_TERMS = 10_000  # every substance and market in range: a trend hides nothing


def _filters(query: TrendQuery, *extra: dict[str, Any]) -> dict[str, Any]:
    filters: list[dict[str, Any]] = list(extra)
    span = {op: ts(value) for op, value in (("gte", query.since), ("lte", query.until)) if value is not None}
    if span:
        filters.append({"range": {"@timestamp": span}})
    if query.markets:
        filters.append({"terms": {"market.lower": [m.lower() for m in query.markets]}})
    return {"bool": {"filter": filters}}


def _substances(query: TrendQuery, aggs: dict[str, Any]) -> dict[str, Any]:
    terms: dict[str, Any] = {"field": "substances", "size": _TERMS, "order": {"_key": "asc"}}
    if query.substances:
        terms["include"] = list(query.substances)  # not a query filter: a listing's other substances stay out
    return {"substance": {"terms": terms, "aggs": aggs}}


def _by_period(query: TrendQuery, aggs: dict[str, Any]) -> dict[str, Any]:
    if query.interval == "all":
        return aggs
    histogram = {
        "field": "@timestamp",
        "calendar_interval": query.interval,
        "min_doc_count": 1,
        "format": "yyyy-MM-dd",
    }
    return {"period": {"date_histogram": histogram, "aggs": aggs}}


def _periods(query: TrendQuery, answer: dict[str, Any]) -> list[tuple[date | None, dict[str, Any]]]:
    if query.interval == "all":
        return [(None, answer)]
    return [(date.fromisoformat(b["key_as_string"]), b) for b in answer["period"]["buckets"]]


def substance_trend_body(query: TrendQuery) -> dict[str, Any]:
    counts = {"listings": {"cardinality": {"field": "key"}}, "vendors": {"cardinality": {"field": "vendor"}}}
    return {"size": 0, "query": _filters(query), "aggs": _by_period(query, _substances(query, counts))}


def substance_points(query: TrendQuery, answer: dict[str, Any]) -> list[SubstancePoint]:
    return [
        SubstancePoint(period, b["key"], int(b["listings"]["value"]), int(b["vendors"]["value"]))
        for period, bucket in _periods(query, answer)
        for b in bucket["substance"]["buckets"]
    ]


def price_body(query: TrendQuery) -> dict[str, Any]:
    median = {"median": {"percentiles": {"field": "price_per_gram_eur", "percents": [50], "keyed": False}}}
    market = {
        "market": {"terms": {"field": "market", "size": _TERMS, "order": {"_key": "asc"}}, "aggs": median}
    }
    exists = {"exists": {"field": "price_per_gram_eur"}}
    return {
        "size": 0,
        "query": _filters(query, exists),
        "aggs": _by_period(query, _substances(query, market)),
    }


def price_points(query: TrendQuery, answer: dict[str, Any]) -> list[PricePoint]:
    return [
        PricePoint(period, s["key"], m["key"], float(m["median"]["values"][0]["value"]), int(m["doc_count"]))
        for period, bucket in _periods(query, answer)
        for s in bucket["substance"]["buckets"]
        for m in s["market"]["buckets"]
    ]
