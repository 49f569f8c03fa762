"""The SQLite index's writes of a listing, called inside the store's transactions: its row,
substances, countries, shipping methods, text, observation, evidence links and the run that
saw it."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from index import sqlite_rows as rows
from index.evidence import check_sha256
from index.records import Listing, Observation
from index.sqlite_rows import price_columns, ts
from index.store import Pages


def write_listing(
    conn: sqlite3.Connection, listing: Listing, observation: Observation | None, run_id: int, pages: Pages
) -> None:
    values = rows.listing_columns(listing, run_id)
    columns = ", ".join(values)
    placeholders = ", ".join(f":{name}" for name in values)
    updates = ", ".join(f"{name} = excluded.{name}" for name in values if name != "first_seen")
    substances = listing.substances
    rowid = conn.execute(
        f"INSERT INTO listings ({columns}) VALUES ({placeholders}) "
        f"ON CONFLICT (market, listing_id) DO UPDATE SET {updates} RETURNING rowid",
        values,
    ).fetchone()[0]
    conn.execute("DELETE FROM listing_substances WHERE listing_rowid = ?", (rowid,))
    conn.executemany(
        "INSERT OR IGNORE INTO listing_substances VALUES (?, ?, ?)",
        [(rowid, s["name"], s.get("class", "other")) for s in substances],
    )
    conn.execute("DELETE FROM listing_countries WHERE listing_rowid = ?", (rowid,))
    conn.executemany(
        "INSERT OR IGNORE INTO listing_countries VALUES (?, ?, ?)",
        [(rowid, "from", c) for c in listing.ships_from] + [(rowid, "to", c) for c in listing.ships_to],
    )
    conn.execute("DELETE FROM listing_shipping WHERE listing_rowid = ?", (rowid,))
    conn.executemany(
        "INSERT OR IGNORE INTO listing_shipping VALUES (?, ?, ?)",
        [(rowid, m["name"], m["kind"]) for m in listing.shipping_methods],
    )
    conn.execute("DELETE FROM listings_fts WHERE rowid = ?", (rowid,))
    names = " ".join(sorted({s["name"] for s in substances} | {s.get("text", "") for s in substances}))
    other = " ".join(v for v in (listing.category, listing.vendor, listing.price_alt_raw) if v)
    conn.execute(
        "INSERT INTO listings_fts (rowid, title, description, substances, other) VALUES (?, ?, ?, ?, ?)",
        (rowid, listing.title, listing.description, names, other),
    )
    mark_seen(conn, run_id, listing.market, listing.listing_id, listing.last_seen)
    link(conn, pages, "listing", listing.market, listing.listing_id)
    if observation is not None:
        observation_id = insert_observation(conn, observation)
        link(conn, pages, "observation", listing.market, str(observation_id))


def touch(
    conn: sqlite3.Connection, market: str, listing_id: str, seen_at: datetime, run_id: int, pages: Pages
) -> None:
    conn.execute(
        "UPDATE listings SET last_seen = ?, last_run_id = ? WHERE market = ? AND listing_id = ?",
        (ts(seen_at), run_id, market, listing_id),
    )
    mark_seen(conn, run_id, market, listing_id, seen_at)
    link(conn, pages, "listing", market, listing_id)


def seen(conn: sqlite3.Connection, run_id: int, market: str, listing_id: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM run_listings WHERE run_id = ? AND market = ? AND listing_id = ?",
            (run_id, market, listing_id),
        ).fetchone()
        is not None
    )


def earlier_ok_run(conn: sqlite3.Connection, market: str, run_id: int, back: int) -> int | None:
    """The id of the `back`-th `ok` run of `market` before run `run_id` (1: the latest), or
    None when the market has had fewer."""
    row = conn.execute(
        "SELECT id FROM crawl_runs WHERE market = ? AND status = 'ok' AND id < ? "
        "ORDER BY id DESC LIMIT 1 OFFSET ?",
        (market, run_id, back - 1),
    ).fetchone()
    return None if row is None else int(row[0])


def mark_seen(
    conn: sqlite3.Connection, run_id: int, market: str, listing_id: str, seen_at: datetime | None
) -> None:
    """A sighting, after the listing's row is written (its price per gram is read from it)."""
    conn.execute(
        "INSERT OR IGNORE INTO run_listings (run_id, market, listing_id, seen_at, price_per_gram_eur) "
        "SELECT ?, market, listing_id, ?, json_extract(extraction, '$.price_per_gram_eur') "
        "FROM listings WHERE market = ? AND listing_id = ?",
        (run_id, ts(seen_at), market, listing_id),
    )


def link(conn: sqlite3.Connection, pages: Pages, record: str, market: str, key: str) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO evidence_links VALUES (?, ?, ?, ?, ?)",
        [(check_sha256(sha), record, market, key, role) for sha, role in pages],
    )


def insert_observation(conn: sqlite3.Connection, obs: Observation) -> int:
    amount, currency, eur = price_columns(obs.price)
    cursor = conn.execute(
        "INSERT INTO observations (market, listing_id, run_id, observed_at, price_amount, "
        "price_currency, price_eur, available, evidence, change, sales, feedback_count, stock) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            obs.market,
            obs.listing_id,
            obs.run_id,
            ts(obs.observed_at),
            amount,
            currency,
            eur,
            int(obs.available),
            json.dumps(list(obs.evidence)),
            obs.change,
            obs.sales,
            obs.feedback_count,
            obs.stock,
        ),
    )
    return int(cursor.lastrowid or 0)
