"""The simulator's ground-truth records."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

DAY_ONE = dt.date(2026, 1, 5)


def day_date(day: int) -> dt.date:
    """Calendar date of simulator day N (day 1 = 2026-01-05, one day per step)."""
    return DAY_ONE + dt.timedelta(days=day - 1)


@dataclass(frozen=True)
class FeedbackTruth:
    """One feedback a buyer left on a listing: its day, `positive`/`neutral`/`negative`, text."""

    date: dt.date
    rating: str
    text: str
    buyer: str


@dataclass(frozen=True)
class ListingTruth:
    """What a listing really is on a given day."""

    id: str
    path: str
    title: str
    description: str
    category: str
    vendor: str
    price: Decimal
    currency: str
    ships_from: str | None
    ships_to: list[str]
    substance: str | None
    substance_class: str | None
    quantity_text: str
    first_day: int
    last_day: int | None
    language: str
    counterfeit: bool = False
    novel: bool = False
    dose_text: str = ""
    cas: str | None = None
    # trade, where the market shows it (nightowl): units sold, every feedback (newest first),
    # the share of positive feedback as shown, stock (None: only "In stock"), shipping options
    sales: int | None = None
    feedback: tuple[FeedbackTruth, ...] = ()
    feedback_score: Decimal | None = None
    stock: int | None = None
    in_stock: bool | None = None
    shipping: tuple[tuple[str, Decimal], ...] = ()
    terms: str = ""


@dataclass(frozen=True)
class VendorTruth:
    """A seller on one market, with the identifiers that link it to other markets."""

    alias: str
    path: str
    pgp_fingerprint: str | None
    contacts: list[tuple[str, str]]
    markets: dict[str, str] = field(default_factory=dict)  # other market id -> alias there
    btc_addresses: list[str] = field(default_factory=list)
    country: str | None = None
    # statistics, where the market shows them (nightowl)
    level: int | None = None
    member_since: dt.date | None = None
    last_active: dt.date | None = None
    sales: int | None = None
    disputes: int | None = None
    feedback_positive: int | None = None
    feedback_neutral: int | None = None
    feedback_negative: int | None = None
    rating: Decimal | None = None  # the share of positive feedback, as the page shows it


@dataclass(frozen=True)
class MarketTruth:
    """One market on one day: its active listings and its vendors."""

    listings: dict[str, ListingTruth]
    vendors: dict[str, VendorTruth]
    render: str


@dataclass(frozen=True)
class Changes:
    """Listing ids that appeared, vanished, changed price or traded between two days."""

    appeared: set[str]
    removed: set[str]
    price_changed: set[str]
    trade_changed: set[str] = field(default_factory=set)  # sales, feedback count or stock moved


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, Decimals, sets and tuples as plain JSON values."""
    if hasattr(obj, "__dataclass_fields__"):
        return {k: to_jsonable(v) for k, v in asdict(obj).items()}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, set):
        return sorted(to_jsonable(v) for v in obj)
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj
