"""The run's side of a crash-safe crawl (`vigil crawl M --resume`).

The crawl run extension (`pipelines.runs`) opens the market's frontier (`crawler.frontier`)
once it holds the market's lock, never before: a crawl refused by the lock must not touch the
frontier of the crawl that holds it. A normal crawl starts a fresh frontier. A resumed crawl
takes over the killed crawl's: its run links to the killed run (`vigil/resumed_from`), and the
listings the killed run stored count as seen by the resumed run (each is touched for it), so
that the resumed run completes the killed run's pass and decides removals for all of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler

from crawler.frontier import Frontier, FrontierError, open_frontier
from index.errors import StoreError
from index.store import Store

logger = logging.getLogger(__name__)


def open_for_run(crawler: Crawler, data_dir: Path, market: str) -> Frontier:
    """The crawl's frontier (raises FrontierError with the reason when it cannot be opened)."""
    resume = crawler.settings.getbool("RESUME_CRAWL")
    try:
        return open_frontier(data_dir, market, resume=resume)
    except (OSError, ValueError) as exc:
        raise FrontierError(f"{market}: the frontier cannot be opened: {exc}") from None


def resumed_from(crawler: Crawler, frontier: Frontier) -> int | None:
    """The run this crawl resumes (the last run of the frontier's pass), or None."""
    if crawler.settings.getbool("RESUME_CRAWL") and frontier.runs:
        return frontier.runs[-1]
    return None


def begin(crawler: Crawler, frontier: Frontier, store: Store, market: str, run_id: int) -> None:
    """Hand the frontier to the scheduler and the tracking middleware; when resuming, adopt
    what the earlier runs of the pass stored."""
    previous = resumed_from(crawler, frontier)
    frontier.begin(run_id)
    crawler._vigil_frontier = frontier  # type: ignore[attr-defined]
    # a store that commits every write when it returns needs no flush before a page is done
    flush: Callable[[], None] | None = None if getattr(store, "writes_through", False) else store.flush
    crawler._vigil_flush = flush  # type: ignore[attr-defined]
    if previous is None:
        return
    stats = crawler.stats
    assert stats is not None
    adopted = missing = 0
    for listing_id, seen_at in frontier.stored_listings():
        try:
            store.touch_listing(market, listing_id, seen_at, run_id)
            adopted += 1
        except StoreError as exc:
            missing += 1
            logger.warning("%s: listing %s stored by the killed run cannot be adopted: %s",
                           market, listing_id, exc)
    stats.set_value("vigil/resumed_from", previous)
    stats.set_value("vigil/resume/listings_adopted", adopted)
    stats.set_value("vigil/resume/pages_done", frontier.count("done"))
    stats.set_value("vigil/resume/category_pages_done", frontier.count("done", "category"))
    if missing:
        stats.set_value("vigil/resume/listings_missing", missing)
    logger.info(
        "%s: run %s resumes run %s: %d pages already done, %d listings already stored, "
        "%d requests pending", market, run_id, previous, frontier.count("done"), adopted,
        frontier.count("pending"),
    )


def finish(crawler: Crawler, reason: str) -> None:
    """Settle the last done marks, record how the crawl closed, close the frontier."""
    frontier: Frontier | None = getattr(crawler, "_vigil_frontier", None)
    if frontier is None:
        return
    tracker: Any = getattr(crawler, "_vigil_frontier_tracker", None)
    try:
        if tracker is not None:
            tracker.settle()
        pending = frontier.count("pending")
        assert crawler.stats is not None
        crawler.stats.set_value("vigil/frontier/pending", pending)
        frontier.finish(reason)
    except Exception as exc:  # the run's record matters more; a resume then re-fetches more
        logger.warning("the frontier could not be settled: %s", exc)
    finally:
        frontier.close()
        crawler._vigil_frontier = None  # type: ignore[attr-defined]
