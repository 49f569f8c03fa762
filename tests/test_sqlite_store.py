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
