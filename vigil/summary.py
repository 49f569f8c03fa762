"""The per-market summary printed after crawls."""

from __future__ import annotations

from pathlib import Path

from index.sqlite import SqliteStore
from vigil.crawling import CrawlOutcome


def print_summary(outcomes: list[CrawlOutcome], index_path: Path) -> None:
    totals: dict[str, int] = {}
    if index_path.exists():
        store = SqliteStore(index_path, readonly=True)
        try:
            for outcome in outcomes:
                totals[outcome.market] = store.count_listings(outcome.market, "active")
        finally:
            store.close()
    header = (
        f"{'market':<12} {'status':<14} {'pages':>6} {'new':>5} {'changed':>7} "
        f"{'same':>5} {'removed':>7} {'vendors':>7} {'waits':>5} {'active':>6}"
    )
    print(header)
    print("-" * len(header))
    for o in outcomes:
        if o.run_id is None and o.status.startswith("waiting"):
            print(f"{o.market:<12} {o.status}")
            continue
        print(
            f"{o.market:<12} {o.status:<14} {o.stats.get('response_received_count', 0):>6} "
            f"{o.count('listings/new') + o.count('listings/reappeared'):>5} "
            f"{o.count('listings/changed'):>7} {o.count('listings/unchanged'):>5} "
            f"{o.count('listings/removed'):>7} {o.count('vendors/written'):>7} "
            f"{o.count('interstitial/seen'):>5} {totals.get(o.market, 0):>6}"
        )
    print(f"index: {index_path}")
