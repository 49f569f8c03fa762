"""A listing in full: its fields, extraction, price and availability history, and the pages
that prove it."""

from __future__ import annotations

from typing import Any

from index.records import EvidenceLink, Feedback, Observation
from index.store import Store
from vigil.services.errors import NotFound
from vigil.services.index import reading
from vigil.services.search import listing_json, price_json
from vigil.settings import Settings


def listing_detail(
    settings: Settings, market: str, listing_id: str, *, feedback: int = 100
) -> dict[str, Any]:
    """`listing_json` plus `description`, `terms`, `history` (one entry per observation, oldest
    first), `feedback` (the `feedback` newest records, with `feedback_stored`: how many there
    are) and `pages` (every preserved page cited by the listing or its observations)."""
    market = market.lower()  # market ids are lower-case (config rule)
    with reading(settings) as store:
        listing = store.get_listing(market, listing_id)
        if listing is None:
            raise NotFound(f"no listing {listing_id!r} in market {market!r}")
        observations = store.observations(market, listing_id)
        links = store.links_of("listing", market, listing_id)
        for obs in observations:
            links += store.links_of("observation", market, str(obs.id))
        out = listing_json(listing)
        out["description"] = listing.description
        out["vendor_url"] = listing.vendor_url
        out["ships_from_text"] = listing.ships_from_raw
        out["ships_to_text"] = listing.ships_to_raw
        out["terms"] = listing.terms
        out["history"] = [observation_json(o) for o in observations]
        out["feedback_stored"] = store.count_feedback(market, listing_id=listing_id)
        found = store.feedback(market, listing_id=listing_id, limit=feedback)
        out["feedback"] = [feedback_json(f) for f in found]
        out["pages"] = pages_json(store, links)
    return out


def observation_json(obs: Observation) -> dict[str, Any]:
    return {
        "observed_at": obs.observed_at.isoformat(),
        "run_id": obs.run_id,
        "change": obs.change,
        "available": obs.available,
        "price": price_json(obs.price),
        "sales": obs.sales,
        "feedback_count": obs.feedback_count,
        "stock": obs.stock,
        "evidence": list(obs.evidence),
    }


def feedback_json(record: Feedback) -> dict[str, Any]:
    """One feedback: `date` (ISO 8601, UTC; `date_precision` `time`, `day` or `relative`),
    `rating` (0-1) beside `rating_text` as shown, `text`, `item`, `buyer`, `listing_id`,
    `vendor`, `first_seen`, `evidence`."""
    return {
        "date": record.date.isoformat() if record.date else None,
        "date_precision": record.date_precision or None,
        "rating": record.rating,
        "rating_text": record.rating_text,
        "text": record.text,
        "item": record.item,
        "buyer": record.buyer,
        "listing_id": record.listing_id or None,
        "vendor": record.vendor or None,
        "first_seen": record.first_seen.isoformat() if record.first_seen else None,
        "evidence": list(record.evidence),
    }


def pages_json(store: Store, links: list[EvidenceLink]) -> list[dict[str, Any]]:
    """One entry per distinct page: its hash, URL, fetch time, HTTP status and roles."""
    by_page: dict[str, set[str]] = {}
    for link in links:
        by_page.setdefault(link.sha256, set()).add(link.role)
    pages = []
    for sha256, roles in by_page.items():
        evidence = store.get_evidence(sha256)
        pages.append(
            {
                "sha256": sha256,
                "roles": sorted(roles),
                "url": evidence.url if evidence else None,
                "fetched_at": evidence.fetched_at.isoformat() if evidence else None,
                "status": evidence.status if evidence else None,
            }
        )
    return sorted(pages, key=lambda p: (p["fetched_at"] or "", p["sha256"]))
