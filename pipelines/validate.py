"""Item validation at the pipeline boundary: a broken item is dropped with a counted reason."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import ListingItem, VendorItem
from index.records import MAX_FIELD_CHARS

logger = logging.getLogger(__name__)
#: Records of one repeated block on one item (its pages together), and the text of each field.
MAX_RECORDS = 5000
MAX_RECORD_CHARS = 10_000


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ListingItem):
            config = getattr(self.crawler.spider, "config", None)
            problem = _listing_problem(item, config.listings.required if config else ["title"])
        elif isinstance(item, VendorItem):
            problem = None if item.alias else "vendor without alias"
        else:
            problem = f"unknown item type {type(item).__name__}"
        if problem:
            stats = self.crawler.stats
            assert stats is not None
            stats.inc_value("vigil/dropped")
            stats.inc_value(f"vigil/dropped/{problem}")
            logger.error("%s: %s dropped: %s", item.market, item.url, problem)
            raise DropItem(problem)
        for name, value in list(item.fields.items()):
            if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
                item.fields[name] = value[:MAX_FIELD_CHARS]
                logger.warning(
                    "%s: field %s truncated to %d characters", item.url, name, MAX_FIELD_CHARS
                )
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                item.fields[name] = _bounded_records(value)
        return item


def _bounded_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At most MAX_RECORDS records (feedback, shipping options), each text at most
    MAX_RECORD_CHARS: records come from hostile pages."""
    return [
        {k: v[:MAX_RECORD_CHARS] if isinstance(v, str) else v for k, v in record.items()}
        for record in records[:MAX_RECORDS]
    ]


def _listing_problem(item: ListingItem, required: list[str]) -> str | None:
    if not item.listing_id:
        return "listing without id"
    if item.not_modified:
        return None  # its page answered 304: the stored listing stands, with its stored page
    for name in ["title", *required]:
        value = item.fields.get(name)
        if not value or (isinstance(value, str) and not value.strip()):
            return f"listing without {name}"
    if not item.pages:
        return "listing without evidence"
    return None
