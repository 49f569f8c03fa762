"""Crawl health per market: the last run, its open alerts, the listings trend.

A market's open alerts are those its latest finished run raised (`vigil/health/alerts` in the
run record, written by the health monitors, `pipelines/health/`): the next run that raises
none closes them.
"""

from __future__ import annotations

from typing import Any

from crawler.config import ConfigError, load_markets
from index.records import CrawlRun
from pipelines.health.checks import ALERTS_STAT, DELIVERED_STAT, listings_read, worst
from vigil import exit_codes
from vigil.services.errors import UsageError
from vigil.services.index import reading
from vigil.settings import Settings


def market_health(settings: Settings, market: str | None = None, runs: int = 10) -> list[dict[str, Any]]:
    """Every configured market (or one), in id order: its state (`ok`, `warning`, `error`,
    `running`, `never_run`), last run, open alerts and listings read by its latest runs."""
    try:
        configs = load_markets(settings.markets_dir)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if market is not None and market not in configs:
        raise UsageError(f"unknown market {market!r}; configured: {', '.join(sorted(configs)) or 'none'}")
    names = [market] if market else sorted(configs)
    with reading(settings) as store:
        return [_market(name, configs[name].enabled, store.runs(name, runs)) for name in names]


def exit_code(markets: list[dict[str, Any]]) -> int:
    """1 when a market has an open error-severity alert, else 0 (for cron and monitoring)."""
    return exit_codes.FAILED if any(m["state"] == "error" for m in markets) else exit_codes.OK


def _market(market: str, enabled: bool, runs: list[CrawlRun]) -> dict[str, Any]:
    finished = [r for r in runs if r.status != "running"]
    latest = finished[0] if finished else None
    alerts = list(latest.stats.get(ALERTS_STAT) or []) if latest else []
    state = (worst(alerts) or "ok") if latest else ("running" if runs else "never_run")
    return {
        "market": market,
        "enabled": enabled,
        "state": state,
        "running": bool(runs) and runs[0].status == "running",
        "last_run": _run(latest) if latest else None,
        "checked": bool(latest) and ALERTS_STAT in latest.stats,
        "alerts": alerts,
        "delivered": list(latest.stats.get(DELIVERED_STAT) or []) if latest else [],
        "listings_trend": [
            {"run": r.id, "started_at": r.started_at.isoformat(), "status": r.status,
             "listings": listings_read(r.stats)}
            for r in reversed(finished)
        ],
    }


def _run(run: CrawlRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "listings": listings_read(run.stats),
    }
