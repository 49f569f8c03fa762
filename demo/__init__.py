"""Vigil's sample markets: a deterministic simulator of three real-looking drug markets.

Independent of the rest of Vigil (standard library only): its ground truth is what the
crawler, the pipelines and the extractor are tested against.

    from demo import World, DEMO_CREDENTIALS, day_date, MARKETS
    world = World(seed=7, listings=40, day=1)
    world.truth()["nightowl"].listings
"""

from __future__ import annotations

from typing import Any

from demo.models import Changes, ListingTruth, MarketTruth, VendorTruth, day_date, to_jsonable
from demo.world import DARK_MARKETS, DEMO_CREDENTIALS, MARKETS, World, changes

__all__ = [
    "DARK_MARKETS", "DEMO_CREDENTIALS", "MARKETS", "Changes", "ListingTruth", "MarketTruth",
    "VendorTruth", "World",
    "changes", "day_date", "novel_substances", "truth_json",
]


def novel_substances(seed: int, listings: int, day: int) -> set[str]:
    """The novel substances (never sold on day 1 by design) on sale on `day`."""
    truth = World(seed, listings, day).truth()
    return {t.substance for mt in truth.values() for t in mt.listings.values() if t.novel and t.substance}


def truth_json(seed: int = 7, listings: int = 40, day: int = 1, market: str | None = None,
               hostile: bool = False) -> dict[str, Any]:
    """The truth on `day` as a JSON-able dict (what `vigil demo truth` prints); a hostile
    world's also lists each hostile payload and where it is shown (demo.hostile)."""
    world = World(seed=seed, listings=listings, day=day, hostile=hostile)
    truth = world.truth(market)
    novel = {t.substance for mt in truth.values() for t in mt.listings.values() if t.novel and t.substance}
    out: dict[str, Any] = {
        "seed": seed, "listings": listings, "day": day, "date": day_date(day).isoformat(),
        "novel_substances": sorted(novel), "markets": to_jsonable(truth),
    }
    if hostile:
        out["hostile"] = to_jsonable([h for h in world.hostile_truth() if market in (None, h.market)])
    if day > 1:
        out["changes_since_previous_day"] = to_jsonable(
            {m: c for m, c in changes(seed, listings, day - 1, day).items() if market in (None, m)})
    return out
