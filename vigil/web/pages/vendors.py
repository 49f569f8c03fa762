"""/vendors/{market}/{alias}: the vendor's identifiers, the same vendor on other markets (same
alias, or a shared PGP key, contact or crypto address: services.vendors), its listings and its
activity over time (first and last seen per listing, as a chart)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vigil.services.vendors import vendor_profile
from vigil.web.auth import Viewer, audit, require, web
from vigil.web.render import page

router = APIRouter()


@router.get("/vendors/{market}/{alias:path}")
def vendor_page(request: Request, market: str, alias: str,
                viewer: Viewer = Depends(require("view"))) -> Response:  # noqa: B008
    vendor = vendor_profile(web(request).settings, market, alias)
    audit(request, viewer, "view_vendor", f"{vendor['market']}:{vendor['alias']}")
    return page(request, "vendor.html", title=f"Vendor {vendor['alias']}", vendor=vendor,
                chart=activity_chart(vendor["listings"]))


def activity_chart(listings: list[dict[str, Any]]) -> dict[str, Any]:
    """Listings active per day: from each listing's first to last seen (the vendor's activity)."""
    days: dict[int, int] = {}
    for listing in listings:
        if not listing["first_seen"] or not listing["last_seen"]:
            continue
        first = _day(listing["first_seen"])
        last = max(first, _day(listing["last_seen"]))
        for day in range(first, min(last, first + 3650) + 1):
            days[day] = days.get(day, 0) + 1
    ordered = sorted(days)
    return {"t": [d * 86400 for d in ordered], "listings": [days[d] for d in ordered]}


def _day(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() // 86400)
