"""Normalize what a market shows about trade: sales and feedback counts, ratings, stock,
shipping options with prices, vendor statistics, and feedback records with their dates.

Runs inside the normalize pipeline, after the text fields are cleaned: each value the page gave
is read into a number, a share or a date; the text stays beside it (`<name>_text`) and a
value that cannot be read is reported so that the run counts it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from nlp.money import parse_price
from pipelines.values import parse_count, parse_rating, parse_stock, parse_when

COUNT_FIELDS = (
    "sales", "feedback_count", "disputes", "feedback_positive", "feedback_neutral", "feedback_negative",
    "level",
)  # fmt: skip
RATING_FIELDS = ("feedback_score", "rating")
DATE_FIELDS = ("member_since", "last_active")


@dataclass(frozen=True)
class Reading:
    """How to read dates on a market's pages: when the page was fetched (relative dates count
    back from it), the market's numeric date order, its languages."""

    fetched_at: datetime
    date_order: str | None = None
    languages: tuple[str, ...] = ("en",)


def normalize_trade(out: dict[str, Any], reading: Reading, clean: Any) -> None:
    """Read the trade fields of `out` (cleaned field values) in place; the text of each stays
    as `<name>_text` (see `unparsed_trade`)."""
    for name in COUNT_FIELDS:
        _read(out, name, parse_count)
    for name in RATING_FIELDS:
        _read(out, name, parse_rating)
    for name in DATE_FIELDS:
        _read(out, name, lambda text: _iso(parse_when(
            text, reading.fetched_at, date_order=reading.date_order, languages=reading.languages
        )[0]))
    raw_stock = _text(out.get("stock"))
    if raw_stock is not None:
        out["stock_text"] = raw_stock
        out["stock"], out["in_stock"] = parse_stock(raw_stock)
    if isinstance(out.get("shipping_options"), list):
        currency = out.get("currency") if isinstance(out.get("currency"), str) else None
        out["shipping_options"] = [shipping_option(r, clean, currency) for r in out["shipping_options"]]
    if isinstance(out.get("feedback"), list):
        out["feedback"] = [feedback_record(r, reading, clean) for r in out["feedback"] if isinstance(r, dict)]
        out["feedback"] = [r for r in out["feedback"] if r is not None]


def unparsed_trade(normalized: dict[str, Any]) -> list[str]:
    """Trade fields the page gave that could not be read (`Level ∞`, a date in no known form)."""
    found = [
        name for name in (*COUNT_FIELDS, *RATING_FIELDS, *DATE_FIELDS)
        if f"{name}_text" in normalized and normalized.get(name) is None
    ]
    if "stock_text" in normalized and normalized.get("in_stock") is None:
        found.append("stock")
    return found


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return value.strip() or None if isinstance(value, str) else None


def _read(out: dict[str, Any], name: str, parse: Any) -> None:
    raw = _text(out.get(name))
    if raw is None:
        out.pop(name, None)
        return
    out[f"{name}_text"] = raw
    out[name] = parse(raw)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def shipping_option(record: dict[str, Any], clean: Any, currency: str | None) -> dict[str, Any]:
    """`{name, price}` as shown -> `{name, text, price_amount, price_currency}` (the amount in the
    record's or the listing's currency when the price has no marker of its own)."""
    name = clean(str(record.get("name") or ""))
    price_text = clean(str(record.get("price") or ""))
    parsed = parse_price(price_text) if price_text else None
    fallback = record.get("currency") or currency
    if parsed is None and price_text and fallback:
        parsed = parse_price(f"{price_text} {fallback}")
    if parsed is None and (_ZERO.search(price_text) or _FREE.search(price_text)):
        # free shipping (`USD 0.00`, `free`): a price of 0 in the currency the text or the listing names
        probe = parse_price(_ZERO.sub("1", price_text))
        if probe is None and fallback:
            probe = parse_price(f"1 {fallback}")
        if probe is not None:
            parsed = (Decimal(0), probe[1])
    option: dict[str, Any] = {"name": name or price_text, "price_text": price_text}
    if parsed is not None:
        option["price_amount"], option["price_currency"] = parsed
    return option


_ZERO = re.compile(r"(?<![\d.,])0+(?:[.,]0+)?(?![\d.,])")
_FREE = re.compile(r"\bfree\b|\bgratis\b|\bkostenlos\b", re.I)


def feedback_record(record: dict[str, Any], reading: Reading, clean: Any) -> dict[str, Any] | None:
    """One feedback as stored: its date (UTC, ISO) with its precision, its rating on a 0-1 scale
    beside the rating as shown, its text, the item and the (masked) buyer."""
    text = clean(str(record.get("text") or ""))
    rating_text = clean(str(record.get("rating") or ""))
    date_text = clean(str(record.get("date") or ""))
    if not (text or rating_text or date_text):
        return None
    when, precision = parse_when(
        date_text, reading.fetched_at, date_order=reading.date_order, languages=reading.languages
    )
    return {
        "date": _iso(when),
        "date_precision": precision,
        "date_text": date_text,
        "rating": parse_rating(rating_text),
        "rating_text": rating_text,
        "text": text,
        "item": clean(str(record.get("item") or "")),
        "buyer": clean(str(record.get("buyer") or "")),
    }


def feedback_keys(market: str, listing_id: str, vendor: str, records: list[dict[str, Any]]) -> list[str]:
    """A stable key per feedback, so that a feedback seen by many crawls is stored once: its
    listing (or vendor), date (to the minute; to the day when the page gave a day or a relative
    date), rating, buyer and text, and how many identical ones came before it on the page."""
    seen: dict[str, int] = {}
    keys = []
    for record in records:
        date = record.get("date") or ""
        if record.get("date_precision") != "time":
            date = date[:10]
        base = json.dumps(
            [market, listing_id, vendor if not listing_id else "", date, record.get("rating_text", ""),
             record.get("buyer", ""), record.get("text", "")],
            ensure_ascii=False,
        )
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        keys.append(hashlib.sha256(f"{base}#{occurrence}".encode()).hexdigest()[:32])
    return keys
