"""The API's documented answers: Pydantic models of the services' shapes (docs/services.md).

They describe the fields clients rely on and let the rest through (`extra="allow"`), so the
answer stays exactly what the service returned while the OpenAPI document says what is in it.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field


class Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class Error(BaseModel):
    error: str = Field(description="what went wrong, for people")


class Price(Shape):
    amount: str = Field(description="decimal amount as the market shows it")
    currency: str
    eur: float | None = Field(description="in EUR at the rate of the observation date")


class ShippingOption(Shape):
    name: str
    price: Price | None
    price_text: str | None = None


class Listing(Shape):
    """A listing as in search results (`listing_json`)."""

    market: str
    listing_id: str
    url: str
    title: str
    category: str | None = None
    vendor: str | None = None
    price: Price | None = None
    price_alt: dict[str, Any] | None = None
    ships_from: list[str] = []
    ships_to: list[str] = []
    sales: int | None = None
    feedback_count: int | None = None
    feedback_score: float | None = None
    stock: int | None = None
    in_stock: bool | None = None
    shipping_options: list[ShippingOption] = []
    status: str = Field(description="active or removed")
    first_seen: str | None = Field(default=None, description="ISO 8601, UTC")
    last_seen: str | None = Field(default=None, description="ISO 8601, UTC")
    removed_at: str | None = None
    substances: list[dict[str, Any]] = Field(default=[], description="offered substances, docs/extraction.md")
    extraction: dict[str, Any] = Field(default={}, description="the whole extraction")
    evidence: list[str] = Field(default=[], description="SHA-256 of the pages of the current state")
    score: float | None = Field(default=None, description="relevance, in search results")


class FacetValue(BaseModel):
    value: str
    count: int


class SearchPage(BaseModel):
    total: int = Field(description="listings matching the query, over all pages")
    limit: int
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")
    hits: list[Listing]
    facets: dict[str, list[FacetValue]] | None = Field(default=None, description="when `facet` was asked")


class Observation(Shape):
    observed_at: str
    run_id: int | None = None
    change: str
    available: bool | None = None
    price: Price | None = None
    evidence: list[str] = []


class Feedback(Shape):
    date: str | None
    rating: float | None = None
    rating_text: str | None = None
    text: str | None = None


class Page(Shape):
    sha256: str
    roles: list[str]
    url: str | None
    fetched_at: str | None
    status: int | None


class ListingDetail(Listing):
    """`listing_detail`: a listing with its text, history, feedback and pages."""

    description: str = ""
    terms: str | None = None
    history: list[Observation] = []
    feedback: list[Feedback] = []
    feedback_stored: int = 0
    pages: list[Page] = []


class OtherMarket(BaseModel):
    market: str
    alias: str
    shared: list[str] = Field(description="alias, pgp, contact, crypto: what ties the two")


class VendorProfile(Shape):
    market: str
    alias: str
    url: str | None = None
    description: str | None = None
    pgp_fingerprints: list[str] = []
    contacts: list[dict[str, Any]] = []
    crypto_addresses: list[dict[str, Any]] = []
    mentions: list[str] = []
    first_seen: str | None = None
    last_seen: str | None = None
    stats: dict[str, Any] = {}
    other_markets: list[OtherMarket] = []
    listings: list[Listing] = []
    feedback: list[Feedback] = []
    feedback_stored: int = 0
    pages: list[Page] = []


class Citation(BaseModel):
    record: str
    market: str
    key: str
    role: str


class EvidenceInfo(Shape):
    sha256: str
    url: str
    fetched_at: str
    status: int | None
    size: int
    content_type: str | None
    intact: bool = Field(description="the stored bytes hash to `sha256` now")
    problem: str | None
    cited_by: list[Citation]


class Run(Shape):
    id: int
    market: str
    status: str = Field(description="running, ok, partial, needs_session or failed")
    started_at: str
    finished_at: str | None
    stats: dict[str, Any] = {}


class MarketSession(Shape):
    needs_session: bool
    stored: bool
    expires: str | None = None
    expired: bool = False


class Market(Shape):
    """A market's crawl health (`market_health`) with its session state (`session_status`)."""

    market: str
    enabled: bool
    state: str = Field(description="ok, warning, error, running or never_run")
    last_run: dict[str, Any] | None
    alerts: list[dict[str, Any]] = []
    session: MarketSession | None = None


class SubstancePoint(BaseModel):
    period: str | None
    substance: str
    listings: int
    vendors: int


class PricePoint(BaseModel):
    period: str | None
    substance: str
    market: str
    median_eur_per_gram: float
    sightings: int


class Trends(BaseModel):
    interval: str
    substances: list[str] = Field(description="the canonical substances asked (a class gives all of its own)")
    listings: list[SubstancePoint]
    prices: list[PricePoint]


class Answer(JSONResponse):
    """The service's dict as JSON, as is: the models above document it for OpenAPI, and
    validating every listing of a page against them again would cost more than the search."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
