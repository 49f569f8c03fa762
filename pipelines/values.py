"""Reading the values markets show beside a listing: counts (`1,234 sold`, `60+`), ratings
(`5/5`, `4.5 stars`, `92%`, `+`/`-`, positive/negative), stock (`872 in stock`, `Sold out`) and
dates, absolute (`2017-05-10 23:00 UTC`, `May 10, 2017`) or relative to when the page was
fetched (`3 days ago`, `yesterday`, `vor 3 Tagen`).

Plain functions of text: a value that cannot be read is None, never a guess.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Literal

#: Longer texts are not a date, a count or a rating (bounds the work on hostile pages).
MAX_VALUE_CHARS = 200

_COUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[,.' \u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?)\s*([kKmM])?(?![\d])")
_MULTIPLIER = {"k": 1_000, "m": 1_000_000}


def parse_count(text: str | None) -> int | None:
    """The first count in `text`: `1,234 sold` -> 1234, `60+` -> 60, `1.2k` -> 1200."""
    if not text or len(text) > MAX_VALUE_CHARS:
        return None
    match = _COUNT.search(text)
    if match is None:
        return None
    digits, suffix = match.group(1), (match.group(2) or "").lower()
    if suffix:
        value = _decimal(digits.replace(",", "."))
        return None if value is None else int(value * _MULTIPLIER[suffix])
    if re.fullmatch(r"\d+[.,]\d{1,2}", digits):  # "4.5" is not a count of things
        return None
    return int(re.sub(r"\D", "", digits))


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


_NUMBER = r"(\d+(?:[.,]\d+)?)"
_FRACTION = re.compile(rf"{_NUMBER}\s*(?:/|out of|of|von)\s*{_NUMBER}", re.I)
_PERCENT = re.compile(rf"{_NUMBER}\s*%")
_STARS = re.compile(rf"{_NUMBER}\s*(?:stars?|sterne|★)", re.I)
_BARE = re.compile(rf"^[^\d+-]*{_NUMBER}[^\d]*$")
_POSITIVE = re.compile(
    r"^\s*\+|\bpositiv|\bpos\b|\bgood\b|\bgreat\b|\bthumbs?[-_ ]?(?:o[-_])?up\b|👍|\bsuccess\b", re.I
)
_NEGATIVE = re.compile(
    r"^\s*[-−–]|\bnegative\b|\bneg\b|\bbad\b|\bthumbs?[-_ ]?(?:o[-_])?down\b|👎|\bnegativ\b|\bdanger\b", re.I
)
_NEUTRAL = re.compile(r"\bneutral\b|\bcircle\b|^\s*[0o○]\s*$", re.I)


def parse_rating(text: str | None) -> float | None:
    """A rating on a 0-1 scale: `5/5` -> 1.0, `4.5 stars` -> 0.9, `92%` -> 0.92, `+` or
    `positive` -> 1.0, `-` or `negative` -> 0.0, `neutral` -> 0.5; `★★★★☆` -> 0.8. A bare
    number is read on the smallest of the usual scales (5, 10, 100) that holds it."""
    if not text or len(text) > MAX_VALUE_CHARS:
        return None
    text = text.strip()
    filled, empty = text.count("★"), text.count("☆")
    if filled + empty and not re.search(r"\d", text):
        return _unit(Decimal(filled) / Decimal(filled + empty))
    if match := _FRACTION.search(text):
        value, scale = _decimal(match.group(1).replace(",", ".")), _decimal(match.group(2).replace(",", "."))
        return None if value is None or not scale else _unit(value / scale)
    if match := _PERCENT.search(text):
        value = _decimal(match.group(1).replace(",", "."))
        return None if value is None else _unit(value / 100)
    if match := _STARS.search(text):
        value = _decimal(match.group(1).replace(",", "."))
        return None if value is None else _unit(value / 5)
    if _NEUTRAL.search(text):
        return 0.5
    if _POSITIVE.search(text):
        return 1.0
    if _NEGATIVE.search(text):
        return 0.0
    if match := _BARE.match(text):
        value = _decimal(match.group(1).replace(",", "."))
        if value is None:
            return None
        scale = next((s for s in (5, 10, 100) if value <= s), None)
        return None if scale is None else _unit(value / scale)
    return None


def _unit(value: Decimal) -> float | None:
    """A share rounded to 4 places; None outside [0, 1] (not a rating)."""
    if value < 0 or value > 1:
        return None
    return round(float(value), 4)


_OUT_OF_STOCK = re.compile(
    r"out of stock|sold out|not available|unavailable|no stock|ausverkauft|nicht (?:auf lager|verfügbar)"
    r"|agotado|épuisé|uitverkocht",
    re.I,
)
_IN_STOCK = re.compile(
    r"in stock|available|unlimited|auf lager|verfügbar|en stock|op voorraad|^\s*yes\s*$", re.I
)


def parse_stock(text: str | None) -> tuple[int | None, bool | None]:
    """(units in stock, whether it is available): `872 in stock` -> (872, True), `In stock` ->
    (None, True), `Out of stock` -> (0, False); (None, None) when the text says neither."""
    if not text or len(text) > MAX_VALUE_CHARS:
        return None, None
    if _OUT_OF_STOCK.search(text):
        return 0, False
    count = parse_count(text)
    if count is not None:
        return count, count > 0
    if _IN_STOCK.search(text):
        return None, True
    return None, None


Precision = Literal["time", "day", "relative"]
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")
_CLOCK = re.compile(r"\d{1,2}:\d{2}")


def parse_when(
    text: str | None,
    now: datetime,
    *,
    date_order: str | None = None,
    languages: tuple[str, ...] = ("en",),
) -> tuple[datetime | None, Precision | None]:
    """A date as a UTC datetime, with how precise it is: `time` (a date and a clock time),
    `day` (a date) or `relative` (`3 days ago`, read against `now`, the page's fetch time).

    ISO dates are read directly; anything else through `dateparser`, in the market's language
    and English, with the market's `date_order` for numeric dates such as 05/06/2017."""
    if not text or len(text) > MAX_VALUE_CHARS:
        return None, None
    text = text.strip()
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    if match := _ISO.search(text):
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            found = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except ValueError:
            return None, None
        return found, "time" if match.group(4) else "day"
    found = _dateparser(text, now, date_order, languages)
    if found is None:
        return None, None
    if _dateparser(text, now + timedelta(days=1), date_order, languages) != found:
        return found, "relative"  # it moved with the time it was read against
    return found, "time" if _CLOCK.search(text) else "day"


def _dateparser(
    text: str, now: datetime, date_order: str | None, languages: tuple[str, ...]
) -> datetime | None:
    settings: dict[str, object] = {
        "RELATIVE_BASE": now.astimezone(UTC).replace(tzinfo=None),
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
    }
    if date_order:
        settings["DATE_ORDER"] = date_order
    try:
        found = _parser()(text, languages=list(languages), settings=settings)
    except ValueError:  # a language dateparser does not know (e.g. `en-US`): English only
        found = _parser()(text, languages=["en"], settings=settings)
    return None if found is None else found.astimezone(UTC)


@cache
def _parser() -> Any:
    """`dateparser.parse`, imported when a date that is not ISO is first read."""
    import dateparser

    return dateparser.parse
