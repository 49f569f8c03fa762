"""A listing in full: its fields, extraction, price and availability history, and the pages
that prove it."""

from __future__ import annotations

from typing import Any

from index.records import EvidenceLink, Observation
from index.store import Store
from vigil.services.errors import NotFound
from vigil.services.index import reading
from vigil.services.search import listing_json, price_json
from vigil.settings import Settings


def listing_detail(settings: Settings, market: str, listing_id: str) -> dict[str, Any]:
    """`listing_json` plus `description`, `history` (one entry per observation, oldest first)
    and `pages` (every preserved page cited by the listing or its observations)."""
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
        out["history"] = [observation_json(o) for o in observations]
        out["pages"] = pages_json(store, links)
    return out


def observation_json(obs: Observation) -> dict[str, Any]:
    return {
        "observed_at": obs.observed_at.isoformat(),
        "run_id": obs.run_id,
        "change": obs.change,
        "available": obs.available,
        "price": price_json(obs.price),
        "evidence": list(obs.evidence),
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
