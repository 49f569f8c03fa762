"""The crawl run: started with the crawl, finished with a status decided from its stats.

`ok` only when the crawl completed without errors; only `ok` runs mark listings removed.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from pipelines.context import CrawlContext

logger = logging.getLogger(__name__)

# Stats that make a finished crawl incomplete.
ERROR_STATS = (
    "retry/max_reached",
    "spider_exceptions/count",
    "httperror/response_ignored_count",
    "vigil/anonymity/refused",
    "vigil/dropped",
    "vigil/pages/category_missing",
    "vigil/pages/pagination_capped",
    "vigil/requests/failed",
)
LISTING_STATS = (
    "vigil/listings/new",
    "vigil/listings/changed",
    "vigil/listings/unchanged",
    "vigil/listings/reappeared",
)


def run_status(reason: str, stats: dict[str, Any]) -> str:
    if reason == "needs_session":
        return "needs_session"
    if reason in ("waiting_for_browser", "start_error"):
        return "failed"
    if not stats.get("vigil/pages/category"):
        return "failed"
    if not any(stats.get(name) for name in LISTING_STATS):
        # pages answered but no listing was read: the layout changed or the selectors broke;
        # never let such a run mark every listing removed
        return "failed"
    if reason != "finished":
        return "partial"
    if any(stats.get(name) for name in ERROR_STATS):
        return "partial"
    return "ok"


class CrawlRunExtension:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        context = CrawlContext.of(self.crawler)
        logger.info("crawl run %s of %s started", context.run.id, context.run.market)

    def spider_closed(self, reason: str) -> None:
        context = CrawlContext.of(self.crawler)
        stats = self.crawler.stats
        assert stats is not None
        values = dict(stats.get_stats())
        status = run_status(reason, values)
        run = context.run
        run.finished_at = context.clock.now()
        run.status = status  # type: ignore[assignment]
        if status == "ok":
            assert run.id is not None
            removed = context.store.mark_removed(run.market, run.id, run.finished_at)
            stats.set_value("vigil/listings/removed", len(removed))
        else:
            logger.warning("run %s ended %s (%s): nothing is marked removed", run.id, status, reason)
        stats.set_value("vigil/run_status", status)
        stats.set_value("vigil/run_id", run.id)
        run.stats = {k: v for k, v in stats.get_stats().items() if _keep(k)}
        run.stats["close_reason"] = reason
        context.store.finish_run(run)
        context.store.close()


def _keep(name: str) -> bool:
    return name.startswith(
        (
            "vigil/",
            "item_",
            "response_received",
            "downloader/request_count",
            "retry/",
            "httperror/",
            "log_count/ERROR",
            "elapsed",
        )
    )
