"""Normalize: Unicode NFKC, HTML entities, whitespace; prices into amount and currency;
ships-from/to text into country codes."""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import ListingItem
from nlp.countries import countries
from nlp.money import parse_price
from pipelines.trade import Reading, normalize_trade, unparsed_trade

logger = logging.getLogger(__name__)

_INLINE_SPACE = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

TEXT_FIELDS = ("title", "description", "category", "vendor", "ships_from", "ships_to", "alias", "terms")
PRICE_FIELDS = ("price", "price_alt")


def clean_text(value: str) -> str:
    """NFKC, decoded entities, no control characters, single spaces, at most one blank line."""
    text = unicodedata.normalize("NFKC", html.unescape(value))
    text = _CONTROL.sub("", text)
    lines = [_INLINE_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def normalize_fields(fields: dict[str, Any], reading: Reading | None = None) -> dict[str, Any]:
    """Cleaned fields, prices read into amount and currency, countries into codes, and the
    trade fields (counts, ratings, stock, dates, feedback, shipping) read as `pipelines.trade`
    says; relative dates count back from `reading.fetched_at` (default: now)."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            out[name] = clean_text(value) if name in TEXT_FIELDS else value.strip()
        elif isinstance(value, list):
            out[name] = [clean_text(v) if isinstance(v, str) else v for v in value]
        else:
            out[name] = value
    for name in PRICE_FIELDS:
        price_text = out.get(name)
        if isinstance(price_text, list):
            price_text = " / ".join(str(p) for p in price_text)
            out[name] = price_text
        if isinstance(price_text, str):
            parsed = parse_price(clean_text(price_text))
            hint = _currency_hint(out, name)
            if parsed is None and hint:
                parsed = parse_price(f"{clean_text(price_text)} {hint}")
            if parsed is not None:
                out[f"{name}_amount"], out[f"{name}_currency"] = parsed
    for name in ("ships_from", "ships_to"):
        raw = out.get(name)
        if isinstance(raw, list):
            raw = ", ".join(raw)
            out[name] = raw
        if isinstance(raw, str):
            out[f"{name}_codes"] = countries(raw)
    normalize_trade(out, reading or Reading(datetime.now(UTC)), clean_text)
    return out


def _currency_hint(fields: dict[str, Any], name: str) -> str | None:
    """The currency a price without a marker is in: `currency`, or for the second price
    `price_alt_currency` (a market showing BTC as an icon: `price_alt_currency: {const: BTC}`)."""
    hint = fields.get("price_alt_currency") if name == "price_alt" else None
    hint = hint or fields.get("currency")
    return hint if isinstance(hint, str) and hint.strip() else None


def unparsed_fields(normalized: dict[str, Any]) -> list[str]:
    """Fields the page gave but that could not be read into a value (a price whose currency
    is unknown, such as `¤ 0.01`)."""
    return [
        name
        for name in PRICE_FIELDS
        if str(normalized.get(name) or "").strip() and normalized.get(f"{name}_amount") is None
    ] + unparsed_trade(normalized)


class NormalizePipeline:
    """Normalizes fields; a required field that cannot be read drops the listing (counted, and
    the run is then incomplete), an optional one is counted and logged."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if getattr(item, "not_modified", ""):
            return item  # nothing was read: the stored listing stands (304)
        item.normalized = normalize_fields(item.fields, self._reading(item))
        if isinstance(item, ListingItem):
            self._check(item)
        else:
            self._count_unparsed(item)
        return item

    def _reading(self, item: Any) -> Reading:
        """Relative dates count back from when the item's last page was fetched."""
        config = getattr(self.crawler.spider, "config", None)
        fetched = [page.fetched_at for page in item.pages]
        when = max(fetched) if fetched else datetime.now(UTC)
        if config is None:
            return Reading(when)
        languages = tuple(dict.fromkeys(["en", *([config.language] if config.language else [])]))
        return Reading(when, config.date_order, languages)

    def _count_unparsed(self, item: Any) -> None:
        stats = self.crawler.stats
        assert stats is not None
        for name in unparsed_fields(item.normalized):
            stats.inc_value(f"vigil/fields/unparsed/{name}")
            logger.warning("%s: %s: field %s could not be read from %r", item.market, item.url, name,
                           str(item.normalized.get(f"{name}_text") or item.normalized.get(name))[:80])

    def _check(self, item: ListingItem) -> None:
        stats = self.crawler.stats
        assert stats is not None
        config = getattr(self.crawler.spider, "config", None)
        required = set(config.listings.required) if config is not None else set()
        for name in unparsed_fields(item.normalized):
            raw = str(item.normalized.get(f"{name}_text") or item.normalized.get(name))[:80]
            if name in required:
                stats.inc_value("vigil/dropped")
                stats.inc_value(f"vigil/dropped/unparsed {name}")
                logger.error(
                    "%s: listing %s dropped: required field %s could not be read from %r",
                    item.market, item.url, name, raw,
                )
                raise DropItem(f"required field {name} unparsed")
            stats.inc_value(f"vigil/fields/unparsed/{name}")
            logger.warning(
                "%s: listing %s: field %s could not be read from %r", item.market, item.url, name, raw
            )
