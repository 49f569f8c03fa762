"""How a listing seen by a run changes the index: shared by every backend, so that SQLite,
Elasticsearch and a replayed spool decide the same way.

A listing seen unchanged moves `last_seen` and adds no observation; a new, changed or
reappeared listing adds one (a change of price, text, sales or feedback count, or stock); a
second sighting in the same run is a duplicate and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.records import Listing, Observation, Price

#: What `Store.record_listing` reports. `spooled`: the cluster was unreachable, the sighting
#: is kept in the local spool and decided when it is replayed.
CHANGES = ("new", "changed", "reappeared", "unchanged", "duplicate", "spooled")


@dataclass(frozen=True)
class Recorded:
    change: str
    price_changed: bool = False
    sales_changed: bool = False  # the sales or feedback count moved: trade happened


def plan(
    previous: Listing | None, listing: Listing, run_id: int
) -> tuple[Recorded, Listing, Observation | None]:
    """Compare a sighting with the stored state: what changed, the state to store, and the
    observation to add (None when nothing changed)."""
    if previous is None:
        change = "new"
    elif previous.status == "removed":
        change = "reappeared"
    elif previous.content_hash != listing.content_hash:
        change = "changed"
    else:
        previous.last_seen = listing.last_seen
        return Recorded("unchanged"), previous, None
    if previous is not None:
        listing.first_seen = previous.first_seen
    assert listing.last_seen is not None
    observation = Observation(
        market=listing.market,
        listing_id=listing.listing_id,
        run_id=run_id,
        observed_at=listing.last_seen,
        price=listing.price,
        available=listing.in_stock is not False,
        evidence=tuple(listing.evidence),
        change=change,
        sales=listing.sales,
        feedback_count=listing.feedback_count,
        stock=listing.stock,
    )
    price_changed = previous is not None and _amount(previous.price) != _amount(listing.price)
    sales_changed = previous is not None and (
        (previous.sales, previous.feedback_count) != (listing.sales, listing.feedback_count)
    )
    return Recorded(change, price_changed, sales_changed), listing, observation


def _amount(price: Price | None) -> tuple[object, str] | None:
    return None if price is None else (price.amount, price.currency)
