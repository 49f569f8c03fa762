"""The generic spider and pipelines against the simulator over real HTTP, checked against the
simulator's own ground truth (never against Vigil's parsing)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import run_vigil

from demo import DEMO_CREDENTIALS, World, changes, day_date
from demo.server import Handle, start
from index.query import ListingQuery
from index.sqlite import SqliteStore
from pipelines.normalize import clean_text
from vigil.demo_run import demo_login

SEED = 11


@dataclass
class Sim:
    world: World
    handle: Handle

    def crawl(self, market: str, data_dir: Path, *, cookie: str | None = None, day: int = 1):
        env = {"VIGIL_CLOCK": datetime.combine(day_date(day), time(12), tzinfo=UTC).isoformat(),
               "VIGIL_SESSION_NIGHTOWL": cookie or "", "VIGIL_SECRETS_FILE": "/nonexistent"}
        return run_vigil("crawl", market, "--mirror", f"{market}={self.handle.urls[market]}",
                         "--data-dir", str(data_dir), env=env)

    def login(self) -> str:
        return demo_login(self.handle.urls["nightowl"], DEMO_CREDENTIALS, "owl_session")


def serve(listings: int, **options) -> Iterator[Sim]:
    world = World(seed=SEED, listings=listings, day=1, **options)
    handle = start(world, host="127.0.0.1")
    try:
        yield Sim(world, handle)
    finally:
        handle.stop()


@pytest.fixture(scope="module")
def big() -> Iterator[Sim]:
    """Enough listings that categories paginate (30 cards a page)."""
    yield from serve(400, interstitial_rate=0.15)


@pytest.fixture(scope="module")
def nightowl_index(big: Sim, tmp_path_factory) -> tuple[SqliteStore, object]:
    data_dir = tmp_path_factory.mktemp("nightowl")
    result = big.crawl("nightowl", data_dir, cookie=big.login())
    assert result.returncode == 0, result.stderr[-3000:]
    return SqliteStore(data_dir / "vigil.sqlite3"), result


def test_crawl_finds_every_listing_with_truthful_fields(big, nightowl_index):
    store, _ = nightowl_index
    truth = big.world.truth()["nightowl"]
    assert store.count_listings("nightowl") == len(truth.listings)
    for listing_id, expected in truth.listings.items():
        got = store.get_listing("nightowl", listing_id)
        assert got is not None, listing_id
        assert got.title == clean_text(expected.title)
        assert got.vendor == expected.vendor
        assert got.price.amount == expected.price and got.price.currency == expected.currency
        assert got.price.eur is not None
        if expected.ships_from:
            assert got.ships_from == [expected.ships_from]
        assert len(got.description) > 20  # read from the listing page
        # the category page (card), the listing page and its feedback and terms tabs
        assert len(got.evidence) == 4
        roles = {link.role for link in store.links_of("listing", "nightowl", listing_id)}
        assert roles == {"card", "listing", "feedback", "terms"}


RATING = {"positive": 1.0, "neutral": 0.5, "negative": 0.0}


def test_sales_stock_shipping_and_terms_match_the_simulators_truth(big, nightowl_index):
    store, _ = nightowl_index
    truth = big.world.truth()["nightowl"]
    assert any(not t.in_stock for t in truth.listings.values())  # the fixture has sold-out listings
    for listing_id, expected in truth.listings.items():
        got = store.get_listing("nightowl", listing_id)
        assert got.sales == expected.sales, listing_id
        assert got.feedback_count == len(expected.feedback)
        score = expected.feedback_score
        assert got.feedback_score == (None if score is None else float(score))
        assert (got.stock, got.in_stock) == (expected.stock, expected.in_stock)
        assert [(o.name, o.price.amount, o.price.currency) for o in got.shipping_options] == [
            (name, price, "USD") for name, price in expected.shipping
        ]
        assert all(o.price.eur is not None for o in got.shipping_options)
        assert got.terms == expected.terms
        assert got.price_alt.currency == "BTC" and got.price_alt.eur is not None


def test_every_feedback_is_a_dated_rated_record_as_the_simulator_says(big, nightowl_index):
    store, _ = nightowl_index
    truth = big.world.truth()["nightowl"]
    assert sum(len(t.feedback) for t in truth.listings.values()) > 100
    for listing_id, expected in truth.listings.items():
        stored = store.feedback("nightowl", listing_id=listing_id, limit=10_000)
        assert sorted((f.date.date(), f.rating, f.text, f.buyer) for f in stored) == sorted(
            (f.date, RATING[f.rating], f.text, f.buyer) for f in expected.feedback
        ), listing_id
        assert all(f.vendor == expected.vendor and f.evidence for f in stored)
    precisions = {f.date_precision for f in store.feedback("nightowl", limit=100_000)}
    assert precisions == {"relative", "day"}  # "3 days ago" and "Jan 02, 2026"


def test_vendor_statistics_match_the_simulators_truth(big, nightowl_index):
    store, _ = nightowl_index
    truth = big.world.truth()["nightowl"]
    seen = 0
    for alias, expected in truth.vendors.items():
        vendor = store.get_vendor("nightowl", alias)
        if vendor is None:
            continue  # a vendor with no active listing is not reached
        seen += 1
        stats = vendor.stats
        assert stats["member_since"].date() == expected.member_since
        assert stats["last_active"].date() == expected.last_active
        assert (stats["level"], stats["sales"], stats["disputes"]) == (
            expected.level, expected.sales, expected.disputes)
        assert (stats["feedback_positive"], stats["feedback_neutral"], stats["feedback_negative"]) == (
            expected.feedback_positive, expected.feedback_neutral, expected.feedback_negative)
        assert stats["rating"] == float(expected.rating)
    assert seen > 10


def test_pagination_was_followed(big, nightowl_index):
    store, _ = nightowl_index
    run = store.runs("nightowl")[0]
    categories = {t.category for t in big.world.truth()["nightowl"].listings.values()}
    largest = max(
        sum(1 for t in big.world.truth()["nightowl"].listings.values() if t.category == c)
        for c in categories
    )
    assert largest > 30  # the fixture is big enough to paginate
    assert run.stats["vigil/pages/category"] > len(categories)


def test_interstitials_were_retried_never_parsed(nightowl_index):
    store, _ = nightowl_index
    run = store.runs("nightowl")[0]
    assert run.status == "ok"
    assert run.stats["vigil/interstitial/seen"] > 0
    assert run.stats["vigil/interstitial/retried"] == run.stats["vigil/interstitial/seen"]
    titles = " ".join(hit.listing.title.lower() for hit in store.search(ListingQuery(limit=10_000)).hits)
    assert "queue" not in titles and "please wait" not in titles


def test_vendor_pages_give_keys_and_contacts(big, nightowl_index):
    store, _ = nightowl_index
    truth = big.world.truth()["nightowl"]
    assert {v.alias for v in store.vendors("nightowl")} == {t.vendor for t in truth.listings.values()}
    for alias, vendor_truth in truth.vendors.items():
        vendor = store.get_vendor("nightowl", alias)
        if vendor is None:
            continue  # a vendor with no active listing is not reached
        assert vendor.pgp_key.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
        fingerprint = vendor_truth.pgp_fingerprint.replace(" ", "").upper()
        assert fingerprint in [f.replace(" ", "").upper() for f in vendor.pgp_fingerprints]
        for market, alias_there in vendor_truth.markets.items():  # "also on swapbay as X"
            assert f"{market}:{alias_there}" in vendor.mentions
        telegram = [v for k, v in vendor_truth.contacts if k == "telegram"]
        values = {c["value"].lstrip("@").lower() for c in vendor.contacts}
        assert all(t.lstrip("@").lower() in values for t in telegram)


def test_without_a_session_the_run_ends_needs_session_not_empty_success(big, tmp_path):
    result = big.crawl("nightowl", tmp_path)
    assert result.returncode == 3
    store = SqliteStore(tmp_path / "vigil.sqlite3")
    run = store.runs("nightowl")[0]
    assert run.status == "needs_session"
    assert run.stats["vigil/session/login_wall"] >= 1


def test_a_persistent_captcha_ends_needs_session(tmp_path):
    for sim in serve(20, captcha_always=True):
        result = sim.crawl("nightowl", tmp_path, cookie=sim.login())
    assert result.returncode == 3
    run = SqliteStore(tmp_path / "vigil.sqlite3").runs("nightowl")[0]
    assert run.status == "needs_session"
    assert run.stats["vigil/interstitial/gave_up"] >= 1


def test_rc_labor_shop_prices_with_decimal_commas(tmp_path):
    for sim in serve(60):
        result = sim.crawl("rc-labor", tmp_path)
        truth = sim.world.truth()["rc-labor"]
    assert result.returncode == 0, result.stderr[-2000:]
    store = SqliteStore(tmp_path / "vigil.sqlite3")
    assert store.count_listings("rc-labor") == len(truth.listings)
    for listing_id, expected in truth.listings.items():
        got = store.get_listing("rc-labor", listing_id)
        assert got is not None, listing_id
        assert (got.price.amount, got.price.currency) == (expected.price, "EUR")
        assert got.title == clean_text(expected.title)


def test_day_one_then_day_two_matches_the_simulators_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIL_REMOVE_AFTER_RUNS", "1")  # day 2 removes what vanished
    for sim in serve(120, interstitial_rate=0.0):
        cookie = sim.login()
        day_one = sim.world.truth()["nightowl"]
        assert sim.crawl("nightowl", tmp_path, cookie=cookie, day=1).returncode == 0
        sim.handle.set_day(2)
        day_two = sim.world.truth()["nightowl"]
        assert sim.crawl("nightowl", tmp_path, cookie=cookie, day=2).returncode == 0
    expected = changes(SEED, 120, 1, 2)["nightowl"]
    store = SqliteStore(tmp_path / "vigil.sqlite3")
    traded = expected.trade_changed - expected.price_changed
    assert traded  # listings sold something between the days
    second_run = store.runs("nightowl")[0].id
    appeared, removed, repriced = set(), set(), set()
    for row in store.conn.execute("SELECT DISTINCT listing_id FROM listings WHERE market='nightowl'"):
        history = [o for o in store.observations("nightowl", row[0]) if o.run_id == second_run]
        for obs in history:
            if obs.change == "new":
                appeared.add(row[0])
            elif obs.change == "removed":
                removed.add(row[0])
            elif obs.change == "changed":
                first = store.observations("nightowl", row[0])[0]
                if first.price.amount != obs.price.amount:
                    repriced.add(row[0])
    assert appeared == expected.appeared
    assert removed == expected.removed
    assert repriced == expected.price_changed
    assert all(store.get_listing("nightowl", i).status == "removed" for i in removed)
    assert all(store.get_listing("nightowl", i).last_seen.date() == day_date(1) for i in removed)
    unchanged = store.count_listings("nightowl") - len(appeared | removed | repriced | traded)
    assert store.runs("nightowl")[0].stats["vigil/listings/unchanged"] == unchanged
    # a re-crawl of unchanged listings added no observation rows; a sale is an observation
    assert store.count_observations("nightowl") == (
        store.count_listings("nightowl") + len(removed) + len(repriced | traded)
    )
    for listing_id in traded:
        first, second = store.observations("nightowl", listing_id)
        assert (second.change, second.sales) == ("changed", day_two.listings[listing_id].sales)
        assert first.sales == day_one.listings[listing_id].sales
    # each feedback stored once, though both crawls saw the older ones
    shown = {i: len(t.feedback) for i, t in day_one.listings.items()}
    shown.update({i: len(t.feedback) for i, t in day_two.listings.items()})
    assert store.count_feedback("nightowl") == sum(shown.values())


def test_prices_convert_to_eur_at_the_observation_date(nightowl_index):
    store, _ = nightowl_index
    price = store.search(ListingQuery(limit=1)).hits[0].listing.price
    assert price.currency == "USD" and price.eur is not None
    assert Decimal("0.5") < price.eur / price.amount < Decimal("1.2")
