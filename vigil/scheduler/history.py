"""What the index says about a market's schedule: the newest slot a crawl served, and its
latest run. The index is the scheduler's memory: a restarted scheduler reads it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawler.schedule import SLOT_STAT, TRIGGER_STAT, parse_slot
from index.records import CrawlRun
from index.store import Store

#: Runs read per market to find the newest served slot.
DEPTH = 200


@dataclass(frozen=True)
class History:
    served: datetime | None  # the newest slot a crawl was started for (any trigger)
    last_run: CrawlRun | None  # the market's latest run (any kind)


def slot_of(run: CrawlRun) -> datetime | None:
    """The schedule slot a run served, or None (an unscheduled crawl, or an unreadable value)."""
    value = run.stats.get(SLOT_STAT)
    if not value:
        return None
    try:
        return parse_slot(str(value))
    except ValueError:
        return None


def trigger_of(run: CrawlRun) -> str | None:
    return str(run.stats.get(TRIGGER_STAT)) if run.stats.get(SLOT_STAT) else None


def history(store: Store, market: str) -> History:
    runs = store.runs(market, DEPTH)
    slots = [slot for slot in map(slot_of, runs) if slot is not None]
    return History(served=max(slots, default=None), last_run=runs[0] if runs else None)


def find_run(store: Store, market: str, slot: datetime, trigger: str) -> CrawlRun | None:
    """The run a crawl started for this slot and trigger recorded, if it got that far."""
    for run in store.runs(market, 20):
        if slot_of(run) == slot and trigger_of(run) == trigger:
            return run
    return None
