"""The records every index backend stores: plain dataclasses, no backend types."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

#: The longest a stored text field may be (code points); longer values are cut when validated,
#: so that a hostile page cannot make a record unbounded. The extractor has its own, shorter
#: bound on what it reads (`nlp.limits.MAX_EXTRACTED_CHARS`).
MAX_FIELD_CHARS = 100_000

RunStatus = Literal["running", "ok", "partial", "needs_session", "failed"]
ListingStatus = Literal["active", "removed"]


@dataclass(frozen=True)
class Price:
    amount: Decimal
    currency: str
    eur: Decimal | None = None


@dataclass(frozen=True)
class Evidence:
    """One fetched page, stored compressed and addressed by the SHA-256 of its raw bytes."""

    sha256: str
    url: str
    fetched_at: datetime
    status: int
    size: int
    content_type: str = ""


@dataclass(frozen=True)
class ShippingOption:
    """A way a listing ships, with its price (None when the page gave none that could be read)."""

    name: str
    price: Price | None = None
    price_text: str = ""


@dataclass
class Listing:
    """A listing's current state (one per market + listing id)."""

    market: str
    listing_id: str
    url: str
    title: str
    description: str = ""
    category: str = ""
    vendor: str = ""
    vendor_url: str = ""
    price: Price | None = None
    price_alt: Price | None = None
    price_alt_raw: str = ""
    ships_from: list[str] = field(default_factory=list)
    ships_to: list[str] = field(default_factory=list)
    ships_from_raw: str = ""
    ships_to_raw: str = ""
    images: list[str] = field(default_factory=list)
    # what the market shows about trade (None: the page did not say)
    sales: int | None = None
    feedback_count: int | None = None
    feedback_score: float | None = None  # 0-1
    stock: int | None = None
    in_stock: bool | None = None
    shipping_options: list[ShippingOption] = field(default_factory=list)
    terms: str = ""
    extraction: dict[str, Any] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    content_hash: str = ""
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    status: ListingStatus = "active"
    removed_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.market, self.listing_id)

    @property
    def substances(self) -> list[dict[str, Any]]:
        return list(self.extraction.get("substances", []))

    @property
    def shipping_methods(self) -> list[dict[str, Any]]:
        """The extraction's `shipping_methods` with a name and a kind (older extractions have none)."""
        methods = self.extraction.get("shipping_methods") or []
        return [m for m in methods if isinstance(m, dict) and isinstance(m.get("name"), str)
                and isinstance(m.get("kind"), str)]


@dataclass(frozen=True)
class Observation:
    """A point of the time series: what a run saw of a listing when something changed."""

    market: str
    listing_id: str
    run_id: int
    observed_at: datetime
    price: Price | None
    available: bool
    evidence: tuple[str, ...] = ()
    change: str = "new"  # new | changed | reappeared | removed
    id: int | None = None  # assigned by the store
    sales: int | None = None
    feedback_count: int | None = None
    stock: int | None = None


@dataclass(frozen=True)
class Feedback:
    """One feedback a buyer left, stored once however many crawls see it (`key`: its listing or
    vendor, date, rating, buyer and text; `pipelines.trade.feedback_keys`). Dated feedback is
    what sales are estimated from (Soska and Christin, USENIX Security 2015)."""

    market: str
    key: str
    listing_id: str = ""
    vendor: str = ""
    date: datetime | None = None
    date_precision: str = ""  # time | day | relative (counted back from the fetch time)
    rating: float | None = None  # 0-1
    rating_text: str = ""
    text: str = ""
    item: str = ""
    buyer: str = ""
    first_seen: datetime | None = None
    run_id: int | None = None
    evidence: tuple[str, ...] = ()


#: Vendor statistics as the market shows them; a key absent is a value the market did not show.
VENDOR_STATS: dict[str, type] = {
    "member_since": datetime, "last_active": datetime, "level": int, "rating": float, "sales": int,
    "disputes": int, "feedback_count": int, "feedback_positive": int, "feedback_neutral": int,
    "feedback_negative": int,
}  # fmt: skip


@dataclass
class Vendor:
    market: str
    alias: str
    url: str = ""
    description: str = ""
    pgp_fingerprints: list[str] = field(default_factory=list)
    pgp_key: str = ""
    contacts: list[dict[str, str]] = field(default_factory=list)
    crypto_addresses: list[dict[str, str]] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    #: `VENDOR_STATS` names -> values (dates as datetimes); see `stats_json` / `stats_of`
    stats: dict[str, Any] = field(default_factory=dict)
    terms: str = ""


def stats_json(stats: dict[str, Any]) -> dict[str, Any]:
    """Vendor stats as JSON values (dates in ISO 8601, UTC)."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in stats.items() if v is not None}


def stats_of(data: dict[str, Any] | None) -> dict[str, Any]:
    """Vendor stats from JSON values; unknown keys are dropped."""
    out: dict[str, Any] = {}
    for name, value in (data or {}).items():
        kind = VENDOR_STATS.get(name)
        if kind is None or value is None:
            continue
        if kind is datetime:
            out[name] = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        else:
            out[name] = kind(value)
    return out


@dataclass
class CrawlRun:
    market: str
    started_at: datetime
    id: int | None = None
    finished_at: datetime | None = None
    status: RunStatus = "running"
    stats: dict[str, Any] = field(default_factory=dict)


#: The roles a preserved page plays for the records it proves.
PageRole = str  # "card" | "listing" | "vendor" | a vendor sub-page's name such as "pgp"


@dataclass(frozen=True)
class EvidenceLink:
    """A preserved page cited by a record: which record (`listing`, `observation` or `vendor`,
    keyed by listing id, observation id or vendor alias) and in which role."""

    sha256: str
    record: Literal["listing", "observation", "vendor"]
    market: str
    key: str
    role: PageRole


@dataclass(frozen=True)
class LockOwner:
    """Who holds a market's crawl lock: a process on a host, and a token for this crawl."""

    host: str
    pid: int
    token: str

    @classmethod
    def here(cls) -> LockOwner:
        """This process, with a fresh token."""
        return cls(os.uname().nodename, os.getpid(), uuid.uuid4().hex)


@dataclass(frozen=True)
class MarketLock:
    market: str
    owner: LockOwner
    run_id: int | None
    acquired_at: datetime
    heartbeat_at: datetime


class MarketLocked(Exception):
    """Another live crawl holds the market's lock."""

    def __init__(self, lock: MarketLock) -> None:
        self.lock = lock
        super().__init__(
            f"another crawl of {lock.market} is running (run {lock.run_id}, pid {lock.owner.pid} "
            f"on {lock.owner.host}, since {lock.acquired_at.isoformat(timespec='seconds')})"
        )
