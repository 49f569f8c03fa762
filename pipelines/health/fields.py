"""Per-field fill counts, the stats the fill-rate check reads.

For each listing, once per run, every configured field its pages could give is `seen`
(`vigil/fields/<field>/seen`), and `filled` when it came with a value. Which fields a listing
could give follows from the pages it was read from: the card's fields when it came from a
card, the listing page's when that page was read, a tab's when the tab was. Counted before
validation, so that a required field whose selector broke (its listings are then dropped)
still shows as unfilled.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.items import ListingItem


def expected_fields(listings: Any, roles: set[str]) -> list[str]:
    """The configured fields (`listings` is a market's `ListingSpec`) that pages in these
    evidence roles give."""
    names: dict[str, None] = {}
    if "card" in roles and listings.cards is not None:
        names.update(dict.fromkeys(listings.cards.fields))
    if "listing" in roles:
        names.update(dict.fromkeys(listings.fields))
    for sub in listings.extra_pages:
        if sub.page_role in roles:
            names.update(dict.fromkeys(sub.fields))
    return list(names)


def is_filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | dict | set):
        return bool(value)
    return True


class FieldFillPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._counted: set[str] = set()  # a listing met twice (two category pages) counts once

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FieldFillPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        config = getattr(self.crawler.spider, "config", None)
        if not isinstance(item, ListingItem) or config is None or item.listing_id in self._counted:
            return item
        self._counted.add(item.listing_id)
        stats = self.crawler.stats
        assert stats is not None
        for name in expected_fields(config.listings, {page.role for page in item.pages}):
            stats.inc_value(f"vigil/fields/{name}/seen")
            if is_filled(item.fields.get(name)):
                stats.inc_value(f"vigil/fields/{name}/filled")
        return item
