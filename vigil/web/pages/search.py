"""/search: the query form with facets (a GET form mapped onto `SearchRequest`), counts per
facet value from the same search (`SearchRequest.facets`, every backend), pages, saved
searches (POST with CSRF, `Accounts.save_search`) and the export menu."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import QueryParams

from vigil.services.errors import UsageError
from vigil.services.search import STATUSES, SearchRequest, search
from vigil.web.auth import Viewer, audit, check_csrf, require, web
from vigil.web.render import page

router = APIRouter()
PAGE_SIZE = 25
FACETS = ("substance", "class", "market", "vendor", "ships_from", "ships_to")
#: query parameter -> SearchRequest field, for the repeatable filters (one facet each).
MULTI = {"substance": "substances", "class": "classes", "market": "markets", "vendor": "vendors",
         "ships_from": "ships_from", "ships_to": "ships_to"}
SINGLE = ("q", "first_seen_since", "since", "until", "min_price", "max_price", "min_ppg", "max_ppg", "status",
          "sort", "page")
SAVED_KEYS = {*MULTI, *SINGLE} - {"page"}
PAGING = ("page", "after")  # where in the results, not what is searched
SORTS = (("relevance", "relevance"), ("-last_seen", "last seen, newest"),
         ("-first_seen", "first seen, newest"), ("first_seen", "first seen, oldest"),
         ("price", "price, lowest"), ("-price", "price, highest"))


def search_request(params: QueryParams, *, limit: int = PAGE_SIZE,
                   facets: tuple[str, ...] = ()) -> SearchRequest:
    """The search a query string asks for; UsageError names a bad value."""
    def many(name: str) -> tuple[str, ...]:
        return tuple(v.strip() for v in params.getlist(name) if v.strip())

    def one(name: str) -> str:
        return (params.get(name) or "").strip()

    return SearchRequest(
        text=one("q"),
        **{field: many(name) for name, field in MULTI.items()},
        min_price=_number(one("min_price"), "minimum price"),
        max_price=_number(one("max_price"), "maximum price"),
        min_price_per_gram=_number(one("min_ppg"), "minimum price per gram"),
        max_price_per_gram=_number(one("max_ppg"), "maximum price per gram"),
        first_seen_since=one("first_seen_since") or None,
        since=one("since") or None,
        until=one("until") or None,
        status=one("status") or "any",
        sort=one("sort") or "relevance",
        limit=limit,
        page=int(_number(one("page"), "page") or 1),
        after=one("after"),  # beyond the numbered pages: the cursor of the page before
        facets=facets,
    )


@router.get("/search")
def search_page(request: Request, viewer: Viewer = Depends(require("search"))) -> Response:  # noqa: B008
    params = request.query_params
    asked = bool(params)
    search_req = search_request(params, facets=FACETS)
    result = search(web(request).settings, search_req)
    query = _query(params)
    audit(request, viewer, "search", query, {"total": result["total"], "page": search_req.page,
                                             "after": search_req.after or None})
    pages = [] if search_req.after else _pages(result["total"], search_req.page, search_req.limit)
    last_numbered = pages and pages[-1][1] and search_req.page * search_req.limit < result["total"]
    deeper = result["next_after"] if search_req.after or last_numbered else None
    return page(request, "search.html", title="Search", result=result, req=search_req, asked=asked,
                query=query, deeper=deeper, facets=_facets(params, result.get("facets", {})), pages=pages,
                statuses=STATUSES, sorts=SORTS, selected=_selected(params),
                saved=[{**s, "query": saved_query(s["params"])}
                       for s in web(request).accounts.saved_searches(viewer.name)])


@router.post("/search/saved")
async def save_search(request: Request, viewer: Viewer = Depends(require("search"))) -> Response:  # noqa: B008
    form = await check_csrf(request, viewer)
    title = str(form.get("title", "")).strip()[:200]
    params = QueryParams(str(form.get("query", "")))
    search_request(params)  # refuse a search that could not run
    kept = urlencode([(k, v) for k, v in params.multi_items() if k in SAVED_KEYS and v])
    web(request).accounts.save_search(viewer.name, title or kept or "everything", {"query": kept})
    return RedirectResponse("/search?" + _query(params), status_code=303)


@router.post("/search/saved/{search_id}/delete")
async def delete_saved(request: Request, search_id: int,
                       viewer: Viewer = Depends(require("search"))) -> Response:  # noqa: B008
    await check_csrf(request, viewer)
    web(request).accounts.delete_saved_search(viewer.name, search_id)
    return RedirectResponse("/search", status_code=303)


def saved_query(params: dict[str, Any]) -> str:
    """The query string of a saved search (kept as one string, so the filters keep their order)."""
    return str(QueryParams(str(params.get("query", ""))))


def _query(params: QueryParams) -> str:
    """The query string without the page number (for links, exports and the audit log)."""
    return urlencode([(k, v) for k, v in params.multi_items() if k not in PAGING and v != ""])


def _selected(params: QueryParams) -> dict[str, set[str]]:
    return {name: set(params.getlist(name)) for name in MULTI}


def _facets(params: QueryParams, counts: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Each facet's values with their counts and whether the query already filters on it."""
    chosen = set(params.multi_items())
    return [{"name": name, "label": name.replace("_", " "),
             "options": [{"value": str(item["value"]), "count": item["count"],
                          "on": (name, str(item["value"])) in chosen} for item in counts.get(name, [])]}
            for name in FACETS]


def _pages(total: int, current: int, limit: int) -> list[tuple[int, bool]]:
    last = max(1, min((total + limit - 1) // limit, 10_000 // limit))
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    return [(n, n == current) for n in shown]


def _number(value: str, what: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise UsageError(f"{what} must be a number, not {value!r}") from None
