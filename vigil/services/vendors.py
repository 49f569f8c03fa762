"""A vendor's profile: identifiers, PGP, contacts, crypto, other markets, listings."""

from __future__ import annotations

from typing import Any

from index.records import Vendor, stats_json
from vigil.services.errors import NotFound
from vigil.services.index import reading
from vigil.services.listings import feedback_json, pages_json
from vigil.services.search import listing_json
from vigil.settings import Settings


def vendor_profile(
    settings: Settings, market: str, alias: str, *, listings: int = 100, feedback: int = 100
) -> dict[str, Any]:
    """The vendor as crawled, plus `other_markets`: the same alias elsewhere, and vendors
    elsewhere that share a PGP fingerprint, a contact or a crypto address (with what they
    share), `listings` (newest first) and `feedback` (of its listings and its profile, newest
    first, with `feedback_stored`: how many there are)."""
    with reading(settings) as store:
        vendor = store.get_vendor(market, alias) or next(
            (v for v in store.vendors_named(alias) if v.market == market.lower()), None
        )
        if vendor is None:
            raise NotFound(f"no vendor {alias!r} in market {market!r}")
        others: dict[tuple[str, str], set[str]] = {}
        for same in store.vendors_named(alias):
            if same.market != vendor.market:
                others.setdefault((same.market, same.alias), set()).add("alias")
        mine = _identifiers(vendor)
        for candidate in store.vendors():
            if candidate.market == vendor.market and candidate.alias == vendor.alias:
                continue
            shared = mine & _identifiers(candidate)
            if shared:
                others.setdefault((candidate.market, candidate.alias), set()).update(
                    kind for kind, _ in shared
                )
        out = vendor_json(vendor)
        out["other_markets"] = [
            {"market": m, "alias": a, "shared": sorted(kinds)} for (m, a), kinds in sorted(others.items())
        ]
        out["listings"] = [
            listing_json(lst) for lst in store.listings_of_vendor(vendor.market, vendor.alias, listings)
        ]
        out["feedback_stored"] = store.count_feedback(vendor.market, vendor=vendor.alias)
        out["feedback"] = [
            feedback_json(f) for f in store.feedback(vendor.market, vendor=vendor.alias, limit=feedback)
        ]
        out["pages"] = pages_json(store, store.links_of("vendor", vendor.market, vendor.alias))
    return out


def vendor_json(vendor: Vendor) -> dict[str, Any]:
    return {
        "market": vendor.market,
        "alias": vendor.alias,
        "url": vendor.url,
        "description": vendor.description,
        "pgp_fingerprints": vendor.pgp_fingerprints,
        "contacts": vendor.contacts,
        "crypto_addresses": vendor.crypto_addresses,
        "mentions": vendor.mentions,
        "first_seen": vendor.first_seen.isoformat() if vendor.first_seen else None,
        "last_seen": vendor.last_seen.isoformat() if vendor.last_seen else None,
        "stats": stats_json(vendor.stats),
        "terms": vendor.terms,
        "evidence": vendor.evidence,
    }


def _identifiers(vendor: Vendor) -> set[tuple[str, str]]:
    """What ties a vendor to another account: PGP fingerprints, contacts, crypto addresses."""
    out = {("pgp", fp.upper()) for fp in vendor.pgp_fingerprints}
    out |= {("contact", f"{c.get('kind')}:{str(c.get('value', '')).lower()}") for c in vendor.contacts
            if c.get("kind") != "text"}
    out |= {("crypto", str(a.get("address", ""))) for a in vendor.crypto_addresses}
    return out
