"""Trend queries on the SQLite index, over `run_listings` (one row per listing per run that
saw it) joined with the listing's substances."""

from __future__ import annotations

import sqlite3
import statistics
from collections import defaultdict
from datetime import date
from typing import Any

from index.query import PricePoint, SubstancePoint, TrendQuery
from index.sqlite_rows import ts

_DAY = "substr(r.seen_at, 1, 10)"
#: The Monday of the ISO week (what a cluster's `calendar_interval: week` starts on).
_PERIOD = {
    "day": _DAY,
    "week": f"date({_DAY}, '-' || ((CAST(strftime('%w', {_DAY}) AS INTEGER) + 6) % 7) || ' days')",
    "all": "NULL",
}
_FROM = (
    "FROM run_listings r JOIN listings l ON l.market = r.market AND l.listing_id = r.listing_id "
    "JOIN listing_substances s ON s.listing_rowid = l.rowid"
)


def _where(query: TrendQuery) -> tuple[str, list[Any]]:
    where, params = ["r.seen_at IS NOT NULL"], []
    if query.since is not None:
        where.append("r.seen_at >= ?")
        params.append(ts(query.since))
    if query.until is not None:
        where.append("r.seen_at <= ?")
        params.append(ts(query.until))
    for column, values in (("r.market COLLATE NOCASE", query.markets), ("s.name", query.substances)):
        if values:
            where.append(f"{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
    return " AND ".join(where), params


def _period(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def substance_trend(conn: sqlite3.Connection, query: TrendQuery) -> list[SubstancePoint]:
    where, params = _where(query)
    rows = conn.execute(
        f"SELECT {_PERIOD[query.interval]} AS p, s.name, count(DISTINCT r.market || ':' || r.listing_id), "
        f"count(DISTINCT NULLIF(l.vendor, '')) {_FROM} WHERE {where} GROUP BY p, s.name",
        params,
    ).fetchall()
    rows.sort(key=lambda row: (row[0] or "", row[1]))  # code-point order, as a cluster's terms
    return [SubstancePoint(_period(p), name, int(n), int(v)) for p, name, n, v in rows]


def price_per_gram(conn: sqlite3.Connection, query: TrendQuery) -> list[PricePoint]:
    where, params = _where(query)
    values: dict[tuple[str | None, str, str], list[float]] = defaultdict(list)
    for p, name, market, ppg in conn.execute(
        f"SELECT {_PERIOD[query.interval]}, s.name, r.market, r.price_per_gram_eur {_FROM} "
        f"WHERE {where} AND r.price_per_gram_eur IS NOT NULL",
        params,
    ):
        values[(p, name, market)].append(float(ppg))
    return [
        PricePoint(_period(p), name, market, statistics.median(found), len(found))
        for (p, name, market), found in sorted(values.items(), key=lambda kv: (kv[0][0] or "", *kv[0][1:]))
    ]
