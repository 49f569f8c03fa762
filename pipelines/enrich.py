"""Enrich: the extractor (`nlp.extract`) on every listing and vendor, and prices in EUR at
the rate of the observation date."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.items import ListingItem
from nlp import extract
from nlp.money import to_eur
from pipelines.context import CrawlContext


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
        else:
            parts = [fields.get(name) or "" for name in ("description", "contacts", "pgp_key")]
            text = "\n".join("\n".join(p) if isinstance(p, list) else str(p) for p in parts)
            record = {"id": item.alias, "title": "", "description": text}
        item.extraction = extract(record, on=today, rates=rates)
        return item
