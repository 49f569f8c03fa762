"""`GET /runs`, `/markets`, `/trends`: crawl runs, each market's health and session, trends."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from vigil.services.errors import UsageError
from vigil.services.health import market_health
from vigil.services.runs import list_runs
from vigil.services.sessions import session_status
from vigil.services.trends import price_per_gram, substance_trend, trend_query
from vigil.settings import Settings
from vigil.web.api.auth import Caller, caller, settings_of
from vigil.web.api.models import Answer, Market, Run, Trends

router = APIRouter()


@router.get("/runs", response_model=list[Run], tags=["operations"])
def get_runs(
    settings: Annotated[Settings, Depends(settings_of)],
    _: Annotated[Caller, Depends(caller("runs"))],
    market: Annotated[str | None, Query(description="only this market's runs")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="how many, newest first")] = 20,
) -> Answer:
    """The latest crawl runs, newest first: status, times, counts and full stats."""
    return Answer(list_runs(settings, market, limit))


@router.get("/markets", response_model=list[Market], tags=["operations"])
def get_markets(
    settings: Annotated[Settings, Depends(settings_of)],
    _: Annotated[Caller, Depends(caller("markets"))],
    runs: Annotated[int, Query(ge=1, le=100, description="runs in each market's listings trend")] = 10,
) -> Answer:
    """Every configured market: state, last run, open alerts, and its session (never cookie values)."""
    return Answer(markets_overview(settings, runs))


def markets_overview(settings: Settings, runs: int = 10) -> list[dict[str, Any]]:
    """`market_health` of every market with its `session_status` row as `session`."""
    sessions = {row["market"]: row for row in session_status(settings)}
    out = []
    for health in market_health(settings, runs=runs):
        session = dict(sessions.get(health["market"]) or {})
        session.pop("market", None)
        session.pop("last_run", None)  # the health's last_run says it
        out.append({**health, "session": session or None})
    return out


@router.get("/trends", response_model=Trends, tags=["trends"])
def get_trends(
    settings: Annotated[Settings, Depends(settings_of)],
    _: Annotated[Caller, Depends(caller("search"))],
    substance: Annotated[list[str] | None, Query(description="substance, any alias (repeatable)")] = None,
    klass: Annotated[str | None, Query(alias="class", description="every substance of this class")] = None,
    market: Annotated[list[str] | None, Query(description="only these markets")] = None,
    interval: Annotated[str, Query(description="day, week (from Monday, UTC) or all")] = "week",
    since: Annotated[str | None, Query(description="from this date (ISO)")] = None,
    until: Annotated[str | None, Query(description="up to this date, inclusive")] = None,
) -> Answer:
    """Listings and vendors per substance and period, and the median price per gram per market."""
    found = trends(settings, substances=tuple(substance or ()), klass=klass, markets=tuple(market or ()),
                   interval=interval, since=since, until=until)
    return Answer(found)


def trends(settings: Settings, *, substances: tuple[str, ...] = (), klass: str | None = None,
           markets: tuple[str, ...] = (), interval: str = "week", since: str | None = None,
           until: str | None = None) -> dict[str, Any]:
    """Both trend series for the substances asked, a class standing for each substance in it."""
    names = substances + class_substances(klass) if klass else substances
    if klass and not names:  # a class the lexicon has no substance of: nothing, not everything
        return {"interval": interval, "substances": [], "listings": [], "prices": []}
    query = trend_query(interval=interval, since=since, until=until, markets=markets, substances=names)
    return {"interval": interval, "substances": list(query.substances),
            "listings": substance_trend(settings, query), "prices": price_per_gram(settings, query)}


def class_substances(klass: str) -> tuple[str, ...]:
    from nlp.lexicon import CLASSES, load

    if klass not in CLASSES:
        raise UsageError(f"unknown class {klass!r}; expected one of: {', '.join(sorted(CLASSES))}")
    return tuple(sorted(e.canonical for e in load().entries if e.cls == klass))
