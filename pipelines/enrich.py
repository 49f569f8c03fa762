"""Enrich: the extractor (`nlp.extract`) on every listing and vendor, and prices in EUR at
the rate of the observation date.

A listing whose content hash equals the stored one (an unchanged listing on a re-crawl) keeps
its stored extraction: the extractor is the costly part of a crawl, and its result would not
be written anyway (an unchanged listing only moves `last_seen`)."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.items import ListingItem
from index.errors import StoreError
from nlp import extract
from nlp.money import to_eur
from pipelines.context import CrawlContext
from pipelines.versioning import content_hash


class EnrichPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EnrichPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        context = CrawlContext.of(self.crawler)
        today = context.clock.now().date()
        rates = context.rates
        fields = item.normalized
        if isinstance(item, ListingItem):
            if item.not_modified:
                return item  # 304: the stored listing and its extraction stand
            record = {
                "id": item.listing_id,
                "title": fields.get("title", ""),
                "description": fields.get("description", ""),
                "ships_from": fields.get("ships_from", ""),
                "ships_to": fields.get("ships_to", ""),
                "price": fields.get("price", ""),
            }
            for name in ("price", "price_alt"):
                amount, currency = fields.get(f"{name}_amount"), fields.get(f"{name}_currency")
                if amount is not None and currency:
                    fields[f"{name}_eur"] = to_eur(amount, currency, today, rates)
            for option in fields.get("shipping_options") or []:
                amount, currency = option.get("price_amount"), option.get("price_currency")
                if amount is not None and currency:
                    option["price_eur"] = to_eur(amount, currency, today, rates)
            stored = self._stored_extraction(context, item)
            if stored is not None:
                item.extraction = stored
                self._count("vigil/extract/listings_reused")
                return item
            self._count("vigil/extract/listings")
        else:
            parts = [fields.get(name) or "" for name in ("description", "contacts", "pgp_key")]
            text = "\n".join("\n".join(p) if isinstance(p, list) else str(p) for p in parts)
            record = {"id": item.alias, "title": "", "description": text}
            self._count("vigil/extract/vendors")
        item.extraction = extract(record, on=today, rates=rates)
        return item

    def _stored_extraction(self, context: CrawlContext, item: ListingItem) -> dict[str, Any] | None:
        """The stored extraction of an active listing whose content is unchanged, else None."""
        try:
            previous = context.store.get_listing(item.market, item.listing_id)
        except StoreError:
            return None  # the index cannot be read now: extract, the versioning decides later
        if previous is None or previous.status != "active" or not previous.extraction:
            return None
        if previous.content_hash != content_hash(item.normalized):
            return None
        return previous.extraction

    def _count(self, name: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(name)
