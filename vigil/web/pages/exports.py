"""/export.csv and /export.json: the current search (GET, the search page's query string) or a
selection (POST with CSRF: the checked results, `sel=market/listing_id`). CSV cells that look
like formulas are quoted (services.exports.csv_cell)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vigil.services.errors import UsageError
from vigil.services.exports import csv_text, search_hits, selected
from vigil.web.auth import Viewer, audit, check_csrf, require, web
from vigil.web.pages.search import search_request

router = APIRouter()


@router.get("/export.{fmt}")
def export_search(request: Request, fmt: str, viewer: Viewer = Depends(require("export"))) -> Response:  # noqa: B008
    _check(fmt)
    hits = search_hits(web(request).settings, search_request(request.query_params))
    query = str(request.query_params)
    audit(request, viewer, "export", query, {"format": fmt, "listings": len(hits), "of": "search"})
    return _file(fmt, hits)


@router.post("/export.{fmt}")
async def export_selection(request: Request, fmt: str,
                           viewer: Viewer = Depends(require("export"))) -> Response:  # noqa: B008
    _check(fmt)
    form = await check_csrf(request, viewer)
    keys = [_key(value) for value in form.getlist("sel")]
    if not keys:
        raise UsageError("select at least one listing to export (the boxes beside the results)")
    hits = selected(web(request).settings, keys)
    audit(request, viewer, "export", ",".join(f"{m}:{i}" for m, i in keys)[:2000],
          {"format": fmt, "listings": len(hits), "of": "selection"})
    return _file(fmt, hits)


def _check(fmt: str) -> None:
    if fmt not in ("csv", "json"):
        raise UsageError(f"exports are .csv or .json, not .{fmt}")


def _key(value: Any) -> tuple[str, str]:
    market, _, listing_id = str(value).partition("/")
    if not market or not listing_id:
        raise UsageError(f"a selected listing is market/listing_id, not {value!r}")
    return unquote(market), unquote(listing_id)


def _file(fmt: str, hits: list[dict[str, Any]]) -> Response:
    if fmt == "csv":
        body, media = csv_text(hits).encode("utf-8"), "text/csv; charset=utf-8"
    else:
        body = json.dumps(hits, ensure_ascii=False, indent=1).encode("utf-8")
        media = "application/json"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="vigil-listings.{fmt}"'})
