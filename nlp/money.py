"""Prices: parse amounts with currency from raw text, convert them to EUR.

Fiat converts with the `currency_converter` package (the ECB reference rates it ships,
used offline; a date after its last rate uses the last known rate). Crypto converts with the
dated table the caller passes (`load_rates(path)` reads one, e.g. `config/rates.yaml`): a price
converts at the rate of the latest table date on or before the observation date. The core
reads no environment and no default path: without a table, crypto prices have no EUR value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CRYPTO = frozenset({"BTC", "XMR", "ETH", "LTC"})

# Currency markers as written (lower-cased: `Ƀ` is `ƀ`, `Ξ` is `ξ`), to ISO-ish codes. Dark
# markets write bitcoin as `฿` (the baht sign), `Ƀ` or `₿`, ether as `Ξ`, monero as `ɱ`.
# Order does not matter; the regex below tries longer markers first.
_MARKERS: dict[str, str] = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "eu€": "EUR",
    "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "usd$": "USD",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP",
    "zł": "PLN", "zl": "PLN", "pln": "PLN", "złotych": "PLN", "zlotych": "PLN",
    "kč": "CZK", "czk": "CZK",
    "chf": "CHF", "sek": "SEK", "dkk": "DKK", "nok": "NOK", "huf": "HUF", "ron": "RON",
    "lei": "RON", "bgn": "BGN", "лв": "BGN", "cad": "CAD", "c$": "CAD", "ca$": "CAD",
    "aud": "AUD", "a$": "AUD", "au$": "AUD", "₽": "RUB", "rub": "RUB", "руб": "RUB",
    "₿": "BTC", "฿": "BTC", "ƀ": "BTC", "btc": "BTC", "xbt": "BTC", "bitcoin": "BTC", "bitcoins": "BTC",
    "xmr": "XMR", "monero": "XMR", "ɱ": "XMR",
    "eth": "ETH", "ether": "ETH", "ξ": "ETH", "ltc": "LTC", "litecoin": "LTC",
}
# Markers that may come before the number (symbols and codes) and after it (all of them).
_PREFIX_ONLY_OK = {"€", "$", "us$", "£", "c$", "ca$", "a$", "au$", "₿", "usd", "eur", "gbp",
                   "btc", "xmr", "pln", "czk", "zł", "kč", "chf", "usd$", "eu€", "ɱ",
                   "฿", "ƀ", "ξ"}


def _marker_alternation(markers: list[str]) -> str:
    parts = sorted(markers, key=len, reverse=True)
    return "|".join(re.escape(m) for m in parts)


_NUM = r"\d{1,3}(?:[.,'’\u00a0\u202f]\d{3})+(?:[.,]\d{1,8})?|\d+(?:[.,]\d{1,8})?|[.,]\d{1,8}"
_AFTER = _marker_alternation(list(_MARKERS))
_BEFORE = _marker_alternation(sorted(_PREFIX_ONLY_OK))
# Word-ish markers need a boundary so that "eur" does not match in "europe" and "eth" not
# in "method"; symbols need none.
PRICE_RE = re.compile(
    rf"(?P<pre>{_BEFORE})\s?(?P<num1>{_NUM})(?![\d])"
    rf"|(?<![\w.,])(?P<num2>{_NUM})\s?(?P<post>{_AFTER})(?![^\W\d_])",
    re.IGNORECASE,
)
_WORDY = re.compile(r"^[^\W\d_]")


def parse_number(raw: str, *, crypto: bool = False) -> Decimal | None:
    """A number as written in a listing: `1,202.70`, `12,50`, `1.234,50`, `0.2961`, `1 000`."""
    s = raw.strip()
    for ch in "’' \u00a0\u202f":
        s = s.replace(ch, "")
    if not s:
        return None
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        thou = "." if dec == "," else ","
        s = s.replace(thou, "").replace(dec, ".")
    elif "," in s or "." in s:
        sep = "," if "," in s else "."
        head, _, tail = s.rpartition(sep)
        if s.count(sep) > 1:
            s = s.replace(sep, "")
        elif len(tail) == 3 and head not in ("", "0") and not crypto:
            s = head + tail  # "1,202" and "1.500" read as thousands for fiat
        else:
            s = f"{head or '0'}.{tail}"
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@dataclass(frozen=True, slots=True)
class PriceMatch:
    amount: Decimal
    currency: str
    start: int
    end: int


def find_prices(text: str) -> Iterator[PriceMatch]:
    """Every `amount + currency` in `text`, with its span."""
    for m in PRICE_RE.finditer(text):
        marker = (m.group("pre") or m.group("post")).lower()
        if m.group("post") and _WORDY.match(marker):
            # a word marker glued to letters before it ("12eth" is fine, "method" never reaches
            # here because a number must precede); nothing more to check
            pass
        currency = _MARKERS.get(marker)
        if currency is None:
            continue
        num = m.group("num1") or m.group("num2")
        amount = parse_number(num, crypto=currency in CRYPTO)
        if amount is None or amount <= 0:
            continue
        yield PriceMatch(amount, currency, m.start(), m.end())


def parse_price(text: str) -> tuple[Decimal, str] | None:
    """The first price in `text` as (amount, currency code), or None.

    >>> parse_price("$1,202.70")
    (Decimal('1202.70'), 'USD')
    """
    if not text:
        return None
    for match in find_prices(text[:1000]):
        return match.amount, match.currency
    return None


# --- conversion -------------------------------------------------------------------------

@cache
def _converter() -> Any:
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


@dataclass(frozen=True)
class RateTable:
    """Crypto rates in EUR by date, sorted by date."""

    dates: tuple[date, ...]
    rates: tuple[dict[str, Decimal], ...]

    def rate(self, currency: str, on: date) -> Decimal | None:
        best = None
        for d, table in zip(self.dates, self.rates, strict=True):
            if d > on:
                break
            if currency in table:
                best = table[currency]
        return best


def load_rates(path: Path) -> RateTable:
    """Read and validate a rate table (`crypto_eur: {YYYY-MM-DD: {BTC: 123.4, ...}}`)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the rate table ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with 'crypto_eur'")
    raw = data.get("crypto_eur")
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: 'crypto_eur' must be a mapping of dates to rates")
    rows: list[tuple[date, dict[str, Decimal]]] = []
    for key, row in raw.items():
        try:
            day = key if isinstance(key, date) else date.fromisoformat(str(key))
        except ValueError:
            raise ValueError(f"{path}: {key!r} is not a date (YYYY-MM-DD)") from None
        if not isinstance(row, dict):
            raise ValueError(f"{path}: rates for {day} must be a mapping")
        parsed = {}
        for code, value in row.items():
            code = str(code).upper()
            if code not in CRYPTO:
                raise ValueError(f"{path}: unknown crypto currency {code!r} on {day}")
            try:
                rate = Decimal(str(value))
            except InvalidOperation:
                rate = Decimal(0)
            if not rate.is_finite() or rate <= 0:
                raise ValueError(f"{path}: rate for {code} on {day} must be positive")
            parsed[code] = rate
        rows.append((day, parsed))
    rows.sort(key=lambda r: r[0])
    return RateTable(tuple(r[0] for r in rows), tuple(r[1] for r in rows))


EMPTY_RATES = RateTable((), ())


_CENT = Decimal("0.01")
#: An amount with more integer digits than this is not a price (27 digits and cents would not
#: even fit Decimal's 28-digit context); checked on the amount, not on its EUR value.
_MAX_PRICE_DIGITS = 26


def to_eur(
    amount: Decimal, currency: str, on: date | None = None, rates: RateTable | None = None
) -> Decimal | None:
    """`amount` of `currency` in EUR on `on` (today when None), rounded to cents; None if unknown
    (crypto without a rate table, an unknown currency, an amount too large to be a price)."""
    currency = currency.upper()
    day = on or date.today()
    if currency == "EUR":
        rate: Decimal | None = Decimal(1)
    elif currency in CRYPTO:
        rate = (rates or EMPTY_RATES).rate(currency, day)
    else:
        conv = _converter()
        if currency not in conv.currencies:
            return None
        try:
            rate = Decimal(str(conv.convert(1, currency, "EUR", date=day)))
        except Exception:  # the package raises its own RateNotFoundError and ValueError subclasses
            return None
    amount = Decimal(amount)
    if rate is None or not amount.is_finite() or amount.adjusted() >= _MAX_PRICE_DIGITS:
        return None
    try:
        return (amount * rate).quantize(_CENT, ROUND_HALF_UP)
    except InvalidOperation:  # a 27-digit "price" exceeds Decimal's context: not a price
        return None
