"""Crawl runs: what was crawled, when, and how it ended."""

from __future__ import annotations

from typing import Any

from crawler.schedule import SLOT_STAT, TRIGGER_STAT
from index.records import CrawlRun
from vigil.services.index import reading
from vigil.services.search import check_markets, known_markets
from vigil.settings import Settings

#: Stats shown with each run (the full set stays in `stats`).
SUMMARY_STATS = {
    "pages": "response_received_count",
    "new": "vigil/listings/new",
    "changed": "vigil/listings/changed",
    "unchanged": "vigil/listings/unchanged",
    "removed": "vigil/listings/removed",
    "dropped": "vigil/dropped",
    "errors": "vigil/items/error",
    "failed_requests": "vigil/requests/failed",
}


def list_runs(settings: Settings, market: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The latest runs, newest first."""
    with reading(settings) as store:
        if market:
            check_markets((market,), known_markets(settings, store))
        return [run_json(run) for run in store.runs(market, limit)]


def run_json(run: CrawlRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "market": run.market,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "close_reason": run.stats.get("close_reason"),
        "message": run.stats.get("vigil/close_message") or None,
        "mirror": run.stats.get("vigil/mirror"),
        "trigger": run.stats.get(TRIGGER_STAT) if run.stats.get(SLOT_STAT) else None,
        "slot": run.stats.get(SLOT_STAT) or None,
        # the interrupted run this one resumed (`vigil crawl --resume`), whose pass it completes
        "resumed_from": run.stats.get("vigil/resumed_from"),
        **{name: int(run.stats.get(stat, 0) or 0) for name, stat in SUMMARY_STATS.items()},
        "stats": run.stats,
    }
