"""Per-field fill counts, the stats the fill-rate check reads.

For each listing, once per run, every configured field its pages could give is `seen`
(`vigil/fields/<field>/seen`), and `filled` when it came with a value. Which fields a listing
could give follows from the pages it was read from: the card's fields when it came from a
card, the listing page's when that page was read, a tab's when the tab was. Vendors are
counted the same way, once per alias, their fields prefixed `vendor.` (`vigil/fields/
vendor.pgp_key/filled`). Counted before validation, so that a required field whose selector
broke (its listings are then dropped) still shows as unfilled.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.items import ListingItem, VendorItem

VENDOR_PREFIX = "vendor."


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


def expected_vendor_fields(vendors: Any, roles: set[str]) -> list[str]:
    """The configured vendor fields (`vendors` is a market's `VendorSpec`) these pages give."""
    names: dict[str, None] = {}
    if "vendor" in roles:
        names.update(dict.fromkeys(vendors.fields))
    for sub in vendors.extra_pages:
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
        # a listing met twice (on two category pages) counts once; so does a vendor
        self._counted: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FieldFillPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        config = getattr(self.crawler.spider, "config", None)
        if config is None:
            return item
        roles = {page.role for page in item.pages}
        if isinstance(item, ListingItem) and self._first(("listing", item.listing_id)):
            self._count(expected_fields(config.listings, roles), item.fields, "")
        elif isinstance(item, VendorItem) and config.vendors and self._first(("vendor", item.alias)):
            self._count(expected_vendor_fields(config.vendors, roles), item.fields, VENDOR_PREFIX)
        return item

    def _first(self, key: tuple[str, str]) -> bool:
        if key in self._counted:
            return False
        self._counted.add(key)
        return True

    def _count(self, names: list[str], fields: dict[str, Any], prefix: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        for name in names:
            stats.inc_value(f"vigil/fields/{prefix}{name}/seen")
            if is_filled(fields.get(name)):
                stats.inc_value(f"vigil/fields/{prefix}{name}/filled")
