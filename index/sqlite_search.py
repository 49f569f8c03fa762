"""Search on the SQLite index: the query model turned into SQL, values only as parameters."""

from __future__ import annotations

import sqlite3
from typing import Any

from index.query import ListingQuery, SearchResult
from index.sqlite_rows import hit, ts


def fts_query(text: str) -> str:
    """User text as a safe FTS5 query: every word a quoted prefix term, all required."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    return " ".join(f'"{w}"*' for w in words)


_ORDER = {
    "price": "l.price_eur IS NULL, l.price_eur ASC, l.market, l.listing_id",
    "-price": "l.price_eur IS NULL, l.price_eur DESC, l.market, l.listing_id",
    "last_seen": "l.last_seen ASC, l.market, l.listing_id",
    "-last_seen": "l.last_seen DESC, l.market, l.listing_id",
    "first_seen": "l.first_seen ASC, l.market, l.listing_id",
    "-first_seen": "l.first_seen DESC, l.market, l.listing_id",
}


def _where(q: ListingQuery) -> tuple[list[str], list[Any], str, dict[str, str]]:
    """SQL conditions and parameters for a query; values are always parameters."""
    where: list[str] = []
    params: list[Any] = []
    ctes = ""
    rank = {"join": "", "score": "0.0", "order": "l.last_seen DESC, l.market, l.listing_id"}
    match = fts_query(q.text) if q.text else ""
    if match:
        ctes = (
            "WITH fts AS (SELECT rowid, bm25(listings_fts, 10.0, 1.0, 5.0, 1.0) AS rank "
            "FROM listings_fts WHERE listings_fts MATCH ?)"
        )
        params.append(match)
        rank = {
            "join": "LEFT JOIN fts ON fts.rowid = l.rowid",
            "score": "-COALESCE(fts.rank, 0.0)",
            "order": "COALESCE(fts.rank, 0.0) ASC, l.last_seen DESC, l.market, l.listing_id",
        }
        alternatives = ["fts.rowid IS NOT NULL"]
        if q.substances:
            alternatives.append(_in_substances(q.substances, params))
        where.append("(" + " OR ".join(alternatives) + ")")
    elif q.text or q.substances:
        if not q.substances:
            where.append("0")
        else:
            where.append(_in_substances(q.substances, params))
    if q.classes:
        where.append(
            "l.rowid IN (SELECT listing_rowid FROM listing_substances WHERE class IN "
            f"({_marks(q.classes)}))"
        )
        params.extend(q.classes)
    for column, values in (("l.market", q.markets), ("l.vendor", q.vendors)):
        if values:
            where.append(f"{column} COLLATE NOCASE IN ({_marks(values)})")
            params.extend(values)
    for direction, values in (("from", q.ships_from), ("to", q.ships_to)):
        if values:
            where.append(
                "l.rowid IN (SELECT listing_rowid FROM listing_countries WHERE direction = ? "
                f"AND country IN ({_marks(values)}))"
            )
            params.extend([direction, *(v.upper() for v in values)])
    if q.price_min_eur is not None:
        where.append("l.price_eur >= ?")
        params.append(float(q.price_min_eur))
    if q.price_max_eur is not None:
        where.append("l.price_eur <= ?")
        params.append(float(q.price_max_eur))
    for column, op, value in (
        ("l.last_seen", ">=", q.since),
        ("l.last_seen", "<=", q.until),
        ("l.first_seen", ">=", q.first_seen_since),
    ):
        if value is not None:
            where.append(f"{column} {op} ?")
            params.append(ts(value))
    if q.status != "any":
        where.append("l.status = ?")
        params.append(q.status)
    return where, params, ctes, rank


def _in_substances(names: tuple[str, ...], params: list[Any]) -> str:
    params.extend(names)
    return (
        f"l.rowid IN (SELECT listing_rowid FROM listing_substances WHERE name IN ({_marks(names)}))"
    )


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" for _ in values)




def search(conn: sqlite3.Connection, query: ListingQuery) -> SearchResult:
    where, params, ctes, rank = _where(query)
    base = f"FROM listings l {rank['join']} WHERE {' AND '.join(where) or '1=1'}"
    total = conn.execute(f"{ctes} SELECT count(*) {base}", params).fetchone()[0]
    order = _ORDER[query.sort] if query.sort != "relevance" else rank["order"]
    rows = conn.execute(
        f"{ctes} SELECT l.*, {rank['score']} AS score {base} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, query.limit, query.offset],
    ).fetchall()
    return SearchResult(total=total, hits=[hit(row) for row in rows])
