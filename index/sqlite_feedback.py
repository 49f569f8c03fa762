"""Feedback records on the SQLite index: each stored once (the first sighting of its key wins)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from index import sqlite_rows as rows
from index.records import Feedback
from index.sqlite_rows import ts


def write(conn: sqlite3.Connection, records: Sequence[Feedback]) -> int:
    """Insert the records not yet known; returns how many were new."""
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO feedback (market, key, listing_id, vendor, date, date_precision, rating, "
        "rating_text, text, item, buyer, first_seen, run_id, evidence) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (f.market, f.key, f.listing_id, f.vendor, ts(f.date), f.date_precision, f.rating, f.rating_text,
             f.text, f.item, f.buyer, ts(f.first_seen), f.run_id, json.dumps(list(f.evidence)))
            for f in records
        ],
    )
    return conn.total_changes - before


def read(
    conn: sqlite3.Connection, market: str, listing_id: str | None, vendor: str | None, limit: int
) -> list[Feedback]:
    """Newest first (undated last), ties by key."""
    sql, params = "SELECT * FROM feedback WHERE market = ?", [market]
    if listing_id is not None:
        sql += " AND listing_id = ?"
        params.append(listing_id)
    if vendor is not None:
        sql += " AND vendor = ? COLLATE NOCASE"
        params.append(vendor)
    sql += " ORDER BY date IS NULL, date DESC, key LIMIT ?"
    return [rows.feedback(r) for r in conn.execute(sql, [*params, limit])]


def count(conn: sqlite3.Connection, market: str | None, listing_id: str | None, vendor: str | None) -> int:
    sql, params = "SELECT count(*) FROM feedback WHERE 1=1", []
    for column, value in (("market", market), ("listing_id", listing_id), ("vendor", vendor)):
        if value is not None:
            sql += f" AND {column} = ?" + (" COLLATE NOCASE" if column == "vendor" else "")
            params.append(value)
    return int(conn.execute(sql, params).fetchone()[0])
