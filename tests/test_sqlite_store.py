"""The SQLite index: atomic writes, removal, and search with every filter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from index.query import ListingQuery
from index.records import CrawlRun, Listing, Observation, Price
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


def test_rewrite_keeps_first_seen_and_replaces_substances(store, run_id):
    store.write_listing(listing("1", "Speed paste", substances=[("amphetamine", "stimulant")]),
                        None, run_id)
    later = listing("1", "MDMA crystals", substances=[("MDMA", "entactogen")],
                    seen=T0 + timedelta(days=1))
    store.write_listing(later, None, run_id)
    stored = store.get_listing("m1", "1")
    assert stored.first_seen == T0 and stored.last_seen == T0 + timedelta(days=1)
    assert store.search(ListingQuery(substances=("amphetamine",))).total == 0
    assert store.search(ListingQuery(substances=("MDMA",))).total == 1
    assert store.search(ListingQuery(text="speed")).total == 0


def test_mark_removed_only_touches_listings_the_run_did_not_see(store, run_id):
    store.write_listing(listing("1", "a"), None, run_id)
    store.write_listing(listing("2", "b"), None, run_id)
    second = store.start_run(CrawlRun(market="m1", started_at=T0)).id
    store.touch_listing("m1", "1", T0 + timedelta(days=1), second)
    removed = store.mark_removed("m1", second, T0 + timedelta(days=1))
    assert removed == ["2"]
    assert store.get_listing("m1", "2").status == "removed"
    assert store.get_listing("m1", "2").last_seen == T0  # its last-seen time is kept
    assert store.get_listing("m1", "1").status == "active"
    assert [o.change for o in store.observations("m1", "2")] == ["removed"]


def test_observations_are_a_time_series(store, run_id):
    obs = Observation("m1", "1", run_id, T0, Price(Decimal("10"), "USD"), True, ("abc",))
    store.write_listing(listing("1", "a"), obs, run_id)
    got = store.observations("m1", "1")
    assert len(got) == 1 and got[0].price.amount == Decimal("10") and got[0].evidence == ("abc",)


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


def ids(result) -> list[str]:
    return [h.listing.listing_id for h in result.hits]


def test_search_text_matches_titles_and_extracted_substance_names(store, corpus):
    # "K shards" says no "ketamine", but its extraction does
    assert set(ids(store.search(ListingQuery(text="ketamine")))) == {"1", "2", "5"}
    # a word that is in no text but names a substance (resolved by the caller) still finds it
    found = store.search(ListingQuery(text="Special-K", substances=("ketamine",)))
    assert set(ids(found)) == {"1", "2", "5"}
    assert store.search(ListingQuery(text="Special-K")).total == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (ListingQuery(classes=("dissociative",)), {"1", "2", "5"}),
        (ListingQuery(classes=("cathinone",)), {"3"}),
        (ListingQuery(markets=("m2",)), {"2"}),
        (ListingQuery(vendors=("dutchdirect",)), {"1"}),
        (ListingQuery(ships_from=("nl",)), {"1", "3"}),
        (ListingQuery(price_min_eur=Decimal("41"), price_max_eur=Decimal("100")), {"1", "2"}),
        (ListingQuery(since=T0 + timedelta(days=2)), {"2", "5"}),
        (ListingQuery(until=T0 + timedelta(days=2)), {"1", "3", "4"}),
        (ListingQuery(text="3mmc"), {"3"}),
        (ListingQuery(text="rolex", classes=("cathinone",)), set()),
    ],
)
def test_search_filters(store, corpus, query, expected):
    result = store.search(query)
    assert set(ids(result)) == expected
    assert result.total == len(expected)


def test_sort_and_paging(store, corpus):
    by_price = ids(store.search(ListingQuery(sort="price", limit=10)))
    assert by_price == ["5", "3", "1", "2", "4"]
    page2 = ids(store.search(ListingQuery(sort="price", limit=2, offset=2)))
    assert page2 == ["1", "2"]
    assert ids(store.search(ListingQuery(sort="-last_seen", limit=1))) == ["5"]


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


def test_a_live_crawl_holds_its_market_and_a_dead_ones_lock_is_taken_over(store):
    import subprocess

    from index.records import MarketLocked

    store.acquire_lock("m1", owner(), T0, 900)
    run = store.start_run(CrawlRun(market="m1", started_at=T0), None)
    with pytest.raises(MarketLocked, match="another crawl of m1 is running"):
        store.acquire_lock("m1", owner(), T0, 900)  # same live process, another crawl
    store.acquire_lock("m2", owner(), T0, 900)  # other markets are free
    # the holder dies (a pid that existed and is gone now): its lock and its run are stale
    dead = subprocess.Popen(["true"])
    dead.wait()
    store.conn.execute("UPDATE market_locks SET pid = ? WHERE market = 'm1'", (dead.pid,))
    assert store.acquire_lock("m1", owner(), T0, 900) == [run.id]
    assert store.get_run(run.id).status == "failed"
    assert store.get_run(run.id).stats["close_reason"] == "stale_lock"


def test_another_hosts_lock_is_stale_only_after_its_heartbeat_stops(store):
    from index.records import MarketLocked

    far = owner(pid=1, host="other-host")
    store.acquire_lock("m1", far, T0, 900)
    with pytest.raises(MarketLocked):
        store.acquire_lock("m1", owner(), T0 + timedelta(seconds=600), 900)
    store.heartbeat("m1", far, T0 + timedelta(seconds=800))
    with pytest.raises(MarketLocked):
        store.acquire_lock("m1", owner(), T0 + timedelta(seconds=1500), 900)
    assert store.acquire_lock("m1", owner(), T0 + timedelta(seconds=1800), 900) == []


def test_released_lock_frees_the_market(store):
    me = owner()
    store.acquire_lock("m1", me, T0, 900)
    store.release_lock("m1", me)
    store.acquire_lock("m1", owner(), T0, 900)


def test_evidence_links_join_pages_to_listings_observations_and_vendors(store, run_id):
    from index.records import Evidence, Vendor

    card, page = "a" * 64, "b" * 64
    for sha in (card, page):
        store.add_evidence(Evidence(sha, f"http://x/{sha[0]}", T0, 200, 10))
    obs = Observation("m1", "1", run_id, T0, None, True, (card, page), "new")
    store.write_listing(listing("1", "Ketamine 5g"), obs, run_id, [(card, "card"), (page, "listing")])
    store.write_vendor(Vendor("m1", "rex", first_seen=T0, last_seen=T0), [(page, "vendor")])
    cited = {(x.record, x.key, x.role) for x in store.evidence_links(page)}
    observation_id = str(store.observations("m1", "1")[0].id)
    assert cited == {("listing", "1", "listing"), ("observation", observation_id, "listing"),
                     ("vendor", "rex", "vendor")}
    assert {(x.sha256, x.role) for x in store.links_of("listing", "m1", "1")} == {
        (card, "card"), (page, "listing")}


@pytest.mark.parametrize("bad", ["", "../../etc/passwd", "A" * 64, "g" * 64, "a" * 63, "a" * 65])
def test_a_hash_that_is_not_64_hex_characters_is_refused_at_the_boundary(store, run_id, bad):
    with pytest.raises(ValueError, match="SHA-256"):
        store.write_listing(listing("1", "x"), None, run_id, [(bad, "card")])
    with pytest.raises(ValueError, match="SHA-256"):
        store.get_evidence(bad)
    assert store.get_listing("m1", "1") is None  # nothing half-written


def test_removal_is_decided_by_the_listings_the_run_saw(store):
    first = store.start_run(CrawlRun(market="m1", started_at=T0)).id
    for i in "12":
        store.write_listing(listing(i, f"t{i}"), None, first)
    second = store.start_run(CrawlRun(market="m1", started_at=T0)).id
    store.touch_listing("m1", "1", T0 + timedelta(days=1), second)
    assert store.seen_in_run(second, "m1", "1") and not store.seen_in_run(second, "m1", "2")
    assert store.mark_removed("m1", second, T0 + timedelta(days=1)) == ["2"]


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
