"""Records to cluster documents and back, with deterministic ids.

A document's id is derived from what it is (a listing from its market and id, an observation
from its listing and run), so writing it twice, or replaying a spool after a crash, can never
make a duplicate.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from index.records import (
    CrawlRun,
    Evidence,
    EvidenceLink,
    Feedback,
    Listing,
    Observation,
    Price,
    ShippingOption,
    Vendor,
    stats_json,
    stats_of,
)

_MAX_ID_BYTES = 512


def fold(text: str) -> str:
    """Text as the index's words: accents off, case folded, every run of characters that are
    not letters or digits a single space (what SQLite's `unicode61 remove_diacritics 2` does)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in bare).split())


def doc_id(*parts: object) -> str:
    """A readable id (`market:listing`), hashed only when it would exceed the cluster's limit."""
    text = ":".join(str(p) for p in parts)
    if len(text.encode()) <= _MAX_ID_BYTES:
        return text
    return "sha1-" + hashlib.sha1(text.encode()).hexdigest()


def ts(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def dt(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def price_doc(price: Price | None) -> dict[str, Any] | None:
    if price is None:
        return None
    return {
        "amount": str(price.amount),
        "currency": price.currency,
        "eur": None if price.eur is None else float(price.eur),
    }


def price_of(doc: dict[str, Any] | None) -> Price | None:
    if not doc:
        return None
    eur = doc.get("eur")
    return Price(Decimal(doc["amount"]), doc["currency"], None if eur is None else Decimal(str(eur)))


def _plain(value: Any) -> Any:
    """JSON-safe (Decimals and dates as text), as the SQLite backend stores extraction."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def shipping_doc(extraction: dict[str, Any] | None) -> list[dict[str, str]]:
    """The searchable part of the extraction's `shipping_methods`: name and kind of each."""
    methods = (extraction or {}).get("shipping_methods") or []
    return [{"name": m["name"], "kind": m["kind"]} for m in methods
            if isinstance(m, dict) and isinstance(m.get("name"), str) and isinstance(m.get("kind"), str)]


def upgrade_listing_source(source: dict[str, Any]) -> dict[str, Any]:
    """A listing document written by an older mapping, with the fields the current one adds
    that can be derived from what it stored (`shipping_methods` from its extraction)."""
    if "shipping_methods" in source:
        return source
    return {**source, "shipping_methods": shipping_doc(source.get("extraction"))}


def listing_doc(listing: Listing, run_id: int) -> dict[str, Any]:
    extraction = _plain(listing.extraction)
    substances = listing.substances
    names = {s["name"] for s in substances} | {s.get("text", "") for s in substances}
    other = " ".join(v for v in (listing.category, listing.vendor, listing.price_alt_raw) if v)
    return {
        "@timestamp": ts(listing.last_seen),
        "key": doc_id(listing.market, listing.listing_id),
        "market": listing.market,
        "listing_id": listing.listing_id,
        "url": listing.url,
        "title": listing.title,
        "title_folded": fold(listing.title),
        "description": listing.description,
        "description_folded": fold(listing.description),
        "category": listing.category,
        "vendor": listing.vendor,
        "vendor_url": listing.vendor_url,
        "other_folded": fold(other),
        "price": price_doc(listing.price),
        "price_alt": price_doc(listing.price_alt),
        "price_alt_raw": listing.price_alt_raw,
        "price_eur": None if listing.price is None or listing.price.eur is None else float(listing.price.eur),
        "price_per_gram_eur": extraction.get("price_per_gram_eur"),
        "ships_from": list(listing.ships_from),
        "ships_to": list(listing.ships_to),
        "ships_from_raw": listing.ships_from_raw,
        "ships_to_raw": listing.ships_to_raw,
        "images": list(listing.images),
        "sales": listing.sales,
        "feedback_count": listing.feedback_count,
        "feedback_score": listing.feedback_score,
        "stock": listing.stock,
        "in_stock": listing.in_stock,
        "shipping_options": [
            {"name": o.name, "price": price_doc(o.price), "price_text": o.price_text}
            for o in listing.shipping_options
        ],
        "terms": listing.terms,
        "substances": sorted({s["name"] for s in substances}),
        "classes": sorted({s.get("class", "other") for s in substances}),
        "substances_folded": fold(" ".join(sorted(names))),
        "flags": list(extraction.get("flags", [])),
        "crypto_addresses": [a.get("address", "") for a in extraction.get("crypto_addresses", [])],
        "contacts": [f"{c.get('kind', '')}:{c.get('value', '')}" for c in extraction.get("contacts", [])],
        "shipping_methods": shipping_doc(extraction),
        "extraction": extraction,
        "evidence": list(listing.evidence),
        "content_hash": listing.content_hash,
        "first_seen": ts(listing.first_seen),
        "last_seen": ts(listing.last_seen),
        "status": listing.status,
        "removed_at": ts(listing.removed_at),
        "last_run_id": run_id,
    }


def listing_of(doc: dict[str, Any]) -> Listing:
    return Listing(
        market=doc["market"],
        listing_id=doc["listing_id"],
        url=doc["url"],
        title=doc["title"],
        description=doc.get("description", ""),
        category=doc.get("category", ""),
        vendor=doc.get("vendor", ""),
        vendor_url=doc.get("vendor_url", ""),
        price=price_of(doc.get("price")),
        price_alt=price_of(doc.get("price_alt")),
        price_alt_raw=doc.get("price_alt_raw", ""),
        ships_from=list(doc.get("ships_from", [])),
        ships_to=list(doc.get("ships_to", [])),
        ships_from_raw=doc.get("ships_from_raw", ""),
        ships_to_raw=doc.get("ships_to_raw", ""),
        images=list(doc.get("images", [])),
        sales=doc.get("sales"),
        feedback_count=doc.get("feedback_count"),
        feedback_score=doc.get("feedback_score"),
        stock=doc.get("stock"),
        in_stock=doc.get("in_stock"),
        shipping_options=[
            ShippingOption(o["name"], price_of(o.get("price")), o.get("price_text", ""))
            for o in doc.get("shipping_options") or []
        ],
        terms=doc.get("terms", ""),
        extraction=dict(doc.get("extraction") or {}),
        evidence=list(doc.get("evidence", [])),
        content_hash=doc.get("content_hash", ""),
        first_seen=dt(doc.get("first_seen")),
        last_seen=dt(doc.get("last_seen")),
        status=doc.get("status", "active"),
        removed_at=dt(doc.get("removed_at")),
    )


def sighting_doc(run_id: int, at: datetime | None, listing: Listing) -> dict[str, Any]:
    """A run saw a listing: the daily time series that trends count (listings and vendors per
    substance per day, price per gram), so it carries what they group by."""
    substances = listing.substances
    price_eur = None if listing.price is None or listing.price.eur is None else float(listing.price.eur)
    return {
        "@timestamp": ts(at),
        "run_id": run_id,
        "market": listing.market,
        "listing_id": listing.listing_id,
        "key": doc_id(listing.market, listing.listing_id),
        "vendor": listing.vendor or None,
        "substances": sorted({s["name"] for s in substances}),
        "classes": sorted({s.get("class", "other") for s in substances}),
        "ships_from": list(listing.ships_from),
        "price_eur": price_eur,
        "price_per_gram_eur": listing.extraction.get("price_per_gram_eur"),
    }


def observation_id(market: str, listing_id: str, run_id: int) -> str:
    """One observation per listing per run at most: a run sees a listing once."""
    return doc_id(market, listing_id, run_id)


def observation_doc(obs: Observation, listing: Listing | None = None) -> dict[str, Any]:
    substances = listing.substances if listing is not None else []
    extraction = listing.extraction if listing is not None else {}
    return {
        "@timestamp": ts(obs.observed_at),
        "id": observation_id(obs.market, obs.listing_id, obs.run_id),
        "market": obs.market,
        "listing_id": obs.listing_id,
        "run_id": obs.run_id,
        "price": price_doc(obs.price),
        "price_eur": None if obs.price is None or obs.price.eur is None else float(obs.price.eur),
        "price_per_gram_eur": extraction.get("price_per_gram_eur"),
        "available": obs.available,
        "evidence": list(obs.evidence),
        "change": obs.change,
        "substances": sorted({s["name"] for s in substances}),
        "classes": sorted({s.get("class", "other") for s in substances}),
        "vendor": listing.vendor if listing is not None else "",
        "sales": obs.sales,
        "feedback_count": obs.feedback_count,
        "stock": obs.stock,
    }


def observation_of(doc: dict[str, Any]) -> Observation:
    return Observation(
        market=doc["market"],
        listing_id=doc["listing_id"],
        run_id=int(doc["run_id"]),
        observed_at=dt(doc["@timestamp"]),  # type: ignore[arg-type]
        price=price_of(doc.get("price")),
        available=bool(doc.get("available")),
        evidence=tuple(doc.get("evidence", [])),
        change=doc.get("change", "new"),
        id=doc["id"],
        sales=doc.get("sales"),
        feedback_count=doc.get("feedback_count"),
        stock=doc.get("stock"),
    )


def vendor_doc(vendor: Vendor) -> dict[str, Any]:
    return {
        "@timestamp": ts(vendor.last_seen),
        "market": vendor.market,
        "alias": vendor.alias,
        "url": vendor.url,
        "description": vendor.description,
        "pgp_fingerprints": list(vendor.pgp_fingerprints),
        "pgp_key": vendor.pgp_key,
        "contacts": _plain(vendor.contacts),
        "contact_values": [c.get("value", "") for c in vendor.contacts],
        "crypto_addresses": _plain(vendor.crypto_addresses),
        "crypto_values": [a.get("address", "") for a in vendor.crypto_addresses],
        "mentions": list(vendor.mentions),
        "evidence": list(vendor.evidence),
        "first_seen": ts(vendor.first_seen),
        "last_seen": ts(vendor.last_seen),
        "stats": stats_json(vendor.stats),
        "terms": vendor.terms,
    }


def vendor_of(doc: dict[str, Any]) -> Vendor:
    return Vendor(
        market=doc["market"],
        alias=doc["alias"],
        url=doc.get("url", ""),
        description=doc.get("description", ""),
        pgp_fingerprints=list(doc.get("pgp_fingerprints", [])),
        pgp_key=doc.get("pgp_key", ""),
        contacts=list(doc.get("contacts") or []),
        crypto_addresses=list(doc.get("crypto_addresses") or []),
        mentions=list(doc.get("mentions", [])),
        evidence=list(doc.get("evidence", [])),
        first_seen=dt(doc.get("first_seen")),
        last_seen=dt(doc.get("last_seen")),
        stats=stats_of(doc.get("stats")),
        terms=doc.get("terms", ""),
    )


def feedback_id(record: Feedback) -> str:
    return doc_id(record.market, record.key)


def feedback_doc(record: Feedback) -> dict[str, Any]:
    return {
        "@timestamp": ts(record.date or record.first_seen),
        "market": record.market,
        "key": record.key,
        "listing_id": record.listing_id,
        "vendor": record.vendor,
        "date": ts(record.date),
        "date_precision": record.date_precision,
        "rating": record.rating,
        "rating_text": record.rating_text,
        "text": record.text,
        "item": record.item,
        "buyer": record.buyer,
        "first_seen": ts(record.first_seen),
        "run_id": record.run_id,
        "evidence": list(record.evidence),
    }


def feedback_of(doc: dict[str, Any]) -> Feedback:
    return Feedback(
        market=doc["market"],
        key=doc["key"],
        listing_id=doc.get("listing_id", ""),
        vendor=doc.get("vendor", ""),
        date=dt(doc.get("date")),
        date_precision=doc.get("date_precision", ""),
        rating=doc.get("rating"),
        rating_text=doc.get("rating_text", ""),
        text=doc.get("text", ""),
        item=doc.get("item", ""),
        buyer=doc.get("buyer", ""),
        first_seen=dt(doc.get("first_seen")),
        run_id=doc.get("run_id"),
        evidence=tuple(doc.get("evidence", [])),
    )


def run_doc(run: CrawlRun) -> dict[str, Any]:
    return {
        "@timestamp": ts(run.started_at),
        "id": run.id,
        "market": run.market,
        "started_at": ts(run.started_at),
        "finished_at": ts(run.finished_at),
        "status": run.status,
        "stats": _plain(run.stats),
    }


def run_of(doc: dict[str, Any]) -> CrawlRun:
    return CrawlRun(
        market=doc["market"],
        started_at=dt(doc["started_at"]),  # type: ignore[arg-type]
        id=int(doc["id"]),
        finished_at=dt(doc.get("finished_at")),
        status=doc.get("status", "running"),
        stats=dict(doc.get("stats") or {}),
    )


def evidence_doc(evidence: Evidence) -> dict[str, Any]:
    return {
        "@timestamp": ts(evidence.fetched_at),
        "sha256": evidence.sha256,
        "url": evidence.url,
        "fetched_at": ts(evidence.fetched_at),
        "status": evidence.status,
        "size": evidence.size,
        "content_type": evidence.content_type,
    }


def evidence_of(doc: dict[str, Any]) -> Evidence:
    return Evidence(
        sha256=doc["sha256"],
        url=doc["url"],
        fetched_at=dt(doc["fetched_at"]),  # type: ignore[arg-type]
        status=int(doc["status"]),
        size=int(doc["size"]),
        content_type=doc.get("content_type", ""),
    )


def link_id(link: EvidenceLink) -> str:
    return doc_id(link.sha256, link.record, link.market, link.key, link.role)


def link_doc(link: EvidenceLink) -> dict[str, Any]:
    return {
        "sha256": link.sha256,
        "record": link.record,
        "market": link.market,
        "key": link.key,
        "role": link.role,
    }


def link_of(doc: dict[str, Any]) -> EvidenceLink:
    return EvidenceLink(doc["sha256"], doc["record"], doc["market"], doc["key"], doc["role"])
