"""The records every index backend stores: plain dataclasses, no backend types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

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
    ships_from: list[str] = field(default_factory=list)
    ships_to: list[str] = field(default_factory=list)
    ships_from_raw: str = ""
    ships_to_raw: str = ""
    images: list[str] = field(default_factory=list)
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


@dataclass
class CrawlRun:
    market: str
    started_at: datetime
    id: int | None = None
    finished_at: datetime | None = None
    status: RunStatus = "running"
    stats: dict[str, Any] = field(default_factory=dict)
