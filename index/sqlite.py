"""The embedded index: one SQLite file in WAL mode, FTS5 for text, one writer.

Every write that belongs together (a listing, its substances, countries, text, observation,
evidence links and the run that saw it) happens in one transaction, so a crash never leaves
half a listing. Backend errors leave this module as `index.errors.StoreError`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from index import sqlite_feedback as feedback_rows
from index import sqlite_locks as locks
from index import sqlite_rows as rows
from index import sqlite_trends
from index import sqlite_writes as writes
from index.errors import StoreError
from index.evidence import check_sha256
from index.migrations import migrate, pending
from index.query import FACETS, Facets, ListingQuery, PricePoint, SearchResult, SubstancePoint, TrendQuery
from index.records import (
    CrawlRun,
    Evidence,
    EvidenceLink,
    Feedback,
    Listing,
    LockOwner,
    Observation,
    Vendor,
    stats_json,
)
from index.sqlite_rows import ts
from index.sqlite_search import facets, search
from index.store import Pages
from index.versioning import Recorded, plan


class SqliteStore:
    """`Store` on SQLite. Open read-only for searching; one writer for crawls."""

    #: every write is committed when it returns (a crawl's frontier marks a page done at once)
    writes_through = True

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        self.path = Path(path)
        try:
            if readonly:
                if not self.path.exists():
                    raise FileNotFoundError(f"no index at {self.path}; crawl something first")
                uri = f"file:{self.path.resolve()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, isolation_level=None)
                if pending(self.conn):  # an index written by an older Vigil: bring it up to date
                    self.conn.close()
                    SqliteStore(self.path).close()
                    self.conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, isolation_level=None)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
                migrate(self.conn)
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=10000")
        except (sqlite3.Error, OSError) as exc:
            if isinstance(exc, FileNotFoundError):
                raise
            raise StoreError(f"cannot open the index at {self.path}: {exc}") from exc
        self.conn.row_factory = sqlite3.Row

    def close(self) -> None:
        self.conn.close()

    def flush(self) -> None:
        """Every write is committed when it returns: nothing to do."""

    def backlog(self) -> int:
        return 0

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the index at {self.path}: {exc}") from exc
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"write to the index at {self.path} failed: {exc}") from exc
            raise

    # --- crawl runs and locks (one crawl of a market at a time: index/sqlite_locks.py) ---
    def acquire_lock(self, market: str, owner: LockOwner, now: datetime, stale_after: float) -> list[int]:
        """Take the market's crawl lock or raise `MarketLocked`; a dead holder's lock is taken
        over and its `running` runs marked `failed` (their ids are returned)."""
        with self._transaction() as conn:
            return locks.acquire(conn, market, owner, now, stale_after)

    def heartbeat(self, market: str, owner: LockOwner, now: datetime) -> None:
        with self._transaction() as conn:
            locks.heartbeat(conn, market, owner, now)

    def release_lock(self, market: str, owner: LockOwner) -> None:
        with self._transaction() as conn:
            locks.release(conn, market, owner)

    def start_run(self, run: CrawlRun, owner: LockOwner | None = None) -> CrawlRun:
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO crawl_runs (market, started_at, status, stats) VALUES (?, ?, ?, ?)",
                (run.market, ts(run.started_at), run.status, json.dumps(run.stats)),
            )
            run.id = cursor.lastrowid
            if owner is not None:
                conn.execute(
                    "UPDATE market_locks SET run_id = ? WHERE market = ? AND token = ?",
                    (run.id, run.market, owner.token),
                )
        return run

    def finish_run(self, run: CrawlRun) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE crawl_runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
                (ts(run.finished_at), run.status, json.dumps(run.stats, default=str), run.id),
            )

    def runs(self, market: str | None = None, limit: int = 20) -> list[CrawlRun]:
        sql = "SELECT * FROM crawl_runs"
        params: list[Any] = []
        if market:
            sql += " WHERE market = ?"
            params.append(market)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [rows.run(row) for row in self.conn.execute(sql, params)]

    def get_run(self, run_id: int) -> CrawlRun | None:
        row = self.conn.execute("SELECT * FROM crawl_runs WHERE id = ?", (run_id,)).fetchone()
        return None if row is None else rows.run(row)

    def markets(self) -> list[str]:
        """Every market the index holds anything of."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT market FROM listings UNION SELECT market FROM crawl_runs ORDER BY 1"
            )
        ]

    # --- listings ---------------------------------------------------------------------
    def get_listing(self, market: str, listing_id: str) -> Listing | None:
        row = self.conn.execute(
            "SELECT * FROM listings WHERE market = ? AND listing_id = ?", (market, listing_id)
        ).fetchone()
        return None if row is None else rows.listing(row)

    def seen_in_run(self, run_id: int, market: str, listing_id: str) -> bool:
        return writes.seen(self.conn, run_id, market, listing_id)

    def record_listing(self, listing: Listing, run_id: int, pages: Pages = ()) -> Recorded:
        """Compare a sighting with the stored state and write what changed, in one
        transaction (`index.versioning.plan` decides)."""
        with self._transaction() as conn:
            if writes.seen(conn, run_id, listing.market, listing.listing_id):
                return Recorded("duplicate")
            row = conn.execute(
                "SELECT * FROM listings WHERE market = ? AND listing_id = ?",
                (listing.market, listing.listing_id),
            ).fetchone()
            recorded, state, observation = plan(None if row is None else rows.listing(row), listing, run_id)
            if observation is None:
                assert state.last_seen is not None
                writes.touch(conn, state.market, state.listing_id, state.last_seen, run_id, pages)
            else:
                writes.write_listing(conn, state, observation, run_id, pages)
            return recorded

    def write_listing(
        self, listing: Listing, observation: Observation | None, run_id: int, pages: Pages = ()
    ) -> None:
        with self._transaction() as conn:
            writes.write_listing(conn, listing, observation, run_id, pages)

    def touch_listing(
        self, market: str, listing_id: str, seen_at: datetime, run_id: int, pages: Pages = ()
    ) -> None:
        """An unchanged listing seen again: move last_seen, record the run, add no row."""
        with self._transaction() as conn:
            writes.touch(conn, market, listing_id, seen_at, run_id, pages)

    def mark_removed(self, market: str, run_id: int, at: datetime, confirm_runs: int = 1) -> list[str]:
        unseen = (
            "market = ? AND status = 'active' AND NOT EXISTS (SELECT 1 FROM run_listings r "
            "WHERE r.run_id = ? AND r.market = listings.market AND r.listing_id = listings.listing_id)"
        )
        params: tuple[Any, ...] = (market, run_id)
        if confirm_runs > 1:
            # missed by the N - 1 previous complete runs too: last seen before the oldest of them
            oldest = writes.earlier_ok_run(self.conn, market, run_id, confirm_runs - 1)
            if oldest is None:
                return []
            unseen += " AND last_run_id < ?"
            params += (oldest,)
        with self._transaction() as conn:
            found = conn.execute(f"SELECT * FROM listings WHERE {unseen}", params).fetchall()
            conn.execute(
                f"UPDATE listings SET status = 'removed', removed_at = ? WHERE {unseen}",
                (ts(at), *params),
            )
            for row in found:
                gone = rows.listing(row)
                writes.insert_observation(
                    conn,
                    Observation(
                        market=market,
                        listing_id=gone.listing_id,
                        run_id=run_id,
                        observed_at=at,
                        price=gone.price,
                        available=False,
                        evidence=tuple(gone.evidence),
                        change="removed",
                        sales=gone.sales,
                        feedback_count=gone.feedback_count,
                        stock=gone.stock,
                    ),
                )
        return [row["listing_id"] for row in found]

    def observations(self, market: str, listing_id: str) -> list[Observation]:
        found = self.conn.execute(
            "SELECT * FROM observations WHERE market = ? AND listing_id = ? ORDER BY id",
            (market, listing_id),
        )
        return [rows.observation(row) for row in found]

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

    def listings_of_vendor(self, market: str, alias: str, limit: int = 100) -> list[Listing]:
        found = self.conn.execute(
            "SELECT * FROM listings WHERE market = ? AND vendor = ? COLLATE NOCASE "
            "ORDER BY last_seen DESC, market, listing_id LIMIT ?",
            (market, alias, limit),
        )
        return [rows.listing(row) for row in found]

    # --- vendors and evidence -----------------------------------------------------------
    def write_vendor(self, vendor: Vendor, pages: Pages = ()) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO vendors (market, alias, url, description, pgp_fingerprints, pgp_key, "
                "contacts, crypto_addresses, mentions, evidence, first_seen, last_seen, stats, terms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (market, alias) DO UPDATE SET url = excluded.url, "
                "description = excluded.description, pgp_fingerprints = excluded.pgp_fingerprints, "
                "pgp_key = excluded.pgp_key, contacts = excluded.contacts, "
                "crypto_addresses = excluded.crypto_addresses, mentions = excluded.mentions, "
                "evidence = excluded.evidence, last_seen = excluded.last_seen, stats = excluded.stats, "
                "terms = excluded.terms",
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
                    ts(vendor.first_seen),
                    ts(vendor.last_seen),
                    json.dumps(stats_json(vendor.stats)),
                    vendor.terms,
                ),
            )
            writes.link(conn, pages, "vendor", vendor.market, vendor.alias)

    def get_vendor(self, market: str, alias: str) -> Vendor | None:
        row = self.conn.execute(
            "SELECT * FROM vendors WHERE market = ? AND alias = ?", (market, alias)
        ).fetchone()
        return None if row is None else rows.vendor(row)

    def vendors(self, market: str | None = None) -> list[Vendor]:
        sql, params = "SELECT * FROM vendors", []
        if market:
            sql += " WHERE market = ?"
            params.append(market)
        return [rows.vendor(r) for r in self.conn.execute(sql + " ORDER BY market, alias", params)]

    def vendors_named(self, alias: str) -> list[Vendor]:
        """Every market's vendor of this alias (case-insensitive)."""
        found = self.conn.execute(
            "SELECT * FROM vendors WHERE alias = ? COLLATE NOCASE ORDER BY market", (alias,)
        )
        return [rows.vendor(r) for r in found]

    def add_evidence(self, evidence: Evidence) -> bool:
        check_sha256(evidence.sha256)
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO evidence VALUES (?, ?, ?, ?, ?, ?)",
                (
                    evidence.sha256,
                    evidence.url,
                    ts(evidence.fetched_at),
                    evidence.status,
                    evidence.size,
                    evidence.content_type,
                ),
            )
        return cursor.rowcount > 0

    def write_feedback(self, records: Sequence[Feedback]) -> None:
        with self._transaction() as conn:
            feedback_rows.write(conn, records)

    def feedback(
        self, market: str, *, listing_id: str | None = None, vendor: str | None = None, limit: int = 100
    ) -> list[Feedback]:
        return feedback_rows.read(self.conn, market, listing_id, vendor, limit)

    def count_feedback(
        self, market: str | None = None, *, listing_id: str | None = None, vendor: str | None = None
    ) -> int:
        return feedback_rows.count(self.conn, market, listing_id, vendor)

    def get_evidence(self, sha256: str) -> Evidence | None:
        row = self.conn.execute("SELECT * FROM evidence WHERE sha256 = ?", (check_sha256(sha256),)).fetchone()
        return None if row is None else rows.evidence(row)

    def iter_evidence(self) -> Iterator[Evidence]:
        for row in self.conn.execute("SELECT * FROM evidence ORDER BY sha256"):
            yield rows.evidence(row)

    def evidence_links(self, sha256: str) -> list[EvidenceLink]:
        """The records that cite a page, and in which role."""
        found = self.conn.execute(
            "SELECT * FROM evidence_links WHERE sha256 = ? ORDER BY record, market, key, role",
            (check_sha256(sha256),),
        )
        return [rows.link(r) for r in found]

    def links_of(self, record: str, market: str, key: str) -> list[EvidenceLink]:
        """The pages that prove one record (listing, observation or vendor)."""
        found = self.conn.execute(
            "SELECT * FROM evidence_links WHERE record = ? AND market = ? AND key = ? ORDER BY role, sha256",
            (record, market, key),
        )
        return [rows.link(r) for r in found]

    # --- search -------------------------------------------------------------------------
    def search(self, query: ListingQuery) -> SearchResult:
        return search(self.conn, query)

    def facets(self, query: ListingQuery, fields: tuple[str, ...] = FACETS, size: int = 10) -> Facets:
        return facets(self.conn, query, fields, size)

    def substance_trend(self, query: TrendQuery) -> list[SubstancePoint]:
        return sqlite_trends.substance_trend(self.conn, query)

    def price_per_gram(self, query: TrendQuery) -> list[PricePoint]:
        return sqlite_trends.price_per_gram(self.conn, query)
