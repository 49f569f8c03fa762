"""/markets (state, last runs, health alerts, sessions needed) and /runs."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vigil.services.overview import markets_overview
from vigil.services.runs import list_runs
from vigil.web.auth import Viewer, require, web
from vigil.web.render import page

router = APIRouter()


@router.get("/markets")
def markets_page(request: Request, viewer: Viewer = Depends(require("markets"))) -> Response:  # noqa: B008
    settings = web(request).settings
    return page(request, "markets.html", title="Markets", markets=markets_overview(settings),
                runs=list_runs(settings, limit=20))


@router.get("/runs")
def runs_page(request: Request, market: str = "",
              viewer: Viewer = Depends(require("runs"))) -> Response:  # noqa: B008
    runs = list_runs(web(request).settings, market or None, limit=100)
    return page(request, "runs.html", title="Runs", runs=runs, market=market)
