"""/listings/{market}/{listing_id}: every field, the extraction highlighted in title and
description by code-point offsets, the price and availability history as a chart (its data
as escaped JSON read by static/vigil.js), feedback, and the evidence list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vigil.services.listings import listing_detail
from vigil.web.auth import Viewer, audit, require, web
from vigil.web.render import page
from vigil.web.spans import field_spans

router = APIRouter()


@router.get("/listings/{market}/{listing_id:path}")
def listing_page(request: Request, market: str, listing_id: str,
                 viewer: Viewer = Depends(require("view"))) -> Response:  # noqa: B008
    listing = listing_detail(web(request).settings, market, listing_id)
    audit(request, viewer, "view_listing", f"{listing['market']}:{listing['listing_id']}")
    extraction = listing.get("extraction") or {}
    marked = {field: field_spans(extraction, field, listing.get(field) or "")
              for field in ("title", "description")}
    return page(request, "listing.html", title=listing["title"] or listing["listing_id"], listing=listing,
                marked=marked, extraction=extraction,
                chart=history_chart(listing["history"], listing["last_seen"]))


def history_chart(history: list[dict[str, Any]], last_seen: str | None = None) -> dict[str, Any]:
    """The chart's data: time (seconds), price in EUR and availability (1/0) per observation,
    and the last state again at `last_seen` (an unchanged listing adds no observation, yet it
    was seen so until then)."""
    from datetime import datetime

    def stamp(iso: str) -> int:
        return int(datetime.fromisoformat(iso).timestamp())

    out: dict[str, list[Any]] = {
        "t": [stamp(h["observed_at"]) for h in history],
        "eur": [(h["price"] or {}).get("eur") for h in history],
        "available": [None if h["available"] is None else int(bool(h["available"])) for h in history],
    }
    if history and last_seen and stamp(last_seen) > out["t"][-1]:
        out["t"].append(stamp(last_seen))
        out["eur"].append(out["eur"][-1])
        out["available"].append(out["available"][-1])
    return out
