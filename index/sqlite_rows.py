"""SQLite rows to records and back: timestamps, prices, JSON columns."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from index.query import ListingHit
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
    stats_of,
)


def ts(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def price(amount: str | None, currency: str | None, eur: float | None) -> Price | None:
    if amount is None or currency is None:
        return None
    return Price(Decimal(amount), currency, None if eur is None else Decimal(str(eur)))


def price_columns(value: Price | None) -> tuple[str | None, str | None, float | None]:
    if value is None:
        return None, None, None
    return str(value.amount), value.currency, None if value.eur is None else float(value.eur)


def listing(row: sqlite3.Row) -> Listing:
    return Listing(
        market=row["market"],
        listing_id=row["listing_id"],
        url=row["url"],
        title=row["title"],
        description=row["description"],
        category=row["category"],
        vendor=row["vendor"],
        vendor_url=row["vendor_url"],
        price=price(row["price_amount"], row["price_currency"], row["price_eur"]),
        price_alt=price(row["price_alt_amount"], row["price_alt_currency"], row["price_alt_eur"]),
        price_alt_raw=row["price_alt_raw"],
        ships_from=json.loads(row["ships_from"]),
        ships_to=json.loads(row["ships_to"]),
        ships_from_raw=row["ships_from_raw"],
        ships_to_raw=row["ships_to_raw"],
        images=json.loads(row["images"]),
        sales=row["sales"],
        feedback_count=row["feedback_count"],
        feedback_score=row["feedback_score"],
        stock=row["stock"],
        in_stock=None if row["in_stock"] is None else bool(row["in_stock"]),
        shipping_options=shipping_of(row["shipping_options"]),
        terms=row["terms"],
        extraction=json.loads(row["extraction"]),
        evidence=json.loads(row["evidence"]),
        content_hash=row["content_hash"],
        first_seen=dt(row["first_seen"]),
        last_seen=dt(row["last_seen"]),
        status=row["status"],
        removed_at=dt(row["removed_at"]),
    )


def hit(row: sqlite3.Row) -> ListingHit:
    return ListingHit(listing=listing(row), score=float(row["score"] or 0.0))


def observation(row: sqlite3.Row) -> Observation:
    return Observation(
        market=row["market"],
        listing_id=row["listing_id"],
        run_id=row["run_id"],
        observed_at=dt(row["observed_at"]),  # type: ignore[arg-type]
        price=price(row["price_amount"], row["price_currency"], row["price_eur"]),
        available=bool(row["available"]),
        evidence=tuple(json.loads(row["evidence"])),
        change=row["change"],
        id=row["id"],
        sales=row["sales"],
        feedback_count=row["feedback_count"],
        stock=row["stock"],
    )


def vendor(row: sqlite3.Row) -> Vendor:
    return Vendor(
        market=row["market"],
        alias=row["alias"],
        url=row["url"],
        description=row["description"],
        pgp_fingerprints=json.loads(row["pgp_fingerprints"]),
        pgp_key=row["pgp_key"],
        contacts=json.loads(row["contacts"]),
        crypto_addresses=json.loads(row["crypto_addresses"]),
        mentions=json.loads(row["mentions"]),
        evidence=json.loads(row["evidence"]),
        first_seen=dt(row["first_seen"]),
        last_seen=dt(row["last_seen"]),
        stats=stats_of(json.loads(row["stats"])),
        terms=row["terms"],
    )


def shipping_json(options: list[ShippingOption]) -> str:
    return json.dumps(
        [{"name": o.name, "price": price_columns(o.price), "price_text": o.price_text} for o in options],
        ensure_ascii=False,
    )


def shipping_of(text: str) -> list[ShippingOption]:
    return [ShippingOption(o["name"], price(*o["price"]), o.get("price_text", "")) for o in json.loads(text)]


def feedback(row: sqlite3.Row) -> Feedback:
    return Feedback(
        market=row["market"],
        key=row["key"],
        listing_id=row["listing_id"],
        vendor=row["vendor"],
        date=dt(row["date"]),
        date_precision=row["date_precision"],
        rating=row["rating"],
        rating_text=row["rating_text"],
        text=row["text"],
        item=row["item"],
        buyer=row["buyer"],
        first_seen=dt(row["first_seen"]),
        run_id=row["run_id"],
        evidence=tuple(json.loads(row["evidence"])),
    )


def run(row: sqlite3.Row) -> CrawlRun:
    return CrawlRun(
        market=row["market"],
        started_at=dt(row["started_at"]),  # type: ignore[arg-type]
        id=row["id"],
        finished_at=dt(row["finished_at"]),
        status=row["status"],
        stats=json.loads(row["stats"]),
    )


def evidence(row: sqlite3.Row) -> Evidence:
    return Evidence(
        sha256=row["sha256"],
        url=row["url"],
        fetched_at=dt(row["fetched_at"]),  # type: ignore[arg-type]
        status=row["status"],
        size=row["size"],
        content_type=row["content_type"],
    )


def link(row: sqlite3.Row) -> EvidenceLink:
    return EvidenceLink(row["sha256"], row["record"], row["market"], row["key"], row["role"])


def listing_columns(listing: Listing, run_id: int) -> dict[str, Any]:
    """A listing as the `listings` table's columns, marked seen by run `run_id`."""
    amount, currency, eur = price_columns(listing.price)
    alt_amount, alt_currency, alt_eur = price_columns(listing.price_alt)
    return {
        "market": listing.market,
        "listing_id": listing.listing_id,
        "url": listing.url,
        "title": listing.title,
        "description": listing.description,
        "category": listing.category,
        "vendor": listing.vendor,
        "vendor_url": listing.vendor_url,
        "price_amount": amount,
        "price_currency": currency,
        "price_eur": eur,
        "price_alt_raw": listing.price_alt_raw,
        "price_alt_amount": alt_amount,
        "price_alt_currency": alt_currency,
        "price_alt_eur": alt_eur,
        "ships_from": json.dumps(listing.ships_from),
        "ships_to": json.dumps(listing.ships_to),
        "ships_from_raw": listing.ships_from_raw,
        "ships_to_raw": listing.ships_to_raw,
        "images": json.dumps(listing.images),
        "sales": listing.sales,
        "feedback_count": listing.feedback_count,
        "feedback_score": listing.feedback_score,
        "stock": listing.stock,
        "in_stock": None if listing.in_stock is None else int(listing.in_stock),
        "shipping_options": shipping_json(listing.shipping_options),
        "terms": listing.terms,
        "extraction": json.dumps(listing.extraction, ensure_ascii=False, default=str),
        "evidence": json.dumps(listing.evidence),
        "content_hash": listing.content_hash,
        "first_seen": ts(listing.first_seen),
        "last_seen": ts(listing.last_seen),
        "status": listing.status,
        "removed_at": ts(listing.removed_at),
        "last_run_id": run_id,
    }
