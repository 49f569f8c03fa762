"""What only the SQLite index has: transactions, read-only files, FTS5 query syntax and its
migrations. The behaviour every backend shares is in test_store.py."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from index.migrations import MIGRATIONS, migrate
from index.query import ListingQuery
from index.records import CrawlRun, Listing, Price
from index.sqlite import SqliteStore
from index.sqlite_search import fts_query

T0 = datetime(2026, 1, 5, 12, tzinfo=UTC)


def listing(listing_id: str, title: str, *, market: str = "m1", substances=(), eur=None,
            vendor: str = "v", ships_from=(), seen: datetime = T0, description: str = "") -> Listing:
    return Listing(
        market=market,
        listing_id=listing_id,
        url=f"http://x/{listing_id}",
        title=title,
        description=description,
        vendor=vendor,
        price=None if eur is None else Price(Decimal(eur), "EUR", Decimal(eur)),
        ships_from=list(ships_from),
        extraction={"substances": [{"name": n, "class": c, "text": n} for n, c in substances]},
        content_hash=listing_id + title,
        first_seen=seen,
        last_seen=seen,
    )


@pytest.fixture
def store(tmp_path):
    store = SqliteStore(tmp_path / "index.sqlite3")
    yield store
    store.close()


@pytest.fixture
def run_id(store) -> int:
    return store.start_run(CrawlRun(market="m1", started_at=T0)).id


def test_write_is_atomic_a_failure_leaves_no_half_listing(store, run_id):
    broken = listing("1", "Ketamine 5g")
    broken.extraction = {"substances": [{"class": "dissociative"}]}  # no name: fails mid-write
    with pytest.raises(KeyError):
        store.write_listing(broken, None, run_id)
    assert store.get_listing("m1", "1") is None
    assert store.search(ListingQuery(text="ketamine")).total == 0


@pytest.fixture
def corpus(store, run_id):
    rows = [
        listing("1", "Ketamine crystal 5g", substances=[("ketamine", "dissociative")], eur="50",
                ships_from=["NL"], vendor="DutchDirect"),
        listing("2", "K shards 10g", substances=[("ketamine", "dissociative")], eur="90",
                ships_from=["DE"], market="m2", seen=T0 + timedelta(days=3)),
        listing("3", "3-MMC 10g", substances=[("3-MMC", "cathinone")], eur="40",
                ships_from=["NL"], description="Strong 3mmc"),
        listing("4", "Fake Rolex watch", eur="120"),
        listing("5", "Ketamin 1g", substances=[("ketamine", "dissociative")], eur="12",
                seen=T0 + timedelta(days=10)),
    ]
    for row in rows:
        store.write_listing(row, None, run_id)
    return rows


@pytest.mark.parametrize("hostile", ['ketamine" OR "', "NEAR(a b)", "*", "-", '"', "a:b", "'; DROP"])
def test_hostile_search_text_is_never_a_syntax_error(store, corpus, hostile):
    store.search(ListingQuery(text=hostile))  # must not raise
    assert fts_query(hostile).count('"') % 2 == 0


def test_readonly_store_refuses_writes(tmp_path, store, run_id):
    reader = SqliteStore(store.path, readonly=True)
    with pytest.raises(Exception, match="readonly"):
        reader.write_listing(listing("9", "x"), None, run_id)
    reader.close()


# --- the crawl lock, evidence links, the listings a run saw ---------------------------------
def owner(pid: int | None = None, host: str | None = None):
    import os

    from index.records import LockOwner

    here = LockOwner.here()
    return LockOwner(host or here.host, pid or os.getpid(), here.token)


def test_an_index_from_before_the_links_migration_gets_its_links(tmp_path):
    import json
    import sqlite3

    from index.migrations import MIGRATIONS, _statements

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for statement in _statements(MIGRATIONS[0][1]):
        conn.execute(statement)
    conn.execute("INSERT INTO _migrations VALUES ('0001_initial', 'x')")
    conn.execute(
        "INSERT INTO listings (market, listing_id, url, title, content_hash, first_seen, last_seen, "
        "status, last_run_id, evidence) VALUES ('m1', '1', 'u', 'Ketamine', 'h', ?, ?, 'active', 1, ?)",
        (T0.isoformat(), T0.isoformat(), json.dumps(["c" * 64])),
    )
    conn.close()
    store = SqliteStore(path)
    assert [(x.record, x.key) for x in store.evidence_links("c" * 64)] == [("listing", "1")]
    assert store.seen_in_run(1, "m1", "1")
    assert store.search(ListingQuery(text="ketamine")).total == 1
    store.close()


def test_connections_opening_a_new_index_together_all_succeed(tmp_path):
    """A reader that finds an index mid-migration (a crawl just starting) must not trip on it."""
    for attempt in range(20):
        path = tmp_path / f"race{attempt}.sqlite3"

        def open_and_migrate(path=path) -> list[str]:
            conn = sqlite3.connect(path, isolation_level=None, timeout=10)
            try:
                return migrate(conn)
            finally:
                conn.close()

        with ThreadPoolExecutor(4) as pool:
            applied = list(pool.map(lambda _: open_and_migrate(), range(4)))
        assert sorted(name for names in applied for name in names) == sorted(n for n, _ in MIGRATIONS)
