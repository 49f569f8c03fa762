"""What markets show about trade, stored on every backend alike: sales, feedback counts and
stock as part of the time series, shipping options with prices, vendor statistics, and each
feedback once however many crawls see it."""

from __future__ import annotations

from contextlib import closing
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from stores import BACKENDS, cluster_config, drop_indices, open_backend
from test_store import T0, listing, new_run

from index.elastic.client import connect
from index.elastic.documents import listing_doc
from index.elastic.mapping import INDEX_SETTINGS, MAPPINGS
from index.elastic.store import ElasticStore
from index.query import ListingQuery
from index.records import Feedback, Price, ShippingOption, Vendor


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    yield from open_backend(request, request.param, tmp_path)


def trading(sales: int, *, stock: int | None = 5, seen=T0, feedback_count: int | None = None):
    found = listing("1", "Ketamine 5g", eur="50", seen=seen)
    found.sales, found.stock, found.in_stock = sales, stock, stock is None or stock > 0
    found.feedback_count = sales if feedback_count is None else feedback_count
    found.feedback_score = 0.96
    found.shipping_options = [
        ShippingOption("Letter", Price(Decimal("5.00"), "USD", Decimal("4.63")), "USD 5.00"),
        ShippingOption("Free pickup", None, "ask"),
    ]
    found.terms = "No refunds."
    found.content_hash = f"{sales}:{stock}"  # as the versioning pipeline hashes trade fields
    return found


def test_trade_fields_are_stored_and_searchable(store):
    store.record_listing(trading(12), new_run(store))
    store.flush()
    got = store.get_listing("m1", "1")
    assert (got.sales, got.feedback_count, got.feedback_score, got.stock, got.in_stock, got.terms) == (
        12, 12, 0.96, 5, True, "No refunds.")
    assert got.shipping_options == [
        ShippingOption("Letter", Price(Decimal("5.00"), "USD", Decimal("4.63")), "USD 5.00"),
        ShippingOption("Free pickup", None, "ask"),
    ]
    hit = store.search(ListingQuery(text="ketamine")).hits[0].listing
    assert (hit.sales, hit.stock, hit.shipping_options[0].name) == (12, 5, "Letter")


def test_a_sale_is_an_observation_and_removal_keeps_the_last_counts(store):
    store.record_listing(trading(12), new_run(store))
    unchanged = store.record_listing(trading(12, seen=T0 + timedelta(days=1)), new_run(store))
    sold = store.record_listing(trading(14, stock=3, seen=T0 + timedelta(days=2)), new_run(store))
    assert unchanged.change == "unchanged"
    assert (sold.change, sold.price_changed, sold.sales_changed) == ("changed", False, True)
    sold_out = store.record_listing(trading(17, stock=0, seen=T0 + timedelta(days=3)), new_run(store))
    assert sold_out.change == "changed"
    store.flush()
    store.mark_removed("m1", new_run(store), T0 + timedelta(days=4))
    history = store.observations("m1", "1")
    assert [(o.change, o.sales, o.feedback_count, o.stock, o.available) for o in history] == [
        ("new", 12, 12, 5, True),
        ("changed", 14, 14, 3, True),
        ("changed", 17, 17, 0, False),  # out of stock: not available
        ("removed", 17, 17, 0, False),
    ]


def feedback(key: str, day: int, *, listing_id: str = "1", vendor: str = "rex", text: str = "ok") -> Feedback:
    return Feedback(
        market="m1", key=key, listing_id=listing_id, vendor=vendor, date=T0 + timedelta(days=day),
        date_precision="day", rating=1.0, rating_text="positive", text=text, buyer="a***b",
        first_seen=T0, run_id=1, evidence=("a" * 64,),
    )  # fmt: skip


def test_each_feedback_is_stored_once_and_read_newest_first(store):
    store.write_feedback([feedback("k1", -3), feedback("k2", -1), feedback("k3", -2, listing_id="2")])
    store.flush()
    seen_again = replace(feedback("k1", -3, text="edited"), first_seen=T0 + timedelta(days=1), run_id=2)
    store.write_feedback([seen_again, feedback("k4", 0, listing_id="", vendor="rex")])
    store.flush()
    assert store.count_feedback("m1") == 4 and store.count_feedback("m2") == 0
    assert store.count_feedback("m1", listing_id="1") == 2
    assert [f.key for f in store.feedback("m1", listing_id="1")] == ["k2", "k1"]
    first = store.feedback("m1", listing_id="1")[1]
    assert (first.text, first.first_seen, first.run_id) == ("ok", T0, 1)  # the first sighting is kept
    assert first == feedback("k1", -3)
    assert [f.key for f in store.feedback("m1", vendor="REX", limit=3)] == ["k4", "k2", "k3"]


def test_vendor_statistics_and_terms_are_stored(store):
    stats = {"member_since": T0 - timedelta(days=400), "last_active": T0, "level": 7, "rating": 0.98,
             "sales": 621, "disputes": 1, "feedback_positive": 509, "feedback_neutral": 9,
             "feedback_negative": 1}  # fmt: skip
    store.write_vendor(Vendor("m1", "rex", first_seen=T0, last_seen=T0, stats=stats, terms="Be nice."))
    store.flush()
    vendor = store.get_vendor("m1", "rex")
    assert (vendor.stats, vendor.terms) == (stats, "Be nice.")


@pytest.mark.elasticsearch
@pytest.mark.parametrize("product", ["elasticsearch", "opensearch"])
def test_an_index_made_before_trade_fields_is_migrated_to_hold_them(request, tmp_path, product):
    """The trade fields are a new mapping version: a cluster whose listings index predates them
    is moved by `migrate` (copy + alias swap), and then takes them."""
    config = cluster_config(request, product)
    client = connect(config)
    old = {k: v for k, v in MAPPINGS["listings"][1].items() if k not in TRADE}
    try:
        client.indices.create(
            index=f"{config.index_prefix}-listings-v1",
            body={"settings": INDEX_SETTINGS, "mappings": {"dynamic": "strict", "properties": old},
                  "aliases": {f"{config.index_prefix}-listings": {}}},
        )
        # a listing as the Vigil before trade fields wrote it
        doc = listing_doc(listing("0", "Speed paste", eur="10"), 1)
        before = {k: v for k, v in doc.items() if k not in TRADE}
        client.index(index=f"{config.index_prefix}-listings", id="m1:0", body=before, refresh=True)
        with closing(ElasticStore(config, tmp_path / "spool")) as store:
            moved = store.migrate()
            assert ("listings", f"{config.index_prefix}-listings-v1",
                    f"{config.index_prefix}-listings-v{MAPPINGS['listings'][0]}") in moved
            store.record_listing(trading(12), new_run(store))
            store.flush()
            assert store.get_listing("m1", "1").sales == 12
            assert store.get_listing("m1", "0").title == "Speed paste"  # copied across
    finally:
        client.close()
        drop_indices(config)


TRADE = {"sales", "feedback_count", "feedback_score", "stock", "in_stock", "shipping_options", "terms"}
