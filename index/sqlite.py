"""The embedded index: one SQLite file in WAL mode, FTS5 for text, one writer.

Every write that belongs together (a listing, its substances, countries, text and
observation) happens in one transaction, so a crash never leaves half a listing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from index.migrations import migrate
from index.query import ListingHit, ListingQuery, SearchResult
from index.records import CrawlRun, Evidence, Listing, Observation, Price, Vendor


def _ts(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _price(amount: str | None, currency: str | None, eur: float | None) -> Price | None:
    if amount is None or currency is None:
        return None
    return Price(Decimal(amount), currency, None if eur is None else Decimal(str(eur)))


def fts_query(text: str) -> str:
    """User text as a safe FTS5 query: every word a quoted prefix term, all required."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    return " ".join(f'"{w}"*' for w in words)


class SqliteStore:
    """`Store` on SQLite. Open read-only for searching; one writer for crawls."""

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly:
            if not self.path.exists():
                raise FileNotFoundError(f"no index at {self.path}; crawl something first")
            uri = f"file:{self.path.resolve()}?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            migrate(self.conn)
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=10000")
        self.conn.row_factory = sqlite3.Row

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- crawl runs -------------------------------------------------------------------
    def start_run(self, run: CrawlRun) -> CrawlRun:
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO crawl_runs (market, started_at, status, stats) VALUES (?, ?, ?, ?)",
                (run.market, _ts(run.started_at), run.status, json.dumps(run.stats)),
            )
        run.id = cursor.lastrowid
        return run

    def finish_run(self, run: CrawlRun) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE crawl_runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
                (_ts(run.finished_at), run.status, json.dumps(run.stats, default=str), run.id),
            )

    def runs(self, market: str | None = None, limit: int = 20) -> list[CrawlRun]:
        sql = "SELECT * FROM crawl_runs"
        params: list[Any] = []
        if market:
            sql += " WHERE market = ?"
            params.append(market)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [
            CrawlRun(
                market=row["market"],
                started_at=_dt(row["started_at"]),  # type: ignore[arg-type]
                id=row["id"],
                finished_at=_dt(row["finished_at"]),
                status=row["status"],
                stats=json.loads(row["stats"]),
            )
            for row in self.conn.execute(sql, params)
        ]

    # --- listings ---------------------------------------------------------------------
    def get_listing(self, market: str, listing_id: str) -> Listing | None:
        row = self.conn.execute(
            "SELECT * FROM listings WHERE market = ? AND listing_id = ?", (market, listing_id)
        ).fetchone()
        return None if row is None else _listing(row)

    def write_listing(self, listing: Listing, observation: Observation | None, run_id: int) -> None:
        values = {
            "market": listing.market,
            "listing_id": listing.listing_id,
            "url": listing.url,
            "title": listing.title,
            "description": listing.description,
            "category": listing.category,
            "vendor": listing.vendor,
            "vendor_url": listing.vendor_url,
            "price_amount": None if listing.price is None else str(listing.price.amount),
            "price_currency": None if listing.price is None else listing.price.currency,
            "price_eur": (
                None
                if listing.price is None or listing.price.eur is None
                else float(listing.price.eur)
            ),
            "ships_from": json.dumps(listing.ships_from),
            "ships_to": json.dumps(listing.ships_to),
            "ships_from_raw": listing.ships_from_raw,
            "ships_to_raw": listing.ships_to_raw,
            "images": json.dumps(listing.images),
            "extraction": json.dumps(listing.extraction, ensure_ascii=False, default=str),
            "evidence": json.dumps(listing.evidence),
            "content_hash": listing.content_hash,
            "first_seen": _ts(listing.first_seen),
            "last_seen": _ts(listing.last_seen),
            "status": listing.status,
            "removed_at": _ts(listing.removed_at),
            "last_run_id": run_id,
        }
        columns = ", ".join(values)
        placeholders = ", ".join(f":{name}" for name in values)
        updates = ", ".join(f"{name} = excluded.{name}" for name in values if name != "first_seen")
        substances = listing.substances
        with self._transaction() as conn:
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
                [(rowid, "from", c) for c in listing.ships_from]
                + [(rowid, "to", c) for c in listing.ships_to],
            )
            conn.execute("DELETE FROM listings_fts WHERE rowid = ?", (rowid,))
            names = " ".join(
                sorted({s["name"] for s in substances} | {s.get("text", "") for s in substances})
            )
            conn.execute(
                "INSERT INTO listings_fts (rowid, title, description, substances) VALUES (?, ?, ?, ?)",
                (rowid, listing.title, listing.description, names),
            )
            if observation is not None:
                self._insert_observation(conn, observation)

    def touch_listing(self, market: str, listing_id: str, seen_at: datetime, run_id: int) -> None:
        """An unchanged listing seen again: move last_seen, record the run, add no row."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE listings SET last_seen = ?, last_run_id = ? WHERE market = ? AND listing_id = ?",
                (_ts(seen_at), run_id, market, listing_id),
            )

    @staticmethod
    def _insert_observation(conn: sqlite3.Connection, obs: Observation) -> None:
        conn.execute(
            "INSERT INTO observations (market, listing_id, run_id, observed_at, price_amount, "
            "price_currency, price_eur, available, evidence, change) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                obs.market,
                obs.listing_id,
                obs.run_id,
                _ts(obs.observed_at),
                None if obs.price is None else str(obs.price.amount),
                None if obs.price is None else obs.price.currency,
                None if obs.price is None or obs.price.eur is None else float(obs.price.eur),
                int(obs.available),
                json.dumps(list(obs.evidence)),
                obs.change,
            ),
        )

    def mark_removed(self, market: str, run_id: int, at: datetime) -> list[str]:
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT listing_id, price_amount, price_currency, price_eur, evidence FROM listings "
                "WHERE market = ? AND status = 'active' AND last_run_id != ?",
                (market, run_id),
            ).fetchall()
            conn.execute(
                "UPDATE listings SET status = 'removed', removed_at = ? "
                "WHERE market = ? AND status = 'active' AND last_run_id != ?",
                (_ts(at), market, run_id),
            )
            for row in rows:
                self._insert_observation(
                    conn,
                    Observation(
                        market=market,
                        listing_id=row["listing_id"],
                        run_id=run_id,
                        observed_at=at,
                        price=_price(row["price_amount"], row["price_currency"], row["price_eur"]),
                        available=False,
                        evidence=tuple(json.loads(row["evidence"])),
                        change="removed",
                    ),
                )
        return [row["listing_id"] for row in rows]

    def observations(self, market: str, listing_id: str) -> list[Observation]:
        rows = self.conn.execute(
            "SELECT * FROM observations WHERE market = ? AND listing_id = ? ORDER BY id",
            (market, listing_id),
        )
        return [
            Observation(
                market=row["market"],
                listing_id=row["listing_id"],
                run_id=row["run_id"],
                observed_at=_dt(row["observed_at"]),  # type: ignore[arg-type]
                price=_price(row["price_amount"], row["price_currency"], row["price_eur"]),
                available=bool(row["available"]),
                evidence=tuple(json.loads(row["evidence"])),
                change=row["change"],
            )
            for row in rows
        ]

    def count_listings(self, market: str | None = None, status: str | None = None) -> int:
        sql, params = "SELECT count(*) FROM listings WHERE 1=1", []
        if market:
            sql += " AND market = ?"
            params.append(market)
        if status:
            sql += " AND status = ?"
            params.append(status)
        return self.conn.execute(sql, params).fetchone()[0]

    def count_observations(self, market: str | None = None) -> int:
        if market:
            return self.conn.execute(
                "SELECT count(*) FROM observations WHERE market = ?", (market,)
            ).fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM observations").fetchone()[0]

    # --- vendors and evidence -----------------------------------------------------------
    def write_vendor(self, vendor: Vendor) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO vendors (market, alias, url, description, pgp_fingerprints, pgp_key, "
                "contacts, crypto_addresses, mentions, evidence, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (market, alias) DO UPDATE SET url = excluded.url, "
                "description = excluded.description, pgp_fingerprints = excluded.pgp_fingerprints, "
                "pgp_key = excluded.pgp_key, contacts = excluded.contacts, "
                "crypto_addresses = excluded.crypto_addresses, mentions = excluded.mentions, "
                "evidence = excluded.evidence, last_seen = excluded.last_seen",
                (
                    vendor.market,
                    vendor.alias,
                    vendor.url,
                    vendor.description,
                    json.dumps(vendor.pgp_fingerprints),
                    vendor.pgp_key,
                    json.dumps(vendor.contacts),
                    json.dumps(vendor.crypto_addresses),
                    json.dumps(vendor.mentions),
                    json.dumps(vendor.evidence),
                    _ts(vendor.first_seen),
                    _ts(vendor.last_seen),
                ),
            )

    def get_vendor(self, market: str, alias: str) -> Vendor | None:
        row = self.conn.execute(
            "SELECT * FROM vendors WHERE market = ? AND alias = ?", (market, alias)
        ).fetchone()
        if row is None:
            return None
        return Vendor(
            market=row["market"],
            alias=row["alias"],
            url=row["url"],
            description=row["description"],
            pgp_fingerprints=json.loads(row["pgp_fingerprints"]),
            pgp_key=row["pgp_key"],
            contacts=json.loads(row["contacts"]),
            crypto_addresses=json.loads(row["crypto_addresses"]),
            mentions=json.loads(row["mentions"]),
            evidence=json.loads(row["evidence"]),
            first_seen=_dt(row["first_seen"]),
            last_seen=_dt(row["last_seen"]),
        )

    def vendors(self, market: str | None = None) -> list[Vendor]:
        sql, params = "SELECT market, alias FROM vendors", []
        if market:
            sql += " WHERE market = ?"
            params.append(market)
        rows = self.conn.execute(sql + " ORDER BY market, alias", params).fetchall()
        return [v for r in rows if (v := self.get_vendor(r["market"], r["alias"])) is not None]

    def add_evidence(self, evidence: Evidence) -> bool:
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO evidence VALUES (?, ?, ?, ?, ?, ?)",
                (
                    evidence.sha256,
                    evidence.url,
                    _ts(evidence.fetched_at),
                    evidence.status,
                    evidence.size,
                    evidence.content_type,
                ),
            )
        return cursor.rowcount > 0

    def get_evidence(self, sha256: str) -> Evidence | None:
        row = self.conn.execute("SELECT * FROM evidence WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else _evidence(row)

    def iter_evidence(self) -> Iterator[Evidence]:
        for row in self.conn.execute("SELECT * FROM evidence ORDER BY sha256"):
            yield _evidence(row)

    # --- search -------------------------------------------------------------------------
    def search(self, query: ListingQuery) -> SearchResult:
        where, params, ctes, rank = _where(query)
        base = f"FROM listings l {rank['join']} WHERE {' AND '.join(where) or '1=1'}"
        total = self.conn.execute(f"{ctes} SELECT count(*) {base}", params).fetchone()[0]
        order = _ORDER[query.sort] if query.sort != "relevance" else rank["order"]
        rows = self.conn.execute(
            f"{ctes} SELECT l.*, {rank['score']} AS score {base} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, query.limit, query.offset],
        ).fetchall()
        return SearchResult(total=total, hits=[_hit(row) for row in rows])


_ORDER = {
    "price": "l.price_eur IS NULL, l.price_eur ASC, l.rowid",
    "-price": "l.price_eur IS NULL, l.price_eur DESC, l.rowid",
    "last_seen": "l.last_seen ASC, l.rowid",
    "-last_seen": "l.last_seen DESC, l.rowid",
    "first_seen": "l.first_seen ASC, l.rowid",
    "-first_seen": "l.first_seen DESC, l.rowid",
}


def _where(q: ListingQuery) -> tuple[list[str], list[Any], str, dict[str, str]]:
    """SQL conditions and parameters for a query; values are always parameters."""
    where: list[str] = []
    params: list[Any] = []
    ctes = ""
    rank = {"join": "", "score": "0.0", "order": "l.last_seen DESC, l.rowid"}
    match = fts_query(q.text) if q.text else ""
    if match:
        ctes = (
            "WITH fts AS (SELECT rowid, bm25(listings_fts, 10.0, 1.0, 5.0) AS rank "
            "FROM listings_fts WHERE listings_fts MATCH ?)"
        )
        params.append(match)
        rank = {
            "join": "LEFT JOIN fts ON fts.rowid = l.rowid",
            "score": "-COALESCE(fts.rank, 0.0)",
            "order": "COALESCE(fts.rank, 0.0) ASC, l.last_seen DESC, l.rowid",
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
            params.append(_ts(value))
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


def _listing(row: sqlite3.Row) -> Listing:
    return Listing(
        market=row["market"],
        listing_id=row["listing_id"],
        url=row["url"],
        title=row["title"],
        description=row["description"],
        category=row["category"],
        vendor=row["vendor"],
        vendor_url=row["vendor_url"],
        price=_price(row["price_amount"], row["price_currency"], row["price_eur"]),
        ships_from=json.loads(row["ships_from"]),
        ships_to=json.loads(row["ships_to"]),
        ships_from_raw=row["ships_from_raw"],
        ships_to_raw=row["ships_to_raw"],
        images=json.loads(row["images"]),
        extraction=json.loads(row["extraction"]),
        evidence=json.loads(row["evidence"]),
        content_hash=row["content_hash"],
        first_seen=_dt(row["first_seen"]),
        last_seen=_dt(row["last_seen"]),
        status=row["status"],
        removed_at=_dt(row["removed_at"]),
    )


def _hit(row: sqlite3.Row) -> ListingHit:
    extraction = json.loads(row["extraction"])
    return ListingHit(
        market=row["market"],
        listing_id=row["listing_id"],
        url=row["url"],
        title=row["title"],
        vendor=row["vendor"],
        price_amount=None if row["price_amount"] is None else Decimal(row["price_amount"]),
        price_currency=row["price_currency"],
        price_eur=None if row["price_eur"] is None else Decimal(str(row["price_eur"])),
        ships_from=json.loads(row["ships_from"]),
        ships_to=json.loads(row["ships_to"]),
        status=row["status"],
        first_seen=_dt(row["first_seen"]),  # type: ignore[arg-type]
        last_seen=_dt(row["last_seen"]),  # type: ignore[arg-type]
        substances=extraction.get("substances", []),
        extraction=extraction,
        evidence=json.loads(row["evidence"]),
        score=float(row["score"] or 0.0),
    )


def _evidence(row: sqlite3.Row) -> Evidence:
    return Evidence(
        sha256=row["sha256"],
        url=row["url"],
        fetched_at=_dt(row["fetched_at"]),  # type: ignore[arg-type]
        status=row["status"],
        size=row["size"],
        content_type=row["content_type"],
    )
