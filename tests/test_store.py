"""One behaviour, three backends: the same suite on SQLite, Elasticsearch and OpenSearch.

Each test gets a fresh index (a new SQLite file, or a new index prefix on the session's
node). Writes are followed by `flush()` where a search follows, as a crawl does at its end.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from stores import BACKENDS, open_backend

from index.query import ListingQuery, TrendQuery
from index.records import CrawlRun, Evidence, Listing, LockOwner, MarketLocked, Observation, Price, Vendor

T0 = datetime(2026, 1, 5, 12, tzinfo=UTC)


def listing(
    listing_id: str,
    title: str,
    *,
    market: str = "m1",
    substances=(),
    eur=None,
    vendor: str = "v",
    ships_from=(),
    seen: datetime = T0,
    description: str = "",
) -> Listing:
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
        content_hash=listing_id + title + str(eur),
        first_seen=seen,
        last_seen=seen,
    )


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    yield from open_backend(request, request.param, tmp_path)


@pytest.fixture
def run_id(store) -> int:
    return store.start_run(CrawlRun(market="m1", started_at=T0)).id


def new_run(store, market: str = "m1") -> int:
    return store.start_run(CrawlRun(market=market, started_at=T0)).id


def ids(result) -> list[str]:
    return [h.listing.listing_id for h in result.hits]


# --- recording what a crawl sees -------------------------------------------------------------
def test_a_sighting_is_new_then_unchanged_then_changed_then_removed_then_reappears(store):
    first = new_run(store)
    assert store.record_listing(listing("1", "Ketamine 5g", eur="50"), first).change == "new"
    assert store.record_listing(listing("1", "Ketamine 5g", eur="50"), first).change == "duplicate"
    second = new_run(store)
    later = T0 + timedelta(days=1)
    assert (
        store.record_listing(listing("1", "Ketamine 5g", eur="50", seen=later), second).change == "unchanged"
    )
    third = new_run(store)
    changed = store.record_listing(listing("1", "Ketamine 5g", eur="45", seen=later), third)
    assert (changed.change, changed.price_changed) == ("changed", True)
    store.flush()
    fourth = new_run(store)
    assert store.mark_removed("m1", fourth, T0 + timedelta(days=2)) == ["1"]
    fifth = new_run(store)
    back = listing("1", "Ketamine 5g", eur="45", seen=T0 + timedelta(days=3))
    assert store.record_listing(back, fifth).change == "reappeared"
    store.flush()
    stored = store.get_listing("m1", "1")
    assert stored.first_seen == T0 and stored.last_seen == T0 + timedelta(days=3)
    assert stored.status == "active"
    assert [o.change for o in store.observations("m1", "1")] == ["new", "changed", "removed", "reappeared"]
    assert store.count_observations("m1") == 4 and store.count_listings("m1") == 1


def test_rewrite_keeps_first_seen_and_replaces_substances(store, run_id):
    store.write_listing(listing("1", "Speed paste", substances=[("amphetamine", "stimulant")]), None, run_id)
    later = listing("1", "MDMA crystals", substances=[("MDMA", "entactogen")], seen=T0 + timedelta(days=1))
    later.first_seen = T0
    store.write_listing(later, None, run_id)
    store.flush()
    stored = store.get_listing("m1", "1")
    assert stored.first_seen == T0 and stored.last_seen == T0 + timedelta(days=1)
    assert store.search(ListingQuery(substances=("amphetamine",))).total == 0
    assert store.search(ListingQuery(substances=("MDMA",))).total == 1
    assert store.search(ListingQuery(text="speed")).total == 0


def test_removal_is_decided_by_the_listings_the_run_saw(store):
    first = new_run(store)
    for i in "12":
        store.record_listing(listing(i, f"t{i}"), first)
    second = new_run(store)
    store.record_listing(listing("1", "t1", seen=T0 + timedelta(days=1)), second)
    assert store.seen_in_run(second, "m1", "1") and not store.seen_in_run(second, "m1", "2")
    assert store.mark_removed("m1", second, T0 + timedelta(days=1)) == ["2"]
    removed = store.get_listing("m1", "2")
    assert removed.status == "removed" and removed.last_seen == T0  # its last-seen time is kept
    assert store.get_listing("m1", "1").status == "active"
    assert [o.change for o in store.observations("m1", "2")] == ["new", "removed"]


def test_observations_keep_price_and_evidence(store, run_id):
    obs = Observation("m1", "1", run_id, T0, Price(Decimal("10.50"), "USD"), True, ("a" * 64,))
    store.write_listing(listing("1", "a"), obs, run_id)
    store.flush()
    got = store.observations("m1", "1")
    assert len(got) == 1 and got[0].price.amount == Decimal("10.50") and got[0].evidence == ("a" * 64,)


# --- search ------------------------------------------------------------------------------------
@pytest.fixture
def corpus(store, run_id):
    rows = [
        listing(
            "1",
            "Ketamine crystal 5g",
            substances=[("ketamine", "dissociative")],
            eur="50",
            ships_from=["NL"],
            vendor="DutchDirect",
        ),
        listing(
            "2",
            "K shards 10g",
            substances=[("ketamine", "dissociative")],
            eur="90",
            ships_from=["DE"],
            market="m2",
            seen=T0 + timedelta(days=3),
        ),
        listing(
            "3",
            "3-MMC 10g",
            substances=[("3-MMC", "cathinone")],
            eur="40",
            ships_from=["NL"],
            description="Strong 3mmc, très pur",
        ),
        listing("4", "Fake Rolex watch", eur="120"),
        listing(
            "5",
            "Ketamin 1g",
            substances=[("ketamine", "dissociative")],
            eur="12",
            seen=T0 + timedelta(days=10),
        ),
        listing("6", "Ketamine 5g", substances=[("ketamine", "dissociative")], eur="50", market="m2"),
    ]
    for row in rows:
        store.write_listing(row, None, run_id)
    store.flush()
    return rows


def test_search_text_matches_titles_and_extracted_substance_names(store, corpus):
    # "K shards" says no "ketamine", but its extraction does
    assert set(ids(store.search(ListingQuery(text="ketamine")))) == {"1", "2", "5", "6"}
    found = store.search(ListingQuery(text="Special-K", substances=("ketamine",)))
    assert set(ids(found)) == {"1", "2", "5", "6"}
    assert store.search(ListingQuery(text="Special-K")).total == 0
    assert set(ids(store.search(ListingQuery(text="TRES pur")))) == {"3"}  # accents and case folded
    assert set(ids(store.search(ListingQuery(text="ketam crys")))) == {"1"}  # every word, as a prefix


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (ListingQuery(classes=("dissociative",)), {"1", "2", "5", "6"}),
        (ListingQuery(classes=("cathinone",)), {"3"}),
        (ListingQuery(markets=("M2",)), {"2", "6"}),
        (ListingQuery(vendors=("dutchdirect",)), {"1"}),
        (ListingQuery(ships_from=("nl",)), {"1", "3"}),
        (ListingQuery(price_min_eur=Decimal("41"), price_max_eur=Decimal("100")), {"1", "2", "6"}),
        (ListingQuery(since=T0 + timedelta(days=2)), {"2", "5"}),
        (ListingQuery(until=T0 + timedelta(days=2)), {"1", "3", "4", "6"}),
        (ListingQuery(text="3mmc"), {"3"}),
        (ListingQuery(text="rolex", classes=("cathinone",)), set()),
        (ListingQuery(status="removed"), set()),
    ],
)
def test_search_filters(store, corpus, query, expected):
    result = store.search(query)
    assert set(ids(result)) == expected
    assert result.total == len(expected)


def test_explicit_sorts_give_one_order_with_ties_broken_by_market_and_id(store, corpus):
    assert ids(store.search(ListingQuery(sort="price", limit=10))) == ["5", "3", "1", "6", "2", "4"]
    assert ids(store.search(ListingQuery(sort="-price", limit=10))) == ["4", "2", "1", "6", "3", "5"]
    assert ids(store.search(ListingQuery(sort="price", limit=2, offset=2))) == ["1", "6"]
    assert ids(store.search(ListingQuery(sort="-last_seen", limit=2))) == ["5", "2"]
    assert ids(store.search(ListingQuery(sort="first_seen", limit=10)))[:4] == ["1", "3", "4", "6"]


@pytest.mark.parametrize("sort", ["relevance", "price", "-price", "last_seen", "-last_seen", "-first_seen"])
@pytest.mark.parametrize("text", ["", "ketamine"])
def test_deep_paging_with_a_cursor_walks_every_hit_once_in_order(store, run_id, sort, text):
    for i in range(23):  # ties in price and time, and listings without a price
        eur = None if i % 7 == 0 else str(10 * (i % 4))
        title = "Ketamine" + " ketamine" * (i % 3) + f" lot {i}" if i % 2 else f"MDMA lot {i}"
        row = listing(f"{i:02d}", title, market=f"m{i % 2}", eur=eur, seen=T0 + timedelta(hours=i % 5))
        store.write_listing(row, None, run_id)
    store.flush()
    whole = store.search(ListingQuery(text=text, sort=sort, limit=100))
    assert whole.next_after is None and whole.total == len(whole.hits) > 5
    walked, after = [], ""
    for _ in range(20):
        page = store.search(ListingQuery(text=text, sort=sort, limit=4, after=after))
        assert page.total == whole.total
        walked += [(h.listing.market, h.listing.listing_id) for h in page.hits]
        if page.next_after is None:
            break
        after = page.next_after
    assert walked == [(h.listing.market, h.listing.listing_id) for h in whole.hits]


def test_a_cursor_that_is_not_ours_is_refused(store, corpus):
    for bad in ("nonsense!", "WzEsMl0", "e30"):
        with pytest.raises(ValueError, match="cursor"):
            store.search(ListingQuery(sort="price", after=bad))


def test_facets_count_matching_listings_by_value_most_frequent_first(store, corpus):
    facets = store.facets(ListingQuery())
    assert facets["substance"] == [("ketamine", 4), ("3-MMC", 1)]
    assert facets["class"] == [
        ("dissociative", 4),
        ("cathinone", 1),
    ]
    assert facets["market"] == [("m1", 4), ("m2", 2)]
    assert facets["vendor"] == [("v", 5), ("DutchDirect", 1)]
    assert facets["ships_from"] == [("NL", 2), ("DE", 1)]
    assert facets["ships_to"] == []
    narrowed = store.facets(ListingQuery(text="ketamine", markets=("m2",)), ("market", "ships_from"), size=1)
    assert narrowed == {"market": [("m2", 2)], "ships_from": [("DE", 1)]}
    with pytest.raises(ValueError, match="unknown facet"):
        store.facets(ListingQuery(), ("colour",))


@pytest.mark.parametrize(
    "hostile", ['ketamine" OR "', "NEAR(a b)", "*", "-", '"', "a:b", "'; DROP", '{"x":1}']
)
def test_hostile_search_text_is_never_a_syntax_error(store, corpus, hostile):
    result = store.search(ListingQuery(text=hostile))
    assert result.total <= len(corpus)


# --- trends ----------------------------------------------------------------------------------
def sighting(listing_id, substances, vendor, market, ppg, day):
    row = listing(
        listing_id,
        f"lot {listing_id}",
        market=market,
        vendor=vendor,
        eur=str(ppg * 10),
        substances=[(n, "x") for n in substances],
        seen=T0 + timedelta(days=day),
    )
    row.extraction["price_per_gram_eur"] = ppg
    return row


@pytest.fixture
def sightings(store):
    """Three runs: Monday 5 Jan, Tuesday 6 Jan, Monday 12 Jan 2026."""
    days = {
        0: [
            ("a", ["ketamine"], "rex", "m1", 10),
            ("b", ["ketamine"], "ann", "m1", 12),
            ("c", ["mdma"], "rex", "m2", 4),
            ("d", ["ketamine", "mdma"], "bob", "m2", 20),
        ],
        1: [
            ("a", ["ketamine"], "rex", "m1", 10),
            ("c", ["mdma"], "rex", "m2", 5),
            ("e", ["ketamine"], "rex", "m2", 8),
        ],
        7: [("a", ["ketamine"], "rex", "m1", 9)],
    }
    for day, rows in days.items():
        run = store.start_run(CrawlRun(market="m1", started_at=T0 + timedelta(days=day))).id
        for row in rows:
            store.record_listing(sighting(*row, day), run)
    store.flush()


def points(found):
    return [(str(p.period) if p.period else None, p.substance, p.listings, p.vendors) for p in found]


def test_listings_and_vendors_per_substance_per_day_and_week(store, sightings):
    assert points(store.substance_trend(TrendQuery(interval="day"))) == [
        ("2026-01-05", "ketamine", 3, 3),
        ("2026-01-05", "mdma", 2, 2),
        ("2026-01-06", "ketamine", 2, 1),
        ("2026-01-06", "mdma", 1, 1),
        ("2026-01-12", "ketamine", 1, 1),
    ]
    assert points(store.substance_trend(TrendQuery(interval="week"))) == [
        ("2026-01-05", "ketamine", 4, 3),
        ("2026-01-05", "mdma", 2, 2),
        ("2026-01-12", "ketamine", 1, 1),
    ]
    assert points(store.substance_trend(TrendQuery(interval="all"))) == [
        (None, "ketamine", 4, 3),
        (None, "mdma", 2, 2),
    ]
    assert points(store.substance_trend(TrendQuery(markets=("M2",), substances=("mdma",)))) == [
        ("2026-01-05", "mdma", 2, 2),
        ("2026-01-06", "mdma", 1, 1),
    ]
    until_tuesday = TrendQuery(since=T0 + timedelta(days=1), until=T0 + timedelta(days=2), interval="all")
    assert points(store.substance_trend(until_tuesday)) == [(None, "ketamine", 2, 1), (None, "mdma", 1, 1)]


def test_median_price_per_gram_per_substance_and_market(store, sightings):
    found = {
        (str(p.period) if p.period else None, p.substance, p.market): (p.median_eur_per_gram, p.sightings)
        for p in store.price_per_gram(TrendQuery(interval="all"))
    }
    assert list(found) == [(None, "ketamine", "m1"), (None, "ketamine", "m2"), (None, "mdma", "m2")]
    assert found[(None, "ketamine", "m1")] == (pytest.approx(10.0), 4)  # 10, 12, 10, 9
    assert found[(None, "mdma", "m2")] == (pytest.approx(5.0), 3)  # 4, 20, 5
    assert found[(None, "ketamine", "m2")][1] == 2
    weekly = [
        (str(p.period), p.substance, p.market, p.sightings)
        for p in store.price_per_gram(TrendQuery(interval="week", substances=("ketamine",)))
    ]
    assert weekly == [
        ("2026-01-05", "ketamine", "m1", 3),
        ("2026-01-05", "ketamine", "m2", 2),
        ("2026-01-12", "ketamine", "m1", 1),
    ]


# --- runs, locks -----------------------------------------------------------------------------
def owner(pid: int | None = None, host: str | None = None) -> LockOwner:
    here = LockOwner.here()
    return LockOwner(host or here.host, pid or os.getpid(), here.token)


def test_a_live_crawl_holds_its_market_and_a_dead_ones_lock_is_taken_over(store):
    dead = subprocess.Popen(["true"])
    dead.wait()
    store.acquire_lock("m1", owner(pid=dead.pid), T0, 900)
    run = store.start_run(CrawlRun(market="m1", started_at=T0), None)
    assert store.acquire_lock("m1", owner(), T0, 900) == [run.id]
    assert store.get_run(run.id).status == "failed"
    assert store.get_run(run.id).stats["close_reason"] == "stale_lock"
    with pytest.raises(MarketLocked, match="another crawl of m1 is running"):
        store.acquire_lock("m1", owner(), T0, 900)  # this live process holds it now
    store.acquire_lock("m2", owner(), T0, 900)  # other markets are free


def test_a_sigkilled_crawl_not_yet_reaped_loses_its_lock(store):
    """A process killed with SIGKILL stays a zombie until its parent waits for it, and a
    zombie still answers kill(pid, 0): it is dead all the same."""
    killed = subprocess.Popen(["sleep", "60"])
    try:
        store.acquire_lock("m1", owner(pid=killed.pid), T0, 900)
        run = store.start_run(CrawlRun(market="m1", started_at=T0), None)
        killed.send_signal(signal.SIGKILL)
        os.waitid(os.P_PID, killed.pid, os.WEXITED | os.WNOWAIT)  # dead, not reaped
        assert store.acquire_lock("m1", owner(), T0, 900) == [run.id]
        assert store.get_run(run.id).status == "failed"
    finally:
        killed.kill()
        killed.wait()


def test_another_hosts_lock_is_stale_only_after_its_heartbeat_stops(store):
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


def test_runs_are_numbered_listed_newest_first_and_finished(store):
    first, second = new_run(store), new_run(store, "m2")
    assert second > first
    run = store.get_run(first)
    run.status, run.finished_at, run.stats = "ok", T0 + timedelta(hours=1), {"vigil/listings/new": 3}
    store.finish_run(run)
    store.flush()
    assert [r.id for r in store.runs()] == [second, first]
    assert [r.id for r in store.runs("m1")] == [first]
    finished = store.get_run(first)
    assert finished.status == "ok" and finished.stats["vigil/listings/new"] == 3
    assert finished.finished_at == T0 + timedelta(hours=1)
    assert store.markets() == ["m1", "m2"]


# --- vendors and evidence ----------------------------------------------------------------------
def test_vendors_by_market_by_alias_in_any_case_and_their_listings(store, corpus):
    store.write_vendor(Vendor("m1", "DutchDirect", pgp_fingerprints=["ABCD"], first_seen=T0, last_seen=T0))
    store.write_vendor(
        Vendor("m2", "dutchdirect", contacts=[{"kind": "wickr", "value": "dd"}], first_seen=T0, last_seen=T0)
    )
    store.flush()
    assert store.get_vendor("m1", "DutchDirect").pgp_fingerprints == ["ABCD"]
    assert store.get_vendor("m2", "dutchdirect").contacts == [{"kind": "wickr", "value": "dd"}]
    assert [(v.market, v.alias) for v in store.vendors_named("DUTCHDIRECT")] == [
        ("m1", "DutchDirect"),
        ("m2", "dutchdirect"),
    ]
    assert [v.market for v in store.vendors("m2")] == ["m2"]
    assert [x.listing_id for x in store.listings_of_vendor("m1", "dutchdirect")] == ["1"]


def test_a_vendor_keeps_its_first_first_seen_and_moves_last_seen(store):
    later = T0 + timedelta(days=3)
    store.write_vendor(Vendor("m1", "rex", description="old", first_seen=T0, last_seen=T0))
    store.flush()
    store.write_vendor(Vendor("m1", "rex", description="new", first_seen=later, last_seen=later))
    store.flush()
    vendor = store.get_vendor("m1", "rex")
    assert (vendor.description, vendor.first_seen, vendor.last_seen) == ("new", T0, later)


def test_evidence_links_join_pages_to_listings_observations_and_vendors(store, run_id):
    card, page = "a" * 64, "b" * 64
    for sha in (card, page):
        store.add_evidence(Evidence(sha, f"http://x/{sha[0]}", T0, 200, 10, "text/html"))
    store.add_evidence(Evidence(card, "http://elsewhere", T0, 200, 10))  # known already: kept as first
    store.record_listing(listing("1", "Ketamine 5g"), run_id, [(card, "card"), (page, "listing")])
    store.write_vendor(Vendor("m1", "rex", first_seen=T0, last_seen=T0), [(page, "vendor")])
    store.flush()
    cited = {(x.record, x.key, x.role) for x in store.evidence_links(page)}
    observation_id = str(store.observations("m1", "1")[0].id)
    assert cited == {
        ("listing", "1", "listing"),
        ("observation", observation_id, "listing"),
        ("vendor", "rex", "vendor"),
    }
    assert {(x.sha256, x.role) for x in store.links_of("listing", "m1", "1")} == {
        (card, "card"),
        (page, "listing"),
    }
    assert store.get_evidence(card).url == "http://x/a"
    assert [e.sha256 for e in store.iter_evidence()] == [card, page]


@pytest.mark.parametrize("bad", ["", "../../etc/passwd", "A" * 64, "g" * 64, "a" * 63, "a" * 65])
def test_a_hash_that_is_not_64_hex_characters_is_refused_at_the_boundary(store, run_id, bad):
    with pytest.raises(ValueError, match="SHA-256"):
        store.record_listing(listing("1", "x"), run_id, [(bad, "card")])
    with pytest.raises(ValueError, match="SHA-256"):
        store.get_evidence(bad)
    store.flush()
    assert store.get_listing("m1", "1") is None  # nothing half-written


def test_search_filters_on_the_extractions_price_per_gram(store, run_id):
    """Listings without a price per gram (none worked out) never match a price-per-gram range."""
    for listing_id, per_gram in (("g5", 5.0), ("g12", 12.5), ("g30", 30.0), ("none", None)):
        row = listing(listing_id, f"Speed {listing_id}", eur="50")
        extraction = {**row.extraction, **({} if per_gram is None else {"price_per_gram_eur": per_gram})}
        store.write_listing(dataclasses.replace(row, extraction=extraction), None, run_id)
    store.flush()
    query = ListingQuery(price_per_gram_min_eur=Decimal("10"), price_per_gram_max_eur=Decimal("30"))
    found = store.search(query)
    assert set(ids(found)) == {"g12", "g30"} and found.total == 2
    assert set(ids(store.search(ListingQuery(price_per_gram_max_eur=Decimal("12.5"))))) == {"g5", "g12"}
    assert set(ids(store.search(ListingQuery(price_per_gram_min_eur=Decimal("31"))))) == set()
