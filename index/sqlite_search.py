"""Search on the SQLite index: the query model turned into SQL, values only as parameters."""

from __future__ import annotations

import sqlite3
from typing import Any

from index.query import FACETS, Facets, ListingQuery, SearchResult, decode_cursor, encode_cursor, sort_facets
from index.sqlite_rows import hit, ts


def fts_query(text: str) -> str:
    """User text as a safe FTS5 query: every word a quoted prefix term, all required."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    return " ".join(f'"{w}"*' for w in words)


_TIEBREAK = [("l.market", "ASC"), ("l.listing_id", "ASC")]
#: Sort keys as (expression, direction); a missing price sorts last either way.
_ORDER: dict[str, list[tuple[str, str]]] = {
    "price": [("COALESCE(l.price_eur, 1e308)", "ASC"), *_TIEBREAK],
    "-price": [("COALESCE(l.price_eur, -1e308)", "DESC"), *_TIEBREAK],
    "last_seen": [("l.last_seen", "ASC"), *_TIEBREAK],
    "-last_seen": [("l.last_seen", "DESC"), *_TIEBREAK],
    "first_seen": [("l.first_seen", "ASC"), *_TIEBREAK],
    "-first_seen": [("l.first_seen", "DESC"), *_TIEBREAK],
}
_BY_RANK = [("COALESCE(fts.rank, 0.0)", "ASC"), ("l.last_seen", "DESC"), *_TIEBREAK]


def _where(q: ListingQuery) -> tuple[list[str], list[Any], str, dict[str, str]]:
    """SQL conditions and parameters for a query; values are always parameters."""
    where: list[str] = []
    params: list[Any] = []
    ctes = ""
    rank = {"join": "", "score": "0.0"}
    match = fts_query(q.text) if q.text else ""
    if match:
        ctes = (
            "WITH fts AS (SELECT rowid, bm25(listings_fts, 10.0, 1.0, 5.0, 1.0) AS rank "
            "FROM listings_fts WHERE listings_fts MATCH ?)"
        )
        params.append(match)
        rank = {"join": "LEFT JOIN fts ON fts.rowid = l.rowid", "score": "-COALESCE(fts.rank, 0.0)"}
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
            f"l.rowid IN (SELECT listing_rowid FROM listing_substances WHERE class IN ({_marks(q.classes)}))"
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
    for column, values in (("name", q.carriers), ("kind", q.shipping_kinds)):
        if values:
            where.append(f"l.rowid IN (SELECT listing_rowid FROM listing_shipping "
                         f"WHERE {column} IN ({_marks(values)}))")
            params.extend(values)
    if q.price_min_eur is not None:
        where.append("l.price_eur >= ?")
        params.append(float(q.price_min_eur))
    if q.price_max_eur is not None:
        where.append("l.price_eur <= ?")
        params.append(float(q.price_max_eur))
    for op, value in ((">=", q.price_per_gram_min_eur), ("<=", q.price_per_gram_max_eur)):
        if value is not None:
            where.append(f"json_extract(l.extraction, '$.price_per_gram_eur') {op} ?")
            params.append(float(value))
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
    return f"l.rowid IN (SELECT listing_rowid FROM listing_substances WHERE name IN ({_marks(names)}))"


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" for _ in values)


def _order(query: ListingQuery, ranked: bool) -> list[tuple[str, str]]:
    if query.sort != "relevance":
        return _ORDER[query.sort]
    return _BY_RANK if ranked else _ORDER["-last_seen"]


def _after(order: list[tuple[str, str]], values: list[Any]) -> tuple[str, list[Any]]:
    """Keyset paging: rows that sort after `values` (any mix of directions)."""
    alternatives, params = [], []
    for i, (expr, direction) in enumerate(order):
        equal = [f"{e} = ?" for e, _ in order[:i]]
        alternatives.append(
            "(" + " AND ".join([*equal, f"{expr} {'>' if direction == 'ASC' else '<'} ?"]) + ")"
        )
        params.extend([*values[:i], values[i]])
    return "(" + " OR ".join(alternatives) + ")", params


def search(conn: sqlite3.Connection, query: ListingQuery) -> SearchResult:
    where, params, ctes, rank = _where(query)
    base = f"FROM listings l {rank['join']} WHERE {' AND '.join(where) or '1=1'}"
    total = conn.execute(f"{ctes} SELECT count(*) {base}", params).fetchone()[0]
    order = _order(query, bool(rank["join"]))
    keys = ", ".join(f"{expr} AS sort_{i}" for i, (expr, _) in enumerate(order))
    page, offset = base, query.offset
    page_params = list(params)
    if query.after:
        condition, values = _after(order, decode_cursor(query.after, len(order)))
        page, offset = f"{base} AND {condition}", 0
        page_params.extend(values)
    rows = conn.execute(
        f"{ctes} SELECT l.*, {rank['score']} AS score, {keys} {page} "
        f"ORDER BY {', '.join(f'{e} {d}' for e, d in order)} LIMIT ? OFFSET ?",
        [*page_params, query.limit + 1, offset],
    ).fetchall()
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    cursor = encode_cursor([rows[-1][f"sort_{i}"] for i in range(len(order))]) if more and rows else None
    return SearchResult(total=total, hits=[hit(row) for row in rows], next_after=cursor)


#: Facet name -> SQL giving (value, listing rowid) pairs for the listings in `matched`.
_FACET_SQL = {
    "substance": "SELECT name, listing_rowid FROM listing_substances WHERE listing_rowid IN matched",
    "class": "SELECT class, listing_rowid FROM listing_substances WHERE listing_rowid IN matched",
    "market": "SELECT market, rowid FROM listings WHERE rowid IN matched",
    "vendor": "SELECT vendor, rowid FROM listings WHERE rowid IN matched AND vendor != ''",
    # (`+direction`: look the matches up by listing, not every listing's countries by direction)
    "ships_from": "SELECT country, listing_rowid FROM listing_countries "
    "WHERE +direction = 'from' AND listing_rowid IN matched",
    "ships_to": "SELECT country, listing_rowid FROM listing_countries "
    "WHERE +direction = 'to' AND listing_rowid IN matched",
    "shipping": "SELECT name, listing_rowid FROM listing_shipping WHERE listing_rowid IN matched",
}


def facets(conn: sqlite3.Connection, query: ListingQuery, fields: tuple[str, ...], size: int) -> Facets:
    unknown = [f for f in fields if f not in _FACET_SQL]
    if unknown:
        raise ValueError(f"unknown facet {unknown[0]!r}; expected one of: {', '.join(FACETS)}")
    where, params, ctes, rank = _where(query)
    if not where:
        # every listing matches (a search page opened with no filter): count the tables as they
        # are, without testing each row against a set of all of them
        return {name: _facet(conn, _FACET_SQL[name].replace("IN matched", "IS NOT NULL"), size)
                for name in fields}
    # the matches once, into a temporary table with a key: each facet then looks rows up in it
    # (a filter joined with the full-text index costs a scan of the listings each time)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS facet_matched (id INTEGER PRIMARY KEY)")
    try:
        conn.execute("DELETE FROM temp.facet_matched")
        conn.execute(f"{ctes} INSERT INTO temp.facet_matched SELECT l.rowid FROM listings l {rank['join']} "
                     f"WHERE {' AND '.join(where)}", params)
        return {name: _facet(conn, _FACET_SQL[name].replace("IN matched", "IN temp.facet_matched"), size)
                for name in fields}
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.facet_matched")


def _facet(conn: sqlite3.Connection, sql: str, size: int) -> list[tuple[str, int]]:
    rows = conn.execute(f"SELECT v, count(DISTINCT r) FROM ({_aliased(sql)}) GROUP BY v").fetchall()
    return sort_facets({str(v): int(n) for v, n in rows}, size)


def _aliased(sql: str) -> str:
    """`SELECT a, b FROM …` as `SELECT a AS v, b AS r FROM …`."""
    head, rest = sql.split(" FROM ", 1)
    first, second = head.removeprefix("SELECT ").split(", ")
    return f"SELECT {first} AS v, {second} AS r FROM {rest}"
