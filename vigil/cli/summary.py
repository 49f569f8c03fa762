"""The per-market summary printed after crawls."""

from __future__ import annotations

from typing import Any

from vigil.cli.text import clean
from vigil.services.crawls import CrawlOutcome
from vigil.services.index import active_listings, describe
from vigil.settings import Settings


def print_summary(settings: Settings, outcomes: list[CrawlOutcome]) -> None:
    totals = active_listings(settings, [o.market for o in outcomes])
    header = (
        f"{'market':<12} {'status':<14} {'pages':>6} {'new':>5} {'changed':>7} "
        f"{'same':>5} {'removed':>7} {'vendors':>7} {'waits':>5} {'lost':>5} {'active':>6}"
    )
    print(header)
    print("-" * len(header))
    for o in outcomes:
        lost = o.count("dropped") + o.count("items/error") + o.count("requests/failed")
        print(
            f"{o.market:<12} {o.status:<14} {o.stats.get('response_received_count', 0):>6} "
            f"{o.count('listings/new') + o.count('listings/reappeared'):>5} "
            f"{o.count('listings/changed'):>7} {o.count('listings/unchanged'):>5} "
            f"{o.count('listings/removed'):>7} {o.count('vendors/written'):>7} "
            f"{o.count('interstitial/seen'):>5} {lost:>5} {totals.get(o.market, 0):>6}"
        )
    for o in outcomes:
        if o.count("trade/listings_with_sales") or o.count("feedback/read"):
            print(f"{o.market}: sales shown on {o.count('trade/listings_with_sales')} listings "
                  f"({o.count('trade/sales'):,} in all); {o.count('feedback/read')} feedback records read")
    for o in outcomes:
        if o.stats.get("vigil/worker/role") == "joiner":
            print(f"{o.market}: this worker joined run {o.run_id}; the run's record (`vigil runs`) "
                  "counts every worker's pages and listings")
    for o in outcomes:
        if o.message:
            print(o.message if o.message.startswith(f"{o.market} ") else f"{o.market}: {o.message}")
        if o.count("store/spooled"):
            print(
                f"{o.market}: {o.count('store/spooled')} writes wait in the spool for the index "
                "(replayed on the next crawl, or `vigil index replay`)"
            )
    for o in outcomes:  # crawl health (docs/operations.md): also in the log and the run record
        for alert in o.stats.get("vigil/health/alerts") or []:
            severity = str(alert.get("severity", "")).upper()
            print(f"health {severity} {alert.get('kind')}: {clean(alert.get('message'))}")
    print(f"index: {describe(settings)}")


def summary_json(settings: Settings, outcomes: list[CrawlOutcome]) -> list[dict[str, Any]]:
    """The summary as data (`vigil crawl --json`): the table's figures and the progress figures
    (crawler/progress.py) under the same names, per market."""
    totals = active_listings(settings, [o.market for o in outcomes])
    return [
        {
            "market": o.market,
            "status": o.status,
            "run_id": o.run_id,
            **o.figures,
            "new": o.count("listings/new") + o.count("listings/reappeared"),
            "changed": o.count("listings/changed"),
            "same": o.count("listings/unchanged"),
            "removed": o.count("listings/removed"),
            "spooled": o.count("store/spooled"),
            "active": totals.get(o.market, 0),
            "message": o.message,
        }
        for o in outcomes
    ]
