"""Crawl schedules: which markets `vigil schedule run` crawls, when, and what it did last."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crawler.config import ConfigError, MarketConfig, load_markets
from crawler.schedule import ScheduleSpec
from vigil.scheduler.history import History, history, slot_of, trigger_of
from vigil.scheduler.slots import latest_slot, next_slot, slot_key
from vigil.services.errors import NotFound, UsageError
from vigil.services.index import reading
from vigil.settings import Settings


def configured(settings: Settings) -> dict[str, MarketConfig]:
    try:
        return load_markets(settings.markets_dir)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def scheduled_markets(settings: Settings, market_ids: list[str] | None = None) -> dict[str, ScheduleSpec]:
    """The enabled markets with a `schedule` (or those named, which must have one)."""
    configs = configured(settings)
    if not market_ids:
        return {m: c.schedule for m, c in configs.items() if c.schedule is not None and c.enabled}
    unknown = [m for m in market_ids if m not in configs]
    if unknown:
        raise UsageError(f"no such market: {', '.join(unknown)} (configured: {', '.join(configs) or 'none'})")
    unscheduled = [m for m in market_ids if configs[m].schedule is None]
    if unscheduled:
        raise UsageError(
            f"{', '.join(unscheduled)}: no `schedule` in the market config (see docs/market-config.md)"
        )
    return {m: configs[m].schedule for m in dict.fromkeys(market_ids)}  # type: ignore[misc]


def list_schedules(settings: Settings, now: datetime) -> list[dict[str, Any]]:
    """Every configured market: its schedule, last run, newest served slot and next due time.

    `next_due` is `now` when a missed slot waits to be caught up (`catch_up: latest`), which
    the scheduler does as soon as it runs."""
    configs = configured(settings)
    try:
        with reading(settings) as store:
            histories = {m: history(store, m) for m in configs}
    except NotFound:
        histories = {m: History(None, None) for m in configs}
    return [_entry(config, histories[m], now) for m, config in configs.items()]


def _entry(config: MarketConfig, past: History, now: datetime) -> dict[str, Any]:
    spec = config.schedule
    run = past.last_run
    entry: dict[str, Any] = {
        "market": config.id,
        "enabled": config.enabled,
        "cron": spec.cron if spec else None,
        "timezone": spec.timezone if spec else None,
        "catch_up": spec.catch_up if spec else None,
        "last_run": None if run is None else {
            "id": run.id, "status": run.status, "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "trigger": trigger_of(run), "slot": slot_key(s) if (s := slot_of(run)) else None,
        },
        "last_slot": slot_key(past.served) if past.served else None,
        "missed_slot": None,
        "next_due": None,
    }  # fmt: skip
    if spec is None or not config.enabled:
        return entry
    due = latest_slot(spec, now)
    missed = past.served is None or due > past.served
    if missed:
        entry["missed_slot"] = slot_key(due)
    entry["next_due"] = slot_key(now if missed and spec.catch_up == "latest" else next_slot(spec, now))
    return entry
