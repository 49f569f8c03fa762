"""`GET /search`: the filters of `vigil search`, paged by opaque cursors.

A cursor is the store's keyset cursor (`next_after`) wrapped with a digest of the query it
belongs to: paging walks every match once, whatever is indexed meanwhile, and a cursor
brought to another query (other filters or sort) is refused with 400.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from index.query import FACETS, SORT_KEYS
from vigil.services.errors import UsageError
from vigil.services.search import SearchRequest, search
from vigil.settings import Settings
from vigil.web.api.auth import Caller, caller, settings_of
from vigil.web.api.models import Answer, SearchPage

router = APIRouter(tags=["search"])

MAX_LIMIT = 1000
#: Fields that do not change which listings match, in which order.
_PAGING = ("limit", "page", "after", "facets", "facet_size")


def query_digest(request: SearchRequest) -> str:
    fields = {k: v for k, v in asdict(request).items() if k not in _PAGING}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()[:20]


def encode_cursor(request: SearchRequest, after: str) -> str:
    raw = json.dumps({"v": 1, "q": query_digest(request), "a": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(request: SearchRequest, cursor: str) -> str:
    """The store cursor inside `cursor`; UsageError when it is malformed or from another query."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        valid = isinstance(data, dict) and data.get("v") == 1 and isinstance(data.get("a"), str)
    except (ValueError, TypeError):
        valid = False
    if not valid:
        raise UsageError("cursor: not a cursor of this API (pass the next_cursor of the previous page)")
    if data.get("q") != query_digest(request):
        raise UsageError("cursor: it belongs to another query (same filters and sort, please)")
    return data["a"]


def page(settings: Settings, request: SearchRequest, cursor: str = "") -> dict[str, Any]:
    """One page of results as the API answers it."""
    if cursor:
        request = replace(request, after=decode_cursor(request, cursor))
    result = search(settings, request)
    out: dict[str, Any] = {
        "total": result["total"],
        "limit": result["limit"],
        "next_cursor": encode_cursor(request, result["next_after"]) if result["next_after"] else None,
        "hits": result["hits"],
    }
    if "facets" in result:
        out["facets"] = result["facets"]
    return out


@router.get("/search", response_model=SearchPage)
def search_listings(
    settings: Annotated[Settings, Depends(settings_of)],
    _: Annotated[Caller, Depends(caller("search"))],
    q: Annotated[str, Query(description="words in titles, descriptions and substance names")] = "",
    substance: Annotated[list[str] | None, Query(description="substance, any alias (repeatable)")] = None,
    klass: Annotated[list[str] | None, Query(alias="class", description="class, e.g. stimulant")] = None,
    market: Annotated[list[str] | None, Query(description="market id (repeatable)")] = None,
    vendor: Annotated[list[str] | None, Query(description="vendor alias (repeatable)")] = None,
    ships_from: Annotated[list[str] | None, Query(description="ISO 3166-1 alpha-2 country")] = None,
    ships_to: Annotated[list[str] | None, Query(description="ISO country, EU or WORLDWIDE")] = None,
    carrier: Annotated[list[str] | None, Query(description="shipping method, e.g. DHL")] = None,
    shipping_kind: Annotated[list[str] | None, Query(description="post, courier, parcel_locker…")] = None,
    min_price: Annotated[float | None, Query(ge=0, description="minimum price in EUR")] = None,
    max_price: Annotated[float | None, Query(ge=0, description="maximum price in EUR")] = None,
    since: Annotated[str | None, Query(description="last seen on or after (ISO date)")] = None,
    until: Annotated[str | None, Query(description="last seen on or before (ISO date)")] = None,
    first_seen_since: Annotated[str | None, Query(description="first seen on or after (ISO date)")] = None,
    status: Annotated[str, Query(description="active, removed or any")] = "any",
    sort: Annotated[str, Query(description=f"one of: {', '.join(SORT_KEYS)}")] = "relevance",
    facet: Annotated[list[str] | None, Query(description=f"count matches by: {', '.join(FACETS)}")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    cursor: Annotated[str, Query(description="the next_cursor of the previous page")] = "",
) -> Answer:
    """Search listings with the filters of `vigil search`; page with `cursor`."""
    request = SearchRequest(
        text=q, substances=tuple(substance or ()), classes=tuple(klass or ()), markets=tuple(market or ()),
        vendors=tuple(vendor or ()), ships_from=tuple(ships_from or ()), ships_to=tuple(ships_to or ()),
        carriers=tuple(carrier or ()), shipping_kinds=tuple(shipping_kind or ()), min_price=min_price,
        max_price=max_price, since=since, until=until, first_seen_since=first_seen_since, status=status,
        sort=sort, limit=limit, facets=tuple(facet or ()),
    )
    return Answer(page(settings, request, cursor))
