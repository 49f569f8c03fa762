"""What the spider hands to the pipelines: raw field values plus the pages they came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class PageCapture:
    """A fetched page as evidence: raw bytes exactly as received, with URL, time and status."""

    url: str
    status: int
    fetched_at: datetime
    body: bytes
    content_type: str = ""
    role: str = "page"  # what the page is to the records read from it: card, listing, vendor, pgp...
    etag: str = ""  # the validators it came with (conditional requests: `crawler.conditional`)
    last_modified: str = ""
    # evidence kept beside this page, e.g. its screenshot (role `screenshot`, image/png)
    attachments: tuple[PageCapture, ...] = ()

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass
class ListingItem:
    market: str
    listing_id: str
    url: str
    fields: dict[str, Any]
    pages: list[PageCapture] = field(default_factory=list)
    # filled by the pipelines, in flow order
    evidence: list[str] = field(default_factory=list)
    evidence_pages: list[tuple[str, str]] = field(default_factory=list)  # (sha256, role)
    normalized: dict[str, Any] = field(default_factory=dict)
    extraction: dict[str, Any] = field(default_factory=dict)
    change: str = ""
    # incremental re-crawls: the digest of the card read with the listing page
    # (`crawler.validators.card_digest`; empty when the page is not one to validate), and, when
    # the page answered 304 Not Modified, the SHA-256 of the stored page it stands for: such an
    # item carries only its card, and the pipelines record the stored listing as seen
    card_digest: str = ""
    not_modified: str = ""


@dataclass
class VendorItem:
    market: str
    alias: str
    url: str
    fields: dict[str, Any]
    pages: list[PageCapture] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    evidence_pages: list[tuple[str, str]] = field(default_factory=list)  # (sha256, role)
    normalized: dict[str, Any] = field(default_factory=dict)
    extraction: dict[str, Any] = field(default_factory=dict)
