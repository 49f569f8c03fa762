"""/trends: listings and vendors per substance (or class) per day or week, the median price per
gram, and first sightings (services.trends)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from index.query import INTERVALS
from vigil.services.trends import first_sightings, price_per_gram, substance_trend, trend_query
from vigil.web.auth import Viewer, audit, require, web
from vigil.web.render import page

router = APIRouter()
CHART_SERIES = 8


@router.get("/trends")
def trends_page(request: Request, viewer: Viewer = Depends(require("search"))) -> Response:  # noqa: B008
    params = request.query_params
    interval = params.get("interval") or "week"
    group = "class" if params.get("group") == "class" else "substance"
    since, until = params.get("since") or None, params.get("until") or None
    markets = tuple(m for m in params.getlist("market") if m)
    query = trend_query(interval=interval, since=since, until=until, markets=markets,
                        substances=tuple(s for s in params.getlist("substance") if s))
    settings = web(request).settings
    rows = substance_trend(settings, query)
    sightings = first_sightings(settings, since=since, markets=markets)
    classes = _classes(sightings)
    if group == "class":
        rows = by_class(rows, classes)
    audit(request, viewer, "search", "trends?" + str(params), {"view": "trends"})
    return page(request, "trends.html", title="Trends", rows=rows, prices=price_per_gram(settings, query),
                sightings=sightings, interval=interval, intervals=INTERVALS, group=group,
                since=since or "", until=until or "", chart=trend_chart(rows, group))


def by_class(rows: list[dict[str, Any]], classes: dict[str, str]) -> list[dict[str, Any]]:
    """Rows per class: listings and vendors summed over the class's substances (a listing or a
    vendor offering two substances of one class counts twice)."""
    out: dict[tuple[Any, str], dict[str, Any]] = {}
    for row in rows:
        cls = classes.get(row["substance"]) or _class_of(row["substance"])
        key = (row["period"], cls)
        item = out.setdefault(key, {"period": row["period"], "substance": cls, "listings": 0, "vendors": 0})
        item["listings"] += row["listings"]
        item["vendors"] += row["vendors"]
    return sorted(out.values(), key=lambda r: (r["period"] or "", r["substance"]))


def trend_chart(rows: list[dict[str, Any]], group: str) -> dict[str, Any]:
    """Listings per period of the largest series, for the chart (static/vigil.js)."""
    from datetime import UTC, date, datetime, time

    totals: dict[str, int] = {}
    for row in rows:
        totals[row["substance"]] = totals.get(row["substance"], 0) + row["listings"]
    names = sorted(totals, key=lambda n: (-totals[n], n))[:CHART_SERIES]
    periods = sorted({r["period"] for r in rows if r["period"]})
    values = {(r["period"], r["substance"]): r["listings"] for r in rows}
    stamp = [int(datetime.combine(date.fromisoformat(p), time(), tzinfo=UTC).timestamp()) for p in periods]
    return {"t": stamp, "group": group,
            "series": [{"label": n, "values": [values.get((p, n)) for p in periods]} for n in names]}


def _classes(sightings: list[dict[str, Any]]) -> dict[str, str]:
    return {s["substance"]: s["class"] for s in sightings if s.get("class")}


def _class_of(substance: str) -> str:
    from nlp.lexicon import load

    entry = load().by_canonical().get(substance)
    return entry.cls if entry else "other"
