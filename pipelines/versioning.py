"""Versioning: listing state plus an observation time series, written through the `Store`.

A listing seen unchanged moves `last_seen` and adds no row; a new, changed or reappeared
listing adds one observation. Removal is decided at the end of a complete run
(`pipelines.runs`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from scrapy.crawler import Crawler

from crawler.items import ListingItem, VendorItem
from crawler.validators import Remembered, Validators
from index.errors import StoreError
from index.records import VENDOR_STATS, Feedback, Listing, Price, ShippingOption, Vendor, stats_of
from index.versioning import Recorded
from pipelines.context import CrawlContext
from pipelines.trade import feedback_keys

# The fields whose change is a change of the listing (evidence pages are not: a category
# page changes whenever any of its cards does).
CONTENT_FIELDS = (
    "title",
    "description",
    "category",
    "vendor",
    "price_amount",
    "price_currency",
    "price_alt",
    "ships_from",
    "ships_to",
)
#: Trade fields whose change is a change too (an observation of the time series), hashed only
#: when the market shows them, so that a market without them keeps its listings' hashes.
TRADE_CONTENT_FIELDS = ("sales", "feedback_count", "stock", "in_stock")


def content_hash(fields: dict[str, Any]) -> str:
    payload = {name: str(fields.get(name, "")) for name in CONTENT_FIELDS}
    payload.update({name: str(fields[name]) for name in TRADE_CONTENT_FIELDS if fields.get(name) is not None})
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def build_listing(item: ListingItem, seen_at: datetime) -> Listing:
    f = item.normalized
    images = f.get("images", [])
    return Listing(
        market=item.market,
        listing_id=item.listing_id,
        url=item.url,
        title=f.get("title", ""),
        description=f.get("description", ""),
        category=f.get("category", ""),
        vendor=f.get("vendor", ""),
        vendor_url=f.get("vendor_url", ""),
        price=_price(f, "price"),
        price_alt=_price(f, "price_alt"),
        price_alt_raw=str(f.get("price_alt") or ""),
        # the market's field first; else what the description says ("Versand aus Deutschland")
        ships_from=list(f.get("ships_from_codes") or (item.extraction or {}).get("ships_from", [])),
        ships_to=list(f.get("ships_to_codes", [])),
        ships_from_raw=f.get("ships_from", ""),
        ships_to_raw=f.get("ships_to", ""),
        images=[images] if isinstance(images, str) else list(images),
        sales=f.get("sales"),
        feedback_count=f.get("feedback_count"),
        feedback_score=f.get("feedback_score"),
        stock=f.get("stock"),
        in_stock=f.get("in_stock"),
        shipping_options=[_shipping(o) for o in f.get("shipping_options") or []],
        terms=str(f.get("terms") or ""),
        extraction=item.extraction,
        evidence=list(item.evidence),
        content_hash=content_hash(f),
        first_seen=seen_at,
        last_seen=seen_at,
    )


class VersioningPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> VersioningPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        context = CrawlContext.of(self.crawler)
        now = context.clock.now()
        run_id = context.run.id
        assert run_id is not None
        if isinstance(item, VendorItem):
            # the store keeps the vendor's first `first_seen` (no read here: with the cluster
            # down the write goes to the spool and is merged when replayed)
            context.store.write_vendor(build_vendor(item, now), item.evidence_pages)
            self._count("vigil/vendors/written")
            self._feedback(context, build_feedback(item, now, run_id))
            return item
        if item.not_modified:
            return self._not_modified(context, item, now, run_id)
        listing = build_listing(item, now)
        recorded = context.store.record_listing(listing, run_id, item.evidence_pages)
        self._remember(item, listing, recorded)
        # `duplicate`: the same listing on two category pages (or pages that moved under the
        # crawl); `spooled`: the cluster is down and the spool keeps it (the run is partial)
        item.change = recorded.change
        self._count(f"vigil/listings/{recorded.change}")
        if recorded.price_changed:
            self._count("vigil/listings/price_changed")
        if recorded.sales_changed:
            self._count("vigil/listings/sales_changed")
        if recorded.change != "duplicate":
            self._feedback(context, build_feedback(item, now, run_id))
            sales = item.normalized.get("sales")
            if isinstance(sales, int):
                self._count("vigil/trade/listings_with_sales")
                self._count("vigil/trade/sales", sales)
        return item

    def _not_modified(self, context: CrawlContext, item: ListingItem, now: datetime, run_id: int) -> Any:
        """A listing page that answered 304: the stored listing is seen again as it is (or
        reappears as it was). When the index does not hold the state the page was stored with,
        the page is fetched again in full instead."""
        validators = Validators.of(self.crawler)
        remembered = None if validators is None else validators.get(item.url)
        try:
            previous = context.store.get_listing(item.market, item.listing_id)
        except StoreError:
            previous = None  # the index cannot be read now: the full page goes the usual way
        if previous is None or remembered is None or previous.content_hash != remembered.content_hash:
            if validators is not None:
                validators.forget(item.url)
            request = getattr(self.crawler.spider, "refetch_listing")(item)  # noqa: B009
            if request is not None:
                assert self.crawler.engine is not None
                self.crawler.engine.crawl(request)
            self._count("vigil/conditional/refetched")
            item.change = "refetched"
            return item
        if previous.status == "active" and not context.store.backlog():
            # seen unchanged: only last_seen moves (one page is fetched once per run, so this
            # sighting is not a duplicate)
            context.store.touch_listing(item.market, item.listing_id, now, run_id, item.evidence_pages)
            item.change = "unchanged"
            self._count("vigil/listings/unchanged")
            return item
        previous.last_seen = now
        previous.status, previous.removed_at = "active", None
        recorded = context.store.record_listing(previous, run_id, item.evidence_pages)
        item.change = recorded.change
        self._count(f"vigil/listings/{recorded.change}")
        return item

    def _remember(self, item: ListingItem, listing: Listing, recorded: Recorded) -> None:
        """Keep the listing page's validators for the next crawl's conditional request."""
        validators = Validators.of(self.crawler)
        if validators is None or not item.card_digest or recorded.change in ("duplicate", "spooled"):
            return
        page = next((p for p in item.pages if p.role == "listing"), None)
        if page is None:
            return
        if page.etag or page.last_modified:
            validators.remember(page.url, Remembered(page.etag, page.last_modified, page.sha256,
                                                     item.listing_id, item.card_digest, listing.content_hash))
        else:
            validators.forget(page.url)

    def _feedback(self, context: CrawlContext, records: list[Feedback]) -> None:
        """Feedback records, each stored once: the store keeps the first sighting of a key."""
        if records:
            context.store.write_feedback(records)
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("vigil/feedback/read", len(records))

    def _count(self, name: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(name, count)


def build_vendor(item: VendorItem, now: datetime) -> Vendor:
    f = item.normalized
    extraction = item.extraction
    contacts = f.get("contacts", [])
    return Vendor(
        market=item.market,
        alias=item.alias,
        url=item.url,
        description=f.get("description", ""),
        pgp_fingerprints=list(extraction.get("pgp_fingerprints", [])),
        pgp_key=f.get("pgp_key", ""),
        contacts=list(extraction.get("contacts", []))
        or [
            {"kind": "text", "value": c}
            for c in ([contacts] if isinstance(contacts, str) else contacts)
        ],
        crypto_addresses=list(extraction.get("crypto_addresses", [])),
        mentions=[
            f"{m['market']}:{m['alias']}" if m.get("alias") else str(m["market"])
            for m in extraction.get("markets", [])
            if isinstance(m, dict) and m.get("market")
        ],
        evidence=list(item.evidence),
        first_seen=now,
        last_seen=now,
        stats=stats_of({name: f.get(name) for name in VENDOR_STATS}),
        terms=str(f.get("terms") or ""),
    )


def build_feedback(item: ListingItem | VendorItem, now: datetime, run_id: int) -> list[Feedback]:
    """The feedback records an item's pages showed, keyed for deduplication."""
    records = [r for r in item.normalized.get("feedback") or [] if isinstance(r, dict)]
    if not records:
        return []
    if isinstance(item, ListingItem):
        listing_id, vendor = item.listing_id, str(item.normalized.get("vendor") or "")
    else:
        listing_id, vendor = "", item.alias
    keys = feedback_keys(item.market, listing_id, vendor, records)
    return [
        Feedback(
            market=item.market,
            key=key,
            listing_id=listing_id,
            vendor=vendor,
            date=datetime.fromisoformat(r["date"]) if r.get("date") else None,
            date_precision=r.get("date_precision") or "",
            rating=r.get("rating"),
            rating_text=r.get("rating_text", ""),
            text=r.get("text", ""),
            item=r.get("item", ""),
            buyer=r.get("buyer", ""),
            first_seen=now,
            run_id=run_id,
            evidence=tuple(item.evidence),
        )
        for key, r in zip(keys, records, strict=True)
    ]


def _shipping(option: dict[str, Any]) -> ShippingOption:
    amount, currency = option.get("price_amount"), option.get("price_currency")
    price = None
    if amount is not None and currency:
        eur = option.get("price_eur")
        price = Price(Decimal(amount), currency, None if eur is None else Decimal(eur))
    return ShippingOption(str(option.get("name") or ""), price, str(option.get("price_text") or ""))


def _price(fields: dict[str, Any], name: str) -> Price | None:
    amount, currency = fields.get(f"{name}_amount"), fields.get(f"{name}_currency")
    if amount is None or not currency:
        return None
    eur = fields.get(f"{name}_eur")
    return Price(Decimal(amount), currency, None if eur is None else Decimal(eur))
