"""A listing's prices in EUR, and its price per gram or per unit.

The market's own price field wins; prices written in the title or description count only when
it gives none. With one distinct price and one quantity, the price per gram (or per unit) is
set. Runs as the `vigil_prices_v1` component.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from nlp import quantities
from nlp.money import RateTable, find_prices, parse_price, to_eur

TEXT_FIELDS = ("title", "description")


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def listing_prices(price_raw: str, texts: dict[str, str], on: date | None,
                   rates: RateTable | None) -> list[dict[str, Any]]:
    """`[{amount, currency, eur, field[, start, end]}]`: the price field's, else the texts'."""
    prices: list[dict[str, Any]] = []
    parsed = parse_price(price_raw) if price_raw else None
    if parsed is not None:
        amount, currency = parsed
        prices.append({"amount": float(amount), "currency": currency,
                       "eur": _money(to_eur(amount, currency, on, rates)), "field": "price"})
    elif price_raw.strip() and re.fullmatch(r"\s*[\d.,]+\s*", price_raw):
        pass  # a bare number without a currency: the market's currency is not known here
    if not prices:
        for f in TEXT_FIELDS:
            for p in find_prices(texts[f]):
                prices.append({"amount": float(p.amount), "currency": p.currency,
                               "eur": _money(to_eur(p.amount, p.currency, on, rates)), "field": f,
                               "start": p.start, "end": p.end})
    return prices


def unit_prices(prices: list[dict[str, Any]],
                offered: list[dict[str, Any]]) -> tuple[float | None, float | None]:
    """(price per gram, price per unit) in EUR, where one price and one quantity define it."""
    distinct = {(p["amount"], p["currency"]) for p in prices}
    if len(distinct) != 1 or len(offered) != 1 or prices[0]["eur"] is None:
        return None, None
    eur = prices[0]["eur"]
    q = offered[0]
    if q["value"] <= 0:
        return None, None
    if q["unit"] in ("g", "mg"):
        per_gram = round(eur / (q["value"] if q["unit"] == "g" else q["value"] / 1000), 2)
        # beyond the plausible range it is a misread amount, not a price (docs/extraction.md)
        return (per_gram if quantities.plausible_per_gram(per_gram) else None), None
    if q["unit"] == "unit":
        return None, round(eur / q["value"], 2)
    return None, None
